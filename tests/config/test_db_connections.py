"""PostgreSQL connections of a daphne worker under load and across a database restart (issue 13).

daphne runs every request in a thread of its own: connections kept per thread (the shipped
CONN_MAX_AGE=60) piled up until PostgreSQL refused new ones, and requests that arrived while the
database restarted answered 500. The worker here runs with the environment production shipped
(CONN_MAX_AGE=60) plus DB_POOL_SIZE, against a PostgreSQL server of its own (initdb + pg_ctl on
a free port), so the restart touches nothing else. The restart test also fails when the pool
hands out connections unchecked (CONN_HEALTH_CHECKS off): they died with the old server.
"""

import concurrent.futures
import http.client
import os
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest

from tests.helpers.servers import POSTGRES_BIN, daphne, manage, postgres_cluster

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    or not (POSTGRES_BIN / "initdb").exists(),
    reason="PostgreSQL only (the CI's second pass); needs PostgreSQL's initdb and pg_ctl",
)

POOL_SIZE = 4
CONCURRENCY = 16
LOAD_SECONDS = 3
DATABASE = "akademie"


class Load:
    """``CONCURRENCY`` clients requesting pages as fast as the worker answers."""

    def __init__(self, base_url: str) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        self.host, self.port = parsed.hostname, parsed.port

    def get(self, path: str) -> int:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def run(self, seconds: float) -> list[int]:
        deadline = time.monotonic() + seconds

        def client() -> list[int]:
            statuses = []
            while time.monotonic() < deadline:
                statuses.append(self.get("/"))
            return statuses

        with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
            return [
                s for result in pool.map(lambda _: client(), range(CONCURRENCY)) for s in result
            ]


class ConnectionSampler(threading.Thread):
    """Counts the server's connections to the worker's database, every 50 ms."""

    def __init__(self, admin_url: str) -> None:
        super().__init__(daemon=True)
        self.admin_url = admin_url
        self.highest = 0
        self.finished = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self.finished.is_set():
                (current,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [DATABASE]
                ).fetchone()
                self.highest = max(self.highest, current)
                time.sleep(0.05)

    def stop(self) -> int:
        self.finished.set()
        self.join()
        return self.highest


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    tmp: Path = tmp_path_factory.mktemp("db-connections")
    with postgres_cluster() as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.dev",
            DEBUG="false",
            DATABASE_URL=cluster.url.rsplit("/", 1)[0] + f"/{DATABASE}",
            CONN_MAX_AGE="60",
            DB_POOL_SIZE=str(POOL_SIZE),
            MEDIA_ROOT=str(tmp / "media"),
            PRIVATE_MEDIA_ROOT=str(tmp / "private_media"),
        )
        manage("migrate", "--noinput", "-v0", env=env)
        with daphne(env, tmp / "daphne.log") as url:
            yield cluster, Load(url)


def test_connections_stay_within_the_pool_under_concurrent_requests(worker):
    cluster, load = worker
    sampler = ConnectionSampler(cluster.url)
    sampler.start()
    statuses = load.run(LOAD_SECONDS)
    highest = sampler.stop()
    assert set(statuses) == {200}
    assert len(statuses) >= CONCURRENCY
    assert highest <= POOL_SIZE


def test_requests_across_a_database_restart_answer_200(worker):
    cluster, load = worker
    # Fill the pool with connections that the restart breaks.
    assert set(load.run(1)) == {200}
    cluster.stop()
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        # Requests that arrive while the database is down wait for it instead of failing.
        waiting = [pool.submit(load.get, "/") for _ in range(CONCURRENCY)]
        time.sleep(1)
        cluster.start()
        assert [request.result() for request in waiting] == [200] * CONCURRENCY
    assert set(load.run(1)) == {200}
