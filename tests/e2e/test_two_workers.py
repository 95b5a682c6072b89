"""Two daphne workers behind one Redis: a reply posted on worker A reaches a socket on worker B.

Production runs several ASGI workers; only the Redis channel layer carries an event from the
process that committed the post to the process that holds the reader's socket. The test starts
two real daphne processes on one scratch database (SQLite file, or a scratch PostgreSQL database
when DATABASE_URL points at PostgreSQL) and a dedicated Redis database (index 12 on the Redis of
REDIS_URL, flushed before and after), then talks to them with plain HTTP and a websocket client.
"""

import asyncio
import concurrent.futures
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from websockets.asyncio.client import connect

from tests.helpers.servers import ROOT, free_port, scratch_database

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs REDIS_URL: workers share events only through the Redis channel layer "
    "(the CI's second pass with PostgreSQL + Redis sets it)",
)

PASSWORD = "Demo-Passwort-2026"
READER = "anna.berger@kleinstadtakademie.example"
WRITER = "jan.petersen@kleinstadtakademie.example"
SPACE_PATH = "/forum/bereiche/stadtlabor-kleinstadt/"
REDIS_DB = 12
EVENT_TIMEOUT = 3.0


def _dedicated_redis_url(url: str, db: int = REDIS_DB) -> str:
    """The Redis of ``url`` with another database index, so the test never touches real data."""
    return urllib.parse.urlunparse(urllib.parse.urlparse(url)._replace(path=f"/{db}"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect surfaces as HTTPError, its Location is the answer


class Browser:
    """Cookies + CSRF over urllib; no proxies (loopback only), redirects not followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect(),
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        """POST a form; returns the status and the redirect target (or the body)."""
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
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

    def login(self, email: str) -> None:
        token = _csrf_token(self.get("/konto/login/"))
        status, location = self.post(
            "/konto/login/", {"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD}
        )
        assert status == 302, f"login of {email} failed: {status} {location[:500]}"
        assert self.cookie("sessionid")


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _wait_until_up(base_url: str, process: subprocess.Popen, log: Path) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited early:\n{log.read_text()}")
        try:
            with opener.open(base_url + "/konto/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"worker did not come up:\n{log.read_text()}")


async def _receive_post_created(socket, post_id: int, timeout: float) -> dict:
    """Read until the post.created event for ``post_id`` arrives (presence etc. is skipped)."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no post.created for post {post_id} within {timeout} s: {seen}")
        try:
            message = json.loads(await asyncio.wait_for(socket.recv(), remaining))
        except TimeoutError:
            continue
        seen.append(message)
        if (
            message.get("type") == "event"
            and message.get("kind") == "post.created"
            and message["payload"].get("post_id") == post_id
        ):
            return message


async def _subscribe(socket, stream: str, after: int) -> None:
    await socket.send(json.dumps({"type": "subscribe", "stream": stream, "after": after}))
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert message.get("type") != "refused", message
        if message.get("type") == "caught_up" and message.get("stream") == stream:
            return


def test_reply_on_worker_a_reaches_socket_on_worker_b(tmp_path, monkeypatch):
    # A scratch database of its own: the browser tests' session server uses `<db>_e2e`.
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith(("postgres://", "postgresql://")):
        parsed = urllib.parse.urlparse(database)
        monkeypatch.setenv(
            "DATABASE_URL",
            urllib.parse.urlunparse(parsed._replace(path=f"{parsed.path}_workers")),
        )
    redis_url = _dedicated_redis_url(os.environ["REDIS_URL"])
    redis.Redis.from_url(redis_url).flushdb()
    database_url, drop_database = scratch_database(tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private_media"),
    }
    workers: list[tuple[subprocess.Popen, Path]] = []
    logs = []
    try:
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True)
        urls = []
        for name in ("a", "b"):
            port = free_port()
            log_path = tmp_path / f"worker-{name}.log"
            log = open(log_path, "w")  # noqa: SIM115 - closed in finally
            logs.append(log)
            process = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
                + ["config.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            workers.append((process, log_path))
            urls.append((f"http://127.0.0.1:{port}", port))
        for (process, log_path), (url, _port) in zip(workers, urls, strict=True):
            _wait_until_up(url, process, log_path)
        (url_a, _), (url_b, port_b) = urls

        reader, writer = Browser(url_a), Browser(url_a)
        reader.login(READER)
        writer.login(WRITER)
        topic_id = int(re.search(r"/forum/diskussionen/(\d+)/", reader.get(SPACE_PATH)).group(1))
        topic_page = writer.get(f"/forum/diskussionen/{topic_id}/")
        config = json.loads(
            re.search(
                r'<script id="live-config" type="application/json">(.*?)</script>', topic_page, re.S
            ).group(1)
        )
        stream = f"topic:{topic_id}"
        assert config["stream"] == stream

        async def scenario() -> dict:
            async with connect(
                f"ws://127.0.0.1:{port_b}/ws/",
                origin=f"http://127.0.0.1:{port_b}",
                additional_headers={"Cookie": f"sessionid={reader.cookie('sessionid')}"},
                proxy=None,
                open_timeout=10,
            ) as socket:
                await _subscribe(socket, stream, config["after"])
                status, location = await asyncio.to_thread(
                    writer.post,
                    f"/forum/diskussionen/{topic_id}/antworten/",
                    {
                        "csrfmiddlewaretoken": _csrf_token(topic_page),
                        "body": "Über Worker A geschrieben, auf Worker B gelesen.",
                        "idempotency_key": str(uuid.uuid4()),
                    },
                )
                assert status == 302, f"reply failed: {status} {location[:500]}"
                post_id = int(re.search(r"/forum/beitraege/(\d+)/", location).group(1))
                # Sent on commit, i.e. before worker A answered: 3 s from here is generous.
                return await _receive_post_created(socket, post_id, EVENT_TIMEOUT)

        # Own thread: Playwright's sync API (other browser tests) may keep an event loop
        # running in this one, and asyncio.run() refuses to nest.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            event = pool.submit(asyncio.run, scenario()).result()
        assert event["stream"] == stream
        assert event["payload"]["topic_id"] == topic_id
    except Exception:
        for process, log_path in workers:
            process.poll()
            print(f"--- {log_path.name} (exit {process.returncode})\n{log_path.read_text()}")
        raise
    finally:
        for process, _ in workers:
            process.terminate()
        for process, _ in workers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
        drop_database()
        redis.Redis.from_url(redis_url).flushdb()
