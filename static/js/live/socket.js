// The page's one websocket (protocol: forum/consumers.py). It subscribes to the page's
// streams, resuming each after the last position seen; reconnects with backoff; keeps a
// heartbeat; and hands each event to the handlers registered for its kind (forum/events.py).
// It stops for good when the session ended (close codes 4401/4403), a subscription was
// refused or ended (access lost), or the server asked for a reload (`reset`).

const SIGNED_OUT = 4401; // close codes: forum/consumers.py
const ACCOUNT_GONE = 4403;
const PING_EVERY = 25000;
const PONG_WITHIN = 10000;

// `streams` maps each stream to the last position the page shows. `onOpen()` hears every
// opened socket, `onRetry(attempts)` every reconnect about to be scheduled, `onStop(reason)`
// why the socket stopped: "signed-out", "access", "reset" or "refused".
export function createLiveSocket(streams, { onOpen, onRetry, onStop }) {
  const positions = new Map(Object.entries(streams));
  const handlers = new Map();
  const reopenHandlers = [];
  let socket = null;
  let attempts = 0;
  let heartbeat = null;
  let pongTimer = null;
  let stopped = false;
  let connectedBefore = false;

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
    }
  }

  function stop(reason) {
    stopped = true;
    onStop(reason);
    // A refused subscription leaves the socket open: the personal stream (the bell) goes on.
    if (reason !== "refused") {
      socket?.close();
    }
  }

  function startHeartbeat() {
    clearInterval(heartbeat);
    heartbeat = setInterval(() => {
      send({ type: "ping" });
      clearTimeout(pongTimer);
      // No answer: the socket is dead even if the browser has not noticed yet.
      pongTimer = setTimeout(() => socket?.close(), PONG_WITHIN);
    }, PING_EVERY);
  }

  function dispatch(message) {
    if (message.position !== null && positions.has(message.stream)) {
      positions.set(message.stream, Math.max(positions.get(message.stream), message.position));
    }
    if (message.kind === "reset") {
      // The server no longer has every event since this page was loaded: only a reload is
      // complete.
      stop("reset");
      return;
    }
    for (const handler of handlers.get(message.kind) ?? []) {
      handler(message.payload);
    }
  }

  function handle(message) {
    if (message.type === "pong") {
      clearTimeout(pongTimer);
    } else if (message.type === "unsubscribed" && positions.has(message.stream)) {
      stop("access");
    } else if (message.type === "refused") {
      stop("refused");
    } else if (message.type === "subscribed" && positions.has(message.stream)) {
      attempts = 0; // only now is the connection really back: see onClose
    } else if (message.type === "event") {
      dispatch(message);
    }
  }

  function onClose(event) {
    clearInterval(heartbeat);
    clearTimeout(pongTimer);
    if (stopped) {
      return;
    }
    if (event.code === SIGNED_OUT || event.code === ACCOUNT_GONE) {
      // The session ended elsewhere (logout, password change): reconnecting cannot help.
      stop("signed-out");
      return;
    }
    onRetry(attempts);
    // Exponential backoff with jitter, so a restarted server is not hit by everyone at once.
    // It grows until a subscription succeeds, not merely until a socket opens: a server
    // that accepts and then closes (code 1013, channel layer down) is not hammered.
    const delay = Math.min(30000, 500 * 2 ** attempts) * (0.5 + Math.random());
    attempts += 1;
    setTimeout(connect, delay);
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}/ws/`);
    socket.addEventListener("open", () => {
      if (connectedBefore) {
        reopenHandlers.forEach((handler) => handler());
      }
      connectedBefore = true;
      onOpen();
      for (const [stream, after] of positions) {
        send({ type: "subscribe", stream, after });
      }
      startHeartbeat();
    });
    socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    socket.addEventListener("close", onClose);
  }

  return {
    connect,
    send,
    // Registers a handler for one event kind; it receives the event's payload.
    on(kind, handler) {
      handlers.set(kind, [...(handlers.get(kind) ?? []), handler]);
    },
    // Registers what to do when the socket opens again after a drop: events of streams
    // without positions may have been missed.
    onReopen(handler) {
      reopenHandlers.push(handler);
    },
  };
}
