// Live updates for topic and space pages, the idea board, private conversations, a survey's
// results count, and the notification bell on every
// page of a signed-in person (base.html then provides a config for the personal stream only).
// The pages work without this script; it only adds what arrives over the websocket. This
// entry reads the page's config (#live-config) and wires the parts in live/ to one socket;
// each part finds its own elements by their data attributes. Protocol and event kinds:
// forum/consumers.py, forum/events.py.

import { startBell } from "./live/bell.js";
import { startBoard } from "./live/board.js";
import { startConversation } from "./live/conversation.js";
import { clearOffline, reloadPage, showNotice, showOffline } from "./live/notice.js";
import { createLiveSocket } from "./live/socket.js";
import { startSpace } from "./live/space.js";
import { startSurvey } from "./live/survey.js";
import { startTopic } from "./live/topic.js";

const WRITING_INPUTS = [
  ".reply form button", ".reply form textarea",
  ".idea-form button", ".idea-form textarea", "[data-idea-board] button",
].join(", ");

// What the page says (and stops offering) when the socket stops for good.
function stopNotices(texts) {
  return {
    "signed-out": () => showNotice(texts.signedOut || texts.offline || "", reloadPage),
    access: () => {
      showNotice(texts.accessEnded);
      document.querySelectorAll(WRITING_INPUTS).forEach((element) => {
        element.disabled = true;
      });
    },
    reset: () => showNotice(texts.reload || texts.changed, reloadPage),
  };
}

function start(config) {
  const texts = config.texts || {};
  const notices = stopNotices(texts);
  const socket = createLiveSocket({ [config.stream]: config.after }, {
    onOpen: clearOffline,
    onRetry: (attempts) => {
      if (attempts > 2) {
        showOffline(texts.offline);
      }
    },
    onStop: (reason) => notices[reason]?.(),
  });
  startTopic(socket, config);
  startSpace(socket, config);
  startBell(socket, config);
  startBoard(socket, config);
  startConversation(socket, config);
  startSurvey(socket, config);
  socket.connect();
}

const configNode = document.getElementById("live-config");
if (configNode && "WebSocket" in window) {
  start(JSON.parse(configNode.textContent));
}
