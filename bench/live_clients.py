"""The simulated browsers of the live-stream load bench (live_load.py): people posting replies
through the reply form, and tabs reading a topic over a websocket."""

from __future__ import annotations

import asyncio
import http.client
import http.cookies
import json
import random
import re
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field

from live_servers import Person
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from ws_fanout import _csrf_token, _live_config

HTTP_TIMEOUT = 30
RECONNECT_DELAY = 0.5  # the browser's first backoff step, with the same jitter


# --- HTTP ---------------------------------------------------------------------------------------


class Visitor:
    """One person's browser over HTTP: the session cookie from the preparation, the CSRF cookie
    the first page sets; no redirects followed."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.cookies = {"sessionid": person.session}
        self.token = ""

    def request(self, port: int, path: str, fields: dict[str, str] | None = None):
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        try:
            connection.request("GET" if body is None else "POST", path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(header)
                self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
            return response.status, response.headers.get("Location", ""), text
        finally:
            connection.close()

    def open_topic(self, port: int, topic_id: int) -> int:
        """The topic page: the reply form's CSRF token and the position the page shows."""
        status, _location, html = self.request(port, f"/forum/diskussionen/{topic_id}/")
        if status != 200:
            raise RuntimeError(f"topic page: HTTP {status}")
        self.token = _csrf_token(html)
        return _live_config(html)["after"]


@dataclass
class Written:
    label: str
    post_id: int | None
    seconds: float
    retried: bool
    error: str = ""


class Writer:
    """One simulated person posting: one reply at a time, through the reply form of the worker
    a load balancer gave it; on a broken connection the same form (same idempotency key) goes
    to the other worker. Posts as its accounts in turn, to stay under the per-person limit."""

    def __init__(self, accounts: list[Visitor], worker: int) -> None:
        self.accounts = accounts
        self.worker = worker
        self.turn = 0
        self.lock = asyncio.Lock()

    def write(self, ports: list[int], topic_id: int, label: str) -> Written:
        account = self.accounts[self.turn % len(self.accounts)]
        self.turn += 1
        key, body = str(uuid.uuid4()), f"Lastmessung {label}: Antwort {self.turn}."
        path = f"/forum/diskussionen/{topic_id}/antworten/"
        fields = {"csrfmiddlewaretoken": account.token, "body": body, "idempotency_key": key}
        began, retried, error = time.monotonic(), False, ""
        for _attempt in range(5):
            try:
                status, location, text = account.request(ports[self.worker], path, fields)
            except (OSError, http.client.HTTPException) as failure:
                error, retried = repr(failure), True
                self.worker = 1 - self.worker
                time.sleep(0.2)
                continue
            match = re.search(r"/forum/beitraege/(\d+)/", location) if status == 302 else None
            if match:
                return Written(label, int(match.group(1)), time.monotonic() - began, retried)
            error = f"HTTP {status} " + " ".join(text.split())[:160]
            break
        return Written(label, None, time.monotonic() - began, retried, error)


# --- websocket clients --------------------------------------------------------------------------


@dataclass
class StreamLog:
    """What one stream delivered to one client: position → (sent_at, received at)."""

    deliveries: dict[int, tuple[float | None, float]] = field(default_factory=dict)
    duplicated: list[int] = field(default_factory=list)
    out_of_order: list[int] = field(default_factory=list)
    resets: list[int] = field(default_factory=list)  # "reload the page" up to this position
    last: int = 0

    def add(self, position: int, sent_at: float | None, received: float) -> None:
        if position in self.deliveries:
            self.duplicated.append(position)
            return
        if position < self.last:
            self.out_of_order.append(position)
        self.deliveries[position] = (sent_at, received)
        self.last = max(self.last, position)


class Reader:
    """One browser tab on a topic page: subscribes after the page's position, pings, and
    reconnects to the other worker with the last position it saw when its socket breaks."""

    def __init__(self, person: Person, topic_id: int, worker: int, after: int) -> None:
        self.person = person
        self.stream = f"topic:{topic_id}"
        self.worker = self.first_worker = worker
        self.after = after
        self.topic = StreamLog()
        # The personal stream starts at its head on every connection (hints are not replayed).
        self.personal: list[StreamLog] = []
        self.ready = asyncio.Event()
        self.connections = 0
        self.problems: list[str] = []
        self.last_event_at = time.monotonic()

    async def run(self, ports: list[int], ping: float) -> None:
        while True:
            try:
                async with connect(
                    f"ws://127.0.0.1:{ports[self.worker]}/ws/",
                    origin=f"http://127.0.0.1:{ports[self.worker]}",
                    additional_headers={"Cookie": f"sessionid={self.person.session}"},
                    proxy=None,
                    compression=None,
                    ping_interval=None,
                    open_timeout=10,
                    close_timeout=1,
                    max_queue=None,
                ) as ws:
                    await self._serve(ws, ping)
            except (OSError, TimeoutError, WebSocketException):
                pass
            self.worker = 1 - self.worker  # the load balancer tries the other worker
            await asyncio.sleep(RECONNECT_DELAY * (0.5 + random.random()))  # noqa: S311

    async def _serve(self, ws: ClientConnection, ping: float) -> None:
        self.connections += 1
        self.personal.append(StreamLog())
        after = max(self.after, self.topic.last)
        await ws.send(json.dumps({"type": "subscribe", "stream": self.stream, "after": after}))
        pinger = asyncio.create_task(self._ping(ws, ping))
        try:
            async for raw in ws:
                self._receive(raw)
        finally:
            pinger.cancel()

    @staticmethod
    async def _ping(ws: ClientConnection, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            await ws.send('{"type": "ping"}')

    def _receive(self, raw: str | bytes) -> None:
        received = time.time()  # first: keep the client's own parsing out of the latency
        message = json.loads(raw)
        kind = message.get("type")
        if kind == "event":
            self.last_event_at = time.monotonic()
        if kind == "event" and message.get("position") is not None:
            log = self.topic if message["stream"] == self.stream else self.personal[-1]
            if message["kind"] == "reset":  # delivers nothing; the page resumes after it
                log.resets.append(message["position"])
                log.last = max(log.last, message["position"])
            else:
                log.add(message["position"], message["sent_at"], received)
        elif kind == "caught_up" and message.get("stream") == self.stream:
            self.ready.set()
        elif kind in ("refused", "unsubscribed", "error"):
            self.problems.append(str(raw)[:200])


async def open_readers(
    readers: list[Reader], ports: list[int], ping: float, batch: int
) -> list[asyncio.Task]:
    tasks = []
    for start in range(0, len(readers), batch):
        group = readers[start : start + batch]
        tasks += [asyncio.create_task(reader.run(ports, ping)) for reader in group]
        await asyncio.wait_for(asyncio.gather(*(reader.ready.wait() for reader in group)), 60)
    # Each join tells the topic's readers the new count: let that burst pass before posting.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if time.monotonic() - max(reader.last_event_at for reader in readers) > 1:
            break
        await asyncio.sleep(0.2)
    return tasks
