"""The HTTP side of ``scale.py``: one daphne worker on production settings (``scale_settings``)
over the scale database, requests from threads with keep-alive connections, and the same
server's floors (``scale_urls``): a plain hello world and one behind ``login_required``.

Everything runs on this machine: the client threads compete with the server for the CPUs, so
compare the rows of one run with each other (ratios), not with another machine.
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, stop_process
from live_servers import _free_port, _wait_for_port

BENCH = Path(__file__).resolve().parent
REDIS_DB = 11  # flushed by nobody else's bench; the server only publishes events there


@dataclass(frozen=True)
class Load:
    path: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    status: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


class Server:
    """``collectstatic`` into a temporary directory, then one daphne process."""

    def __init__(self, database_url: str, redis_url: str, secret_key: str, **settings: str) -> None:
        """``settings``: more environment variables for the server (its settings read them)."""
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-scale-http-"))
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CHANNEL_", "DB_POOL", "DJANGO_"))
        } | {
            "DJANGO_SETTINGS_MODULE": "scale_settings",
            "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)]),
            "SECRET_KEY": secret_key,  # the bench's sessions are signed with it
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SITE_URL": "http://127.0.0.1",
            "DEFAULT_FROM_EMAIL": "bench@scale.example",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback
            "BENCH_STATIC_ROOT": str(self.workdir / "static"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.workdir / "private_media"),
            **settings,
        }
        subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.port = _free_port()
        self.log = self.workdir / "daphne.log"
        with open(self.log, "w") as output:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "config.asgi:application",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=output,
            )
        _wait_for_port(self.port, self.process, self.log, "/bench/hallo/")

    def stop(self) -> None:
        stop_process(self.process)


def load(port: int, path: str, *, cookie: str, concurrency: int, requests: int) -> Load:
    """``requests`` GETs of ``path``, ``concurrency`` at a time, each thread on one connection."""
    latencies: list[float] = []
    statuses: set[int] = set()
    lock = threading.Lock()
    per_thread = max(1, requests // concurrency)

    def run() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(per_thread):
            began = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - began) * 1000)
            with lock:
                statuses.add(response.status)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    status = statuses.pop() if len(statuses) == 1 else 0  # 0: mixed answers
    return Load(path, per_thread * concurrency, seconds, latencies, status)


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return f"sessionid={client.cookies['sessionid'].value}"
