// Live updates for topic and space pages, the idea board, and the notification bell on every
// page of a signed-in person (base.html then provides a config for the personal stream only).
// The pages work without this script; it only adds what arrives over the websocket. Protocol
// and event kinds: forum/consumers.py, forum/events.py.
(() => {
  "use strict";

  const configNode = document.getElementById("live-config");
  if (!configNode || !("WebSocket" in window)) {
    return;
  }
  const config = JSON.parse(configNode.textContent);
  const texts = config.texts || {};
  const notice = document.querySelector("[data-live-notice]");
  const postList = document.querySelector("[data-post-list]");
  const topicList = document.querySelector("[data-topic-list]");
  const typingLine = document.querySelector("[data-typing]");
  const presenceLine = document.querySelector("[data-presence]");
  const baseTitle = document.title;
  const bell = document.querySelector("[data-notification-bell]");

  let position = config.after; // last position seen: the reconnect resumes after it
  const SIGNED_OUT = 4401; // close codes: forum/consumers.py
  const ACCOUNT_GONE = 4403;
  let socket = null;
  let attempts = 0;
  let heartbeat = null;
  let pongTimer = null;
  let unseen = 0;
  let typingTimer = null;
  let lastTypingSent = 0;
  let stopped = false;
  let connectedBefore = false;
  let countTimer = null;

  const interpolate = (text, values) =>
    text.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));

  function showNotice(text, onClick) {
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

  function hideNotice() {
    if (notice) {
      notice.hidden = true;
      notice.textContent = "";
    }
  }

  function setUnseen(count) {
    unseen = count;
    document.title = unseen > 0 ? `(${unseen}) ${baseTitle}` : baseTitle;
  }

  const nearBottom = () =>
    window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 200;

  // Whatever order fetches complete in (live events, the replay after a reconnect), the page
  // ends in the order a reload shows: an element goes before the first sibling that sorts
  // after it. A moved element keeps the keyboard focus it had.
  function insertInOrder(list, element, sortsBefore) {
    const focused = element.contains(document.activeElement) ? document.activeElement : null;
    const next = [...list.children].find(
      (sibling) => sibling !== element && sortsBefore(element, sibling),
    );
    list.insertBefore(element, next ?? null);
    focused?.focus({ preventScroll: true });
  }

  // Compares two keys (arrays of numbers) element by element; NaN (a row without the key)
  // never sorts before anything.
  function keyBefore(a, b, descending = false) {
    for (let i = 0; i < a.length; i += 1) {
      if (a[i] !== b[i]) {
        return descending ? a[i] > b[i] : a[i] < b[i];
      }
    }
    return false;
  }

  // Posts as the topic page renders them: by id.
  const postKey = (element) => [Number(element.id.replace(/^beitrag-/, ""))];
  const postBefore = (a, b) => keyBefore(postKey(a), postKey(b));
  // Topic rows as the space page lists them: pinned first, then latest activity, then newest.
  const topicKey = (row) => [
    Number(row.dataset.pinned), Date.parse(row.dataset.activityAt), Number(row.dataset.topicId),
  ];
  const topicBefore = (a, b) => keyBefore(topicKey(a), topicKey(b), true);
  // Idea cards within a group as the board renders them: oldest first.
  const cardKey = (card) => [
    Date.parse(card.querySelector("time[datetime]")?.dateTime),
    Number(card.id.replace(/^idee-/, "")),
  ];
  const cardBefore = (a, b) => keyBefore(cardKey(a), cardKey(b));

  async function fetchFragment(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "live" } });
    if (!response.ok) {
      return null;
    }
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    return template.content.firstElementChild;
  }

  async function onPostCreated(payload) {
    if (typingLine) {
      typingLine.hidden = true;
    }
    if (!postList || document.getElementById(`beitrag-${payload.post_id}`)) {
      return;
    }
    if (!config.isLastPage) {
      setUnseen(unseen + 1);
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
      setUnseen(unseen + 1);
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
    const element = await fetchFragment(payload.fragment_url);
    if (element) {
      current.replaceWith(element);
    }
  }

  function onTopicActivity(payload) {
    const row = topicList?.querySelector(`[data-topic-id="${payload.topic_id}"]`);
    if (!row) {
      setUnseen(unseen + 1);
      showNotice(texts.newTopics, () => window.location.reload());
      return;
    }
    row.dataset.activityAt = payload.last_activity_at;
    insertInOrder(topicList, row, topicBefore);
    const activity = row.querySelector("[data-activity]");
    if (activity) {
      const label = payload.reply_count === 1 ? texts.reply : texts.replies;
      const when = new Date(payload.last_activity_at).toLocaleString(document.documentElement.lang, {
        dateStyle: "short", timeStyle: "short",
      });
      activity.textContent = `${payload.reply_count} ${label} · ${when} · ${payload.last_poster}`;
    }
    if (!row.classList.contains("is-unread")) {
      row.classList.add("is-unread");
      const badge = document.createElement("span");
      badge.className = "badge badge-unread";
      badge.textContent = texts.new;
      row.querySelector(".topic-title")?.after(" ", badge);
      setUnseen(unseen + 1);
    }
  }

  function onTyping(payload) {
    if (!typingLine || payload.user_id === config.userId) {
      return;
    }
    typingLine.textContent = interpolate(texts.typing, { name: payload.name });
    typingLine.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { typingLine.hidden = true; }, 5000);
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

  function refreshNotificationCount(spread = 0) {
    // The number is read again, never counted up from hints: a lost hint cannot leave it
    // wrong. Once per burst of events; ``spread`` (ms) scatters the tabs a notice to thousands
    // (a new topic academy-wide) reaches, so they do not all ask at the same moment.
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

  function onChanged(payload) {
    // The personal stream's "read again" hint, one per commit (see forum/events.py).
    if (payload.counters.includes("notifications")) {
      refreshNotificationCount(2000);
    }
    if (payload.counters.includes("unread") && notice && texts.newForYou) {
      setUnseen(unseen + 1);
      showNotice(texts.newForYou, () => window.location.reload());
    }
  }

  function onReset() {
    // The server no longer has every event since this page was loaded: only a reload is
    // complete.
    stopped = true;
    showNotice(texts.reload || texts.changed, () => window.location.reload());
    socket?.close();
  }

  // Idea board: a changed card is fetched alone (rendered for this viewer) and put into its
  // group; the whole board only after a reconnect, when nothing else tells what was missed.
  // A card someone is typing into is left alone until they leave it.
  const board = () => document.querySelector("[data-idea-board]");
  const cardRequests = new Map();
  let boardStale = false;

  async function refreshBoard() {
    const current = board();
    if (!current || !config.boardUrl) {
      return;
    }
    if (current.contains(document.activeElement)) {
      boardStale = true;
      return;
    }
    boardStale = false;
    const fresh = await fetchFragment(config.boardUrl);
    if (fresh && board()) {
      board().replaceWith(fresh);
    }
  }

  function updateGroupCounts() {
    board()?.querySelectorAll(".idea-group").forEach((section) => {
      const count = section.querySelectorAll(".idea-card").length;
      if (count === 0) {
        section.remove();
      } else {
        section.querySelector("[data-count]").textContent = `(${count})`;
      }
    });
  }

  function groupList(name) {
    const current = board();
    const sections = [...current.querySelectorAll(".idea-group")];
    let section = sections.find((candidate) => candidate.dataset.group === name);
    if (!section) {
      section = document.createElement("section");
      section.className = "idea-group";
      section.dataset.group = name;
      const heading = document.createElement("h3");
      heading.id = `idea-group-new-${Date.now()}-${sections.length}`;
      heading.textContent = `${name || texts.ungrouped} `;
      const count = document.createElement("span");
      count.className = "meta";
      count.dataset.count = "";
      heading.append(count);
      section.setAttribute("aria-labelledby", heading.id);
      const list = document.createElement("ul");
      list.className = "idea-cards";
      section.append(heading, list);
      // Groups in name order, cards not yet grouped ("") first, as the server renders them.
      const next = sections.find((candidate) => candidate.dataset.group > name);
      current.insertBefore(section, next || current.querySelector("datalist"));
      current.querySelector(":scope > .empty")?.remove();
      if (name) {
        const option = document.createElement("option");
        option.value = name;
        current.querySelector("datalist")?.append(option);
      }
    }
    return section.querySelector(".idea-cards");
  }

  async function onIdeaChanged(payload) {
    if (!board() || !config.cardUrl) {
      return;
    }
    const existing = document.getElementById(`idee-${payload.card_id}`);
    if (existing?.contains(document.activeElement)) {
      boardStale = true;
      return;
    }
    // Two quick changes of one card: only the answer to the latest request counts.
    const request = (cardRequests.get(payload.card_id) || 0) + 1;
    cardRequests.set(payload.card_id, request);
    const fresh = payload.change === "removed"
      ? null
      : await fetchFragment(interpolate(config.cardUrl, { id: payload.card_id }));
    if (cardRequests.get(payload.card_id) !== request || !board()) {
      return;
    }
    document.getElementById(`idee-${payload.card_id}`)?.remove();
    if (fresh) {
      insertInOrder(groupList(fresh.dataset.group), fresh, cardBefore);
    }
    updateGroupCounts();
    if (!board().querySelector(".idea-card")) {
      refreshBoard(); // the server's "no cards yet" text
    }
    showNotice(texts.ideasUpdated);
  }

  document.addEventListener("focusout", () => {
    // After the focus has moved on, so activeElement is the new target.
    setTimeout(() => {
      if (boardStale) {
        refreshBoard();
      }
    }, 0);
  });

  function onAccessEnded() {
    stopped = true;
    showNotice(texts.accessEnded);
    const inputs = ".reply form button, .reply form textarea, .idea-form button, .idea-form textarea";
    document.querySelectorAll(`${inputs}, [data-idea-board] button`).forEach((el) => {
      el.disabled = true;
    });
    socket?.close();
  }

  function handle(message) {
    if (message.type === "pong") {
      clearTimeout(pongTimer);
      return;
    }
    if (message.type === "unsubscribed" && message.stream === config.stream) {
      onAccessEnded();
      return;
    }
    if (message.type === "refused") {
      stopped = true;
      return;
    }
    if (message.type === "subscribed" && message.stream === config.stream) {
      attempts = 0; // only now is the connection really back: see the close handler
      return;
    }
    if (message.type !== "event") {
      return;
    }
    if (message.position !== null && message.stream === config.stream) {
      position = Math.max(position, message.position);
    }
    const payload = message.payload;
    switch (message.kind) {
      case "post.created": onPostCreated(payload); break;
      case "post.changed": onPostChanged(payload); break;
      case "topic.changed": showNotice(texts.changed, () => window.location.reload()); break;
      case "topic.created":
      case "topic.activity": onTopicActivity(payload); break;
      case "changed": onChanged(payload); break;
      case "reset": onReset(); break;
      case "access.changed": refreshNotificationCount(); break;
      case "idea.changed": onIdeaChanged(payload); break;
      case "typing": onTyping(payload); break;
      case "presence": onPresence(payload); break;
      default: break;
    }
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
    }
  }

  function startHeartbeat() {
    clearInterval(heartbeat);
    heartbeat = setInterval(() => {
      send({ type: "ping" });
      clearTimeout(pongTimer);
      // No answer: the socket is dead even if the browser has not noticed yet.
      pongTimer = setTimeout(() => socket?.close(), 10000);
    }, 25000);
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}/ws/`);
    socket.addEventListener("open", () => {
      if (connectedBefore) {
        refreshNotificationCount(); // the personal stream's hints are not replayed
        refreshBoard();
      }
      connectedBefore = true;
      if (notice?.dataset.offline) {
        delete notice.dataset.offline;
        hideNotice();
      }
      send({ type: "subscribe", stream: config.stream, after: position });
      startHeartbeat();
    });
    socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      clearInterval(heartbeat);
      clearTimeout(pongTimer);
      if (stopped) {
        return;
      }
      if (event.code === SIGNED_OUT || event.code === ACCOUNT_GONE) {
        // The session ended elsewhere (logout, password change): reconnecting cannot help.
        stopped = true;
        showNotice(texts.signedOut || texts.offline || "", () => window.location.reload());
        return;
      }
      if (attempts > 2 && notice && notice.hidden) {
        notice.dataset.offline = "1";
        showNotice(texts.offline);
      }
      // Exponential backoff with jitter, so a restarted server is not hit by everyone at once.
      // It grows until a subscription succeeds, not merely until a socket opens: a server
      // that accepts and then closes (code 1013, channel layer down) is not hammered.
      const delay = Math.min(30000, 500 * 2 ** attempts) * (0.5 + Math.random());
      attempts += 1;
      setTimeout(connect, delay);
    });
  }

  const replyBox = document.querySelector(".reply textarea");
  replyBox?.addEventListener("input", () => {
    const now = Date.now();
    if (now - lastTypingSent > 3000) {
      lastTypingSent = now;
      send({ type: "typing", stream: config.stream });
    }
  });

  window.addEventListener("scroll", () => {
    if (unseen && nearBottom() && config.isLastPage) {
      setUnseen(0);
      hideNotice();
    }
  }, { passive: true });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && nearBottom() && config.isLastPage) {
      setUnseen(0);
    }
  });

  connect();
})();
