"""PostgreSQL connections of one daphne worker under load: the pool's bound, request rate, errors.

Starts one daphne worker as a subprocess with production's database settings on a scratch
PostgreSQL database (migrate + seed_demo), lets ``--concurrency`` clients request public pages
as fast as it answers for ``--duration`` seconds, and counts the server's connections to that
database once a second (``pg_stat_activity``). Prints the highest count next to the pool size,
requests per second, latencies, the answers that were not 200 and the database errors the
worker logged.

    .venv/bin/python bench/db_connections.py                     # pool of 10 (the default), 20 s
    .venv/bin/python bench/db_connections.py --pool-size 0 --conn-max-age 60   # as shipped before
    .venv/bin/python bench/db_connections.py --duration 300

- Database: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/
  kleinstadtakademie_bench_connections``), created and dropped like the other benchmarks'
  (``bench/common.py``). Without a pool the worker can use up the server's ``max_connections``:
  point ``DATABASE_URL`` at a server of its own for that, not at one others use.
- Worker: ``config.settings.dev`` with ``DEBUG=false``. Its database settings are production's
  (both come from ``config/settings/base.py``; production adds HTTPS and the static-file
  manifest, which need TLS and collectstatic). ``REDIS_URL`` is passed on when set.
- Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, choose_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kleinstadtakademie_bench_connections"
PATHS = ["/", "/fallstudien/", "/suche/?q=Leerstand", "/konto/login/"]
# Exception lines of the tracebacks daphne logs for answers that failed.
ERROR_PREFIXES = ("django.db.", "psycopg", "psycopg_pool.")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _worker_env(workdir: Path, database_url: str, args: argparse.Namespace) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "DB_POOL_SIZE": str(args.pool_size),
        "CONN_MAX_AGE": str(args.conn_max_age),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private_media"),
    }


def _manage(*command: str, env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with opener.open(url + "/konto/login/", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"worker did not come up:\n{log.read_text()[-3000:]}")


class Sampler(threading.Thread):
    """The server's connections to ``database``, once a second."""

    def __init__(self, admin_url: str, database: str) -> None:
        super().__init__(daemon=True)
        self.admin_url = admin_url
        self.database = database
        self.samples: list[int] = []
        self.finished = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while True:
                (count,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database]
                ).fetchone()
                self.samples.append(count)
                if self.finished.wait(1):
                    return


@dataclass
class Results:
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int | str, seconds: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)


def _client(host: str, port: int, deadline: float, offset: int, results: Results) -> None:
    """One visitor: keep-alive connection, the pages in turn, a new connection after an error."""
    connection = None
    index = offset
    while time.monotonic() < deadline:
        path = PATHS[index % len(PATHS)]
        index += 1
        began = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, port, timeout=60)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            status: int | str = response.status
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            connection.close()
            connection = None
        results.add(status, time.perf_counter() - began)
    if connection is not None:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20, help="seconds of load (20)")
    parser.add_argument("--concurrency", type=int, default=16, help="clients (16)")
    parser.add_argument("--pool-size", type=int, default=10, help="DB_POOL_SIZE; 0 = no pool")
    parser.add_argument("--conn-max-age", type=int, default=0, help="CONN_MAX_AGE without pool")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    # bench/common.py's clean-up closes Django's connections before it drops the database.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = DEFAULT_URL
    database = choose_database(args.keep_db, prefix="bench-connections-")
    parsed = urllib.parse.urlparse(database.url)
    name = parsed.path.lstrip("/")
    admin_url = urllib.parse.urlunparse(parsed._replace(path="/postgres"))
    workdir = Path(tempfile.mkdtemp(prefix="bench-connections-"))
    process = None
    try:
        env = _worker_env(workdir, database.url, args)
        print(f"Datenbank: {database.label}")
        began = time.perf_counter()
        _manage("migrate", "--noinput", "-v0", env=env)
        _manage("seed_demo", env=env)
        print(f"migrate + seed_demo: {time.perf_counter() - began:.1f} s")

        port = _free_port()
        log = workdir / "daphne.log"
        with open(log, "w") as output:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
                + ["config.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(f"http://127.0.0.1:{port}", process, log)

        pool = f"DB_POOL_SIZE={args.pool_size}" if args.pool_size else "kein Pool"
        print(
            f"Worker: {pool}, CONN_MAX_AGE={0 if args.pool_size else args.conn_max_age}; "
            f"{args.concurrency} Clients, {args.duration:g} s, Seiten {', '.join(PATHS)}"
        )
        sampler = Sampler(admin_url, name)
        sampler.start()
        results = Results()
        deadline = time.monotonic() + args.duration
        began = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as clients:
            for offset in range(args.concurrency):
                clients.submit(_client, "127.0.0.1", port, deadline, offset, results)
        elapsed = time.monotonic() - began
        sampler.finished.set()
        sampler.join()
        report(args, results, sampler.samples, elapsed)
        failures = Counter(
            line for line in log.read_text().splitlines() if line.startswith(ERROR_PREFIXES)
        )
        for line, n in failures.most_common(5):
            print(f"  {n}× {line[:160]}")
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        database.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


def report(args: argparse.Namespace, results: Results, samples: list[int], elapsed: float) -> None:
    total = sum(results.statuses.values())
    errors = total - results.statuses[200]
    latencies = sorted(results.latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0
    bound = args.pool_size if args.pool_size else "–"
    print(
        f"Verbindungen: höchstens {max(samples, default=0)} (Pool: {bound}), "
        f"Median {statistics.median(samples or [0]):g}, zuletzt {samples[-1] if samples else 0}"
    )
    print(f"Anfragen: {total} in {elapsed:.1f} s = {total / elapsed:.1f}/s")
    if latencies:
        print(
            f"Antwortzeit: Median {statistics.median(latencies) * 1000:.0f} ms, "
            f"95 % {p95 * 1000:.0f} ms"
        )
    detail = ", ".join(f"{status}: {n}" for status, n in sorted(results.statuses.items(), key=str))
    print(f"Fehler: {errors} ({detail})")


if __name__ == "__main__":
    main()
