"""What the benchmarks share: a throw-away database chosen before Django is set up.

Without a PostgreSQL ``DATABASE_URL`` a fresh temporary SQLite file is used (any other
``DATABASE_URL`` is ignored, so a development database is never touched). A PostgreSQL database
that does not exist is created and dropped again at the end.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

POSTGRES_SCHEMES = ("postgres://", "postgresql://")


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
