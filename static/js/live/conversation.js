// The conversation page: messages that arrive while it is open. The personal stream says only
// that something arrived (`conversation.message`, or `changed` after a gap, or a reopened
// socket); the page then fetches every message after the last one it shows, rendered by the
// server, so it ends exactly as a reload would show it (the newest `perPage` messages).

import { insertInOrder, keyBefore } from "./fragments.js";

const messageKey = (element) => [Number(element.id.replace(/^nachricht-/, ""))];
const messageBefore = (a, b) => keyBefore(messageKey(a), messageKey(b));

export function startConversation(socket, config) {
  const list = document.querySelector("[data-message-list]");
  if (!list || !config.conversationId) {
    return;
  }
  const olderLink = document.querySelector("[data-older-link]");
  let fetching = null;

  function lastId() {
    const ids = [...list.children].map((element) => messageKey(element)[0]);
    return ids.length ? Math.max(...ids) : 0;
  }

  // Like the server's page: only the newest `perPage` messages, the rest behind the link.
  function trim() {
    if (list.children.length <= config.perPage) {
      return;
    }
    while (list.children.length > config.perPage) {
      list.firstElementChild.remove();
    }
    if (olderLink) {
      olderLink.querySelector("a").href = `?vor=${messageKey(list.firstElementChild)[0]}`;
      olderLink.hidden = false;
    }
  }

  async function catchUp() {
    const response = await fetch(`${config.messagesUrl}?nach=${lastId()}`, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "live" },
    });
    if (!response.ok) {
      return;
    }
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    for (const element of [...template.content.children]) {
      if (!document.getElementById(element.id)) {
        insertInOrder(list, element, messageBefore);
      }
    }
    trim();
  }

  // One fetch at a time; an event during a fetch asks again once it is done.
  function refresh() {
    fetching = (fetching ?? Promise.resolve()).then(catchUp).catch(() => {});
  }

  socket.on("conversation.message", (payload) => {
    if (payload.conversation_id === config.conversationId) {
      refresh();
    }
  });
  socket.on("changed", (payload) => {
    if (payload.resync) {
      refresh();
    }
  });
  socket.onReopen(refresh);
}
