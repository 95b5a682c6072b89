"""What the in-process benchmarks share: a throw-away database chosen before Django is set up,
and starting Django on it.

Without a PostgreSQL ``DATABASE_URL`` a fresh temporary SQLite file is used (any other
``DATABASE_URL`` is ignored, so a development database is never touched). A PostgreSQL database
that does not exist is created and dropped again at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

POSTGRES_SCHEMES = ("postgres://", "postgresql://")
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Database:
    url: str
    label: str
    cleanup: object  # callable run at exit


def _postgres_database(url: str, keep: bool) -> Database:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        if exists or keep:
            return
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    state = "existing database, kept" if exists else ("created, kept" if keep else "temporary")
    return Database(url=url, label=f"PostgreSQL {parsed.hostname}/{name} ({state})", cleanup=drop)


def _sqlite_database(keep: bool, prefix: str) -> Database:
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    path = directory / "bench.sqlite3"

    def remove() -> None:
        if keep:
            return
        for file in directory.iterdir():
            file.unlink()
        directory.rmdir()

    return Database(url=f"sqlite:///{path}", label=f"SQLite {path}", cleanup=remove)


def choose_database(keep: bool, prefix: str = "bench-") -> Database:
    url = os.environ.get("DATABASE_URL", "")
    database = (
        _postgres_database(url, keep)
        if url.startswith(POSTGRES_SCHEMES)
        else _sqlite_database(keep, prefix)
    )
    os.environ["DATABASE_URL"] = database.url
    return database


def start_django(keep: bool, prefix: str) -> Database:
    """Choose the database, set Django up with the test settings (unless
    ``DJANGO_SETTINGS_MODULE`` says otherwise) and migrate. The caller runs
    ``database.cleanup()`` at the end, also when something fails."""
    # WhiteNoise warns about the missing collectstatic directory; irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    database = choose_database(keep, prefix=prefix)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        setup_test_environment()  # ALLOWED_HOSTS "testserver", locmem email
        print(f"Datenbank: {database.label}")
        print(f"Einstellungen: {os.environ['DJANGO_SETTINGS_MODULE']}")
        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.perf_counter() - began:.1f} s")
    except BaseException:
        database.cleanup()
        raise
    return database


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate a server the bench started; kill it if it does not end within ``timeout``."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
