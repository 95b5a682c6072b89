"""The live-stream load bench in short (bench/live_load.py): 40 sockets on two daphne workers,
replies at 2 per second for 10 s; every event of every socket's topic must arrive exactly once.

Only in the PostgreSQL + Redis pass: the bench needs PostgreSQL (it copies a prepared database)
and starts a Redis of its own with ``redis-server``. Its scratch database is named after the
test database, with ``_live_load`` appended, and dropped at the end.
"""

import os
import shutil
import subprocess
import sys
import urllib.parse

import psycopg
import pytest

from tests.helpers.servers import ROOT

DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://"))
    or not os.environ.get("REDIS_URL")
    or shutil.which("redis-server") is None,
    reason="the CI's PostgreSQL + Redis pass only (needs PostgreSQL and redis-server)",
)


def test_no_live_event_is_lost_or_repeated_under_load():
    parsed = urllib.parse.urlparse(DATABASE_URL)
    name = f"{parsed.path.lstrip('/')}_live_load"
    admin_url = urllib.parse.urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # left by a killed run
    env = os.environ | {"DATABASE_URL": urllib.parse.urlunparse(parsed._replace(path=f"/{name}"))}

    result = subprocess.run(
        [sys.executable, "bench/live_load.py", "--seconds", "10", "--rates", "2"]
        + ["--clients", "40"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    print(result.stdout)
    assert result.returncode == 0, f"{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
