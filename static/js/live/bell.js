// The notification bell in the header ([data-notification-bell]) and the personal stream's
// "read again" hints (kind `changed`, see forum/events.py). The bell's number is always read
// again from the server, never counted up from hints: a lost hint cannot leave it wrong.

import { addUnseen, hasNotice, reloadPage, showNotice } from "./notice.js";
import { interpolate } from "./texts.js";

const bell = document.querySelector("[data-notification-bell]");
let countTimer = null;

function setNotificationCount(count) {
  const number = bell?.querySelector("[data-notification-number]");
  if (!number || !Number.isInteger(count) || number.textContent === String(count)) {
    return;
  }
  // The count sits in an aria-live region: screen readers hear "3 ungelesen".
  number.textContent = String(count);
  bell.querySelector("[data-notification-count]")?.classList.toggle("is-zero", count === 0);
  if (bell.dataset.label) {
    bell.setAttribute("aria-label", interpolate(bell.dataset.label, { count }));
  }
}

// Once per burst of events; `spread` (ms) scatters the tabs a notice to thousands (a new
// topic academy-wide) reaches, so they do not all ask at the same moment.
function refreshNotificationCount(spread = 0) {
  if (!bell?.dataset.countUrl) {
    return;
  }
  clearTimeout(countTimer);
  countTimer = setTimeout(async () => {
    try {
      const response = await fetch(bell.dataset.countUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        setNotificationCount((await response.json()).unread);
      }
    } catch {
      // Offline or signed out: the next event or reconnect asks again.
    }
  }, 200 + Math.random() * spread);
}

export function startBell(socket, config) {
  const texts = config.texts || {};
  // One hint per commit on the personal stream.
  socket.on("changed", (payload) => {
    if (payload.counters.includes("notifications")) {
      refreshNotificationCount(2000);
    }
    if (payload.counters.includes("unread") && hasNotice() && texts.newForYou) {
      addUnseen();
      showNotice(texts.newForYou, reloadPage);
    }
  });
  socket.on("access.changed", () => refreshNotificationCount());
  // The personal stream's hints are not replayed after a reconnect.
  socket.onReopen(() => refreshNotificationCount());
}
