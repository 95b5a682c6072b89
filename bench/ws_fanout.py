"""Websocket fan-out: how long a new post takes to reach N sockets reading the same topic.

For each channel layer (in-memory; Redis if reachable) and each number of clients N, the script
starts one daphne server on a copy of a prepared SQLite database (migrate + seed_demo, done once),
logs in over HTTP, opens N websocket clients with one reader's session cookie, subscribes them
all to one topic of "StadtLabor Kleinstadt", and then writes M replies through the reply form as
other demo users (the posts go through HTTP on the same server: the in-memory layer only reaches
sockets of the process that publishes).

Latency = time a client received the ``post.created`` event − the event's ``sent_at`` (the
commit time, taken by ``forum.events`` on the same machine clock). ``lost`` = N×M − received
``post.created`` events, counted up to 5 s after the last post.

    .venv/bin/python bench/ws_fanout.py [--clients 10,100,500] [--posts 20] [--layers ...]

Only loopback addresses are used. The Redis layer uses the Redis of REDIS_URL (default
redis://127.0.0.1:6379) with database index 11 (``--redis-db``), which is flushed before each run.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import redis
from common import stop_process
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]

PASSWORD = "Demo-Passwort-2026"
DOMAIN = "kleinstadtakademie.example"
READER = "anna.berger"
# Members of stadtlabor-kleinstadt other than the reader: the reader is not subscribed to the
# topic and writes nothing, so her sockets get exactly one frame per post (post.created) and no
# unread.changed on her personal stream.
WRITERS = [
    "jan.petersen",
    "sabine.richter",
    "michael.huber",
    "claudia.weber",
    "katrin.vogel",
    "julia.schmidt",
]
MAX_POSTS_PER_WRITER = 9  # forum.services allows 10 posts per person and minute
SPACE_PATH = "/forum/bereiche/stadtlabor-kleinstadt/"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DRAIN_SECONDS = 5.0
SETTLE_LIMIT = 90.0


# --- HTTP -----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect surfaces as HTTPError; its Location is the answer


class Browser:
    """One logged-in person over urllib: cookies, CSRF, no proxies, no redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect(),
        )
        self.csrf = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(  # noqa: S310 - base_url is http://127.0.0.1:<port>
            self.base_url + path, data=data, headers={"Referer": self.base_url + path}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303):
                return error.code, error.headers["Location"]
            return error.code, error.read().decode()

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == name)

    def login(self, username: str) -> None:
        token = _csrf_token(self.get("/konto/login/"))
        fields = {"csrfmiddlewaretoken": token, "login": f"{username}@{DOMAIN}"}
        status, answer = self.post("/konto/login/", fields | {"password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login of {username} failed: HTTP {status}")

    def reply(self, topic_id: int, body: str) -> int:
        """Write a reply through the form; returns the new post's id."""
        status, location = self.post(
            f"/forum/diskussionen/{topic_id}/antworten/",
            {"csrfmiddlewaretoken": self.csrf, "body": body, "idempotency_key": str(uuid.uuid4())},
        )
        match = re.search(r"/forum/beitraege/(\d+)/", location) if status == 302 else None
        if match is None:
            raise RuntimeError(f"reply failed: HTTP {status} {location[:300]}")
        return int(match.group(1))


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if match is None:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


def _live_config(html: str) -> dict:
    match = re.search(r'<script id="live-config" type="application/json">(.*?)</script>', html)
    if match is None:
        raise RuntimeError("no live-config in the topic page")
    return json.loads(match.group(1))


# --- server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _base_env(workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private_media"),
    }
    env.pop("REDIS_URL", None)
    return env


def prepare_database(workdir: Path) -> Path:
    """migrate + seed_demo once; every run starts from a copy of this file."""
    path = workdir / "prepared.sqlite3"
    env = _base_env(workdir) | {"DATABASE_URL": f"sqlite:///{path}"}
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    return path


class Server:
    def __init__(self, workdir: Path, database: Path, redis_url: str | None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = _base_env(workdir) | {"DATABASE_URL": f"sqlite:///{database}"}
        if redis_url:
            env["REDIS_URL"] = redis_url
        self.log_path = workdir / f"server-{self.port}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)]
            + ["config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with opener.open(self.url + "/konto/login/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not come up:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        stop_process(self.process, timeout=10)
        self.log.close()


# --- websocket clients ------------------------------------------------------------------------


@dataclass
class Client:
    socket: ClientConnection
    subscribed: asyncio.Event = field(default_factory=asyncio.Event)
    caught_up: asyncio.Event = field(default_factory=asyncio.Event)
    barrier: asyncio.Event = field(default_factory=asyncio.Event)  # got the probe's typing event
    frames: int = 0
    # post id → latency in ms for post.created events
    received: dict[int, float] = field(default_factory=dict)
    last_message_at: float = 0.0
    error: str = ""
    reader: asyncio.Task | None = None

    async def read(self, stream: str) -> None:
        try:
            async for raw in self.socket:
                now = time.time()  # first thing: keep client-side parsing out of the number
                self.last_message_at = time.monotonic()
                self.frames += 1
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "event" and message.get("kind") == "post.created":
                    post_id = message["payload"]["post_id"]
                    self.received[post_id] = (now - message["sent_at"]) * 1000
                elif kind == "event" and message.get("kind") == "typing":
                    self.barrier.set()
                elif kind == "subscribed" and message.get("stream") == stream:
                    self.subscribed.set()
                elif kind == "caught_up" and message.get("stream") == stream:
                    self.caught_up.set()
                elif kind == "refused":
                    self.error = f"subscription refused: {message}"
                    self.subscribed.set()
        except Exception as error:  # a broken socket ends the reader; ``lost`` shows it
            self.error = repr(error)
            self.subscribed.set()


async def open_client(port: int, session: str, stream: str, after: int) -> Client:
    ws = await connect(
        f"ws://127.0.0.1:{port}/ws/",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": f"sessionid={session}"},
        proxy=None,
        compression=None,
        ping_interval=None,
        open_timeout=30,
        max_queue=None,
    )
    client = Client(socket=ws)
    client.reader = asyncio.create_task(client.read(stream))
    await ws.send(json.dumps({"type": "subscribe", "stream": stream, "after": after}))
    await asyncio.wait_for(client.subscribed.wait(), 30)
    if client.error:
        raise RuntimeError(client.error)
    return client


async def wait_all(events: list[asyncio.Event], limit: float) -> bool:
    try:
        await asyncio.wait_for(asyncio.gather(*(event.wait() for event in events)), limit)
    except TimeoutError:
        return False
    return True


async def settle(clients: list[Client], probe: Client, stream: str, limit: float) -> bool:
    """Wait until the join burst has been delivered; False if it took longer than ``limit``.

    Every subscription writes presence (one DB thread per process, in order) and then sends a
    presence event to every reader of the topic. The probe, another person, subscribes last, so
    its presence event is the last one; after that it sends ``typing``, which queues behind
    everything already sent to each reader's channel. Once every reader got that typing event,
    nothing of the burst is left in front of the posts.
    """
    await wait_all([client.caught_up for client in clients], limit)
    await wait_all([probe.caught_up], limit)
    await probe.socket.send(json.dumps({"type": "typing", "stream": stream}))
    return await wait_all([client.barrier for client in clients], limit)


async def wait_quiet(clients: list[Client], quiet: float = 1.0, limit: float = 60.0) -> None:
    """Let the join burst (a presence event to every reader per join) die down."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        last = max(client.last_message_at for client in clients)
        if time.monotonic() - last >= quiet:
            return
        await asyncio.sleep(0.1)


# --- one run ----------------------------------------------------------------------------------


@dataclass
class Result:
    layer: str
    clients: int
    posts: int
    latencies: list[float]
    lost: int
    join_s: float  # connect + subscribe all sockets until the join burst was delivered
    settled: bool
    first_ms: float  # median over posts of the fastest delivery (layer + one consumer)
    spread_ms: float  # median over posts of slowest − fastest delivery (per-socket work)
    post_ms: float  # median duration of the reply POST (commit happens inside it)
    per_post: list[tuple[int, float, float, float, int]]  # post id, min, median, max, received


async def run_once(
    layer: str,
    n_clients: int,
    n_posts: int,
    interval: float,
    batch: int,
    workdir: Path,
    prepared: Path,
    redis_url: str | None,
) -> Result:
    database = workdir / f"run-{layer}-{n_clients}.sqlite3"
    shutil.copyfile(prepared, database)
    if redis_url:
        redis.Redis.from_url(redis_url).flushdb()
    server = Server(workdir, database, redis_url)
    clients: list[Client] = []
    clients_and_probe: list[Client] = []
    try:
        await asyncio.to_thread(server.wait_until_up)
        reader = Browser(server.url)
        writers = [Browser(server.url) for _ in WRITERS]
        await asyncio.to_thread(reader.login, READER)
        space = await asyncio.to_thread(reader.get, SPACE_PATH)
        topic_id = int(re.search(r"/forum/diskussionen/(\d+)/", space).group(1))
        for browser, username in zip(writers, WRITERS, strict=True):
            await asyncio.to_thread(browser.login, username)
            page = await asyncio.to_thread(browser.get, f"/forum/diskussionen/{topic_id}/")
            browser.csrf = _csrf_token(page)
        page = await asyncio.to_thread(reader.get, f"/forum/diskussionen/{topic_id}/")
        stream, after = f"topic:{topic_id}", _live_config(page)["after"]
        session = reader.cookie("sessionid")

        join_started = time.monotonic()
        for start in range(0, n_clients, batch):
            size = min(batch, n_clients - start)
            clients += await asyncio.gather(
                *(open_client(server.port, session, stream, after) for _ in range(size))
            )
            # Each join sends a presence event to every reader: let the burst drain before the
            # next batch (daphne drops a handshake the application has not accepted in 5 s).
            await wait_quiet(clients, quiet=0.3, limit=30)
        probe = await open_client(server.port, writers[0].cookie("sessionid"), stream, after)
        clients_and_probe = [*clients, probe]
        settled = await settle(clients, probe, stream, SETTLE_LIMIT)
        join_s = time.monotonic() - join_started

        post_ids, post_times = [], []
        began = time.monotonic()
        for i in range(n_posts):
            await asyncio.sleep(max(0.0, began + i * interval - time.monotonic()))
            writer = writers[i % len(writers)]
            started = time.monotonic()
            post_ids.append(
                await asyncio.to_thread(writer.reply, topic_id, f"Messung {i + 1} von {n_posts}.")
            )
            post_times.append((time.monotonic() - started) * 1000)

        expected = n_clients * n_posts
        wanted = set(post_ids)
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline:
            if sum(len(wanted & client.received.keys()) for client in clients) >= expected:
                break
            await asyncio.sleep(0.05)

        latencies = [
            client.received[pid] for client in clients for pid in post_ids if pid in client.received
        ]
        firsts, spreads, per_post = [], [], []
        for pid in post_ids:
            values = [client.received[pid] for client in clients if pid in client.received]
            if values:
                firsts.append(min(values))
                spreads.append(max(values) - min(values))
                per_post.append(
                    (pid, min(values), statistics.median(values), max(values), len(values))
                )
        return Result(
            layer=layer,
            clients=n_clients,
            posts=n_posts,
            latencies=latencies,
            lost=expected - len(latencies),
            join_s=join_s,
            settled=settled,
            first_ms=statistics.median(firsts) if firsts else float("nan"),
            spread_ms=statistics.median(spreads) if spreads else float("nan"),
            post_ms=statistics.median(post_times),
            per_post=per_post,
        )
    except Exception:
        print(
            f"--- server log (last lines)\n{server.log_path.read_text()[-4000:]}", file=sys.stderr
        )
        raise
    finally:
        sockets = clients_and_probe or clients
        for client in sockets:
            if client.reader:
                client.reader.cancel()
        server.stop()
        await asyncio.gather(*(client.socket.close() for client in sockets), return_exceptions=True)
        database.unlink(missing_ok=True)
        if redis_url:
            redis.Redis.from_url(redis_url).flushdb()


# --- table ------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def print_per_post(result: Result) -> None:
    print(f"    {'post':>6} {'min ms':>7} {'median':>7} {'max ms':>7} {'got':>4}")
    for pid, low, mid, high, got in result.per_post:
        print(f"    {pid:>6} {low:>7.1f} {mid:>7.1f} {high:>7.1f} {got:>4}")


def print_table(results: list[Result]) -> None:
    header = (
        f"{'layer':<10} {'N':>4} {'M':>3} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'lost':>5}"
        f"  | {'first ms':>8} {'spread ms':>9} {'POST ms':>7} {'join s':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.layer:<10} {r.clients:>4} {r.posts:>3} {percentile(r.latencies, 0.5):>7.1f} "
            f"{percentile(r.latencies, 0.99):>7.1f} {max(r.latencies, default=float('nan')):>7.1f}"
            f" {r.lost:>5}  | {r.first_ms:>8.1f} {r.spread_ms:>9.1f} {r.post_ms:>7.1f}"
            f" {r.join_s:>6.1f}{'' if r.settled else '!'}"
        )
    if not all(r.settled for r in results):
        print(f"! join burst not delivered within {SETTLE_LIMIT:.0f} s: the posts queued behind it")


def redis_layer_url(db: int) -> str | None:
    """REDIS_URL (or the local default) with database ``db``; None if unreachable/not loopback."""
    parsed = urllib.parse.urlparse(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    url = urllib.parse.urlunparse(parsed._replace(path=f"/{db}"))
    if parsed.hostname not in LOOPBACK:
        print(f"Redis layer skipped: {parsed.hostname} is not a loopback address.")
        return None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        print(f"Redis layer skipped: {url} not reachable ({error}).")
        return None
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="10,100,500", help="comma-separated N values")
    parser.add_argument("--posts", type=int, default=20, help="posts per run (M)")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between posts")
    parser.add_argument("--layers", default="in-memory,redis")
    parser.add_argument("--redis-db", type=int, default=11, help="Redis database index to use")
    parser.add_argument("--batch", type=int, default=50, help="sockets opened concurrently")
    parser.add_argument("--per-post", action="store_true", help="print every post's latencies")
    args = parser.parse_args()
    counts = [int(value) for value in args.clients.split(",")]
    if args.posts > MAX_POSTS_PER_WRITER * len(WRITERS):
        parser.error(f"at most {MAX_POSTS_PER_WRITER * len(WRITERS)} posts per run")

    # Every socket is a file descriptor here and in the server (which inherits the limit).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 2 * max(counts) + 256
    if soft < needed:
        limit = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))

    layers: list[tuple[str, str | None]] = []
    for layer in args.layers.split(","):
        if layer == "in-memory":
            layers.append((layer, None))
        elif layer == "redis" and (url := redis_layer_url(args.redis_db)):
            layers.append((layer, url))

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ws_fanout-") as tmp:
        workdir = Path(tmp)
        print("Preparing the database (migrate + seed_demo) …", flush=True)
        prepared = prepare_database(workdir)
        results = []
        for layer, url in layers:
            for n_clients in counts:
                print(f"  {layer}, {n_clients} clients …", flush=True)
                result = asyncio.run(
                    run_once(
                        layer,
                        n_clients,
                        args.posts,
                        args.interval,
                        args.batch,
                        workdir,
                        prepared,
                        url,
                    )
                )
                results.append(result)
                if args.per_post:
                    print_per_post(result)
    print()
    print_table(results)
    print(f"\n{time.monotonic() - started:.0f} s in total")


if __name__ == "__main__":
    main()
