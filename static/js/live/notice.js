// The page's live notice line ([data-live-notice]) and the count of unseen changes in the
// document title, shared by every part of the live updates.

const notice = document.querySelector("[data-live-notice]");
const baseTitle = document.title;
let unseen = 0;

export const hasNotice = () => notice !== null;

// A notice with a click target becomes a button: "new posts – show them", "reload".
export function showNotice(text, onClick) {
  if (!notice) {
    return;
  }
  notice.textContent = "";
  if (onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = text;
    button.addEventListener("click", onClick);
    notice.append(button);
  } else {
    notice.textContent = text;
  }
  notice.hidden = false;
}

export function hideNotice() {
  if (notice) {
    notice.hidden = true;
    notice.textContent = "";
  }
}

// "Connection lost" only replaces an empty notice line, and only it is taken back once the
// socket is open again.
export function showOffline(text) {
  if (notice && notice.hidden) {
    notice.dataset.offline = "1";
    showNotice(text);
  }
}

export function clearOffline() {
  if (notice?.dataset.offline) {
    delete notice.dataset.offline;
    hideNotice();
  }
}

export const unseenCount = () => unseen;

export function setUnseen(count) {
  unseen = count;
  document.title = unseen > 0 ? `(${unseen}) ${baseTitle}` : baseTitle;
}

export const addUnseen = () => setUnseen(unseen + 1);

export const reloadPage = () => window.location.reload();
