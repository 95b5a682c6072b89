// The topic page: new and changed posts in post order, who is typing, who else is reading.
// Posts are fetched as fragments; one off screen (or on an earlier page) is announced in the
// notice line and counted in the title until the reader scrolls down to it.

import { fetchFragment, insertInOrder, keyBefore } from "./fragments.js";
import {
  addUnseen, hideNotice, reloadPage, setUnseen, showNotice, unseenCount,
} from "./notice.js";
import { interpolate } from "./texts.js";

const TYPING_SHOWN = 5000;
const TYPING_SENT_EVERY = 3000;

// Posts as the topic page renders them: by id.
const postKey = (element) => [Number(element.id.replace(/^beitrag-/, ""))];
const postBefore = (a, b) => keyBefore(postKey(a), postKey(b));

const nearBottom = () =>
  window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 200;

export function startTopic(socket, config) {
  const texts = config.texts || {};
  const postList = document.querySelector("[data-post-list]");
  const typingLine = document.querySelector("[data-typing]");
  const presenceLine = document.querySelector("[data-presence]");
  let typingTimer = null;
  let lastTypingSent = 0;

  async function onPostCreated(payload) {
    if (typingLine) {
      typingLine.hidden = true;
    }
    if (!postList || document.getElementById(`beitrag-${payload.post_id}`)) {
      return;
    }
    if (!config.isLastPage) {
      addUnseen();
      showNotice(texts.newPostsElsewhere, () => { window.location.href = config.lastPageUrl; });
      return;
    }
    const wasNearBottom = nearBottom();
    const element = await fetchFragment(payload.fragment_url);
    if (!element || document.getElementById(element.id)) {
      return;
    }
    element.classList.add("is-new");
    insertInOrder(postList, element, postBefore);
    if (!wasNearBottom || document.hidden) {
      addUnseen();
      showNotice(texts.newPosts, () => {
        element.scrollIntoView({ behavior: "smooth", block: "start" });
        element.querySelector("a")?.focus({ preventScroll: true });
        setUnseen(0);
        hideNotice();
      });
    }
  }

  async function onPostChanged(payload) {
    const current = document.getElementById(`beitrag-${payload.post_id}`);
    if (!current) {
      return;
    }
    if (payload.change === "removed") {
      current.remove();
      return;
    }
    const element = await fetchFragment(payload.fragment_url);
    if (element) {
      current.replaceWith(element);
    }
  }

  function onTyping(payload) {
    if (!typingLine || payload.user_id === config.userId) {
      return;
    }
    typingLine.textContent = interpolate(texts.typing, { name: payload.name });
    typingLine.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { typingLine.hidden = true; }, TYPING_SHOWN);
  }

  function onPresence(payload) {
    if (!presenceLine) {
      return;
    }
    presenceLine.hidden = payload.count < 2;
    presenceLine.textContent = payload.count === 1
      ? texts.presenceOne
      : interpolate(texts.presenceMany, { count: payload.count });
  }

  socket.on("post.created", onPostCreated);
  socket.on("post.changed", onPostChanged);
  socket.on("topic.changed", () => showNotice(texts.changed, reloadPage));
  socket.on("typing", onTyping);
  socket.on("presence", onPresence);

  document.querySelector(".reply textarea")?.addEventListener("input", () => {
    const now = Date.now();
    if (now - lastTypingSent > TYPING_SENT_EVERY) {
      lastTypingSent = now;
      socket.send({ type: "typing", stream: config.stream });
    }
  });

  window.addEventListener("scroll", () => {
    if (unseenCount() && nearBottom() && config.isLastPage) {
      setUnseen(0);
      hideNotice();
    }
  }, { passive: true });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && nearBottom() && config.isLastPage) {
      setUnseen(0);
    }
  });
}
