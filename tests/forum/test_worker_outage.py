"""The task worker outlives a PostgreSQL restart and delivers every email exactly once.

A PostgreSQL of this test alone (initdb into a temporary directory, its own port) is stopped for
several seconds under two running `manage.py run_task_worker` processes, one with the
connection pool of production and one without (`DB_POOL_SIZE=0`: it meets the outage at once).
Every email task is queued twice, so the two workers also race for the same email. Mail goes to
files (Django's file-based backend), which the worker subprocesses write and this test reads.

Migrating a fresh database takes long on a busy machine: the migrated schema is kept as a
`pg_dump` in the temporary directory, keyed by the migrations and the installed packages.
"""

import email
import email.policy
import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb")]
PG_BIN = Path(_INITDB[-1]).parent if _INITDB[-1] else None
OUTAGE_SECONDS = 6
PEOPLE = 8

# A PostgreSQL restart is production's concern: the test runs in the CI's PostgreSQL pass (its
# own server either way), not again in `make test`'s SQLite pass.
pytestmark = pytest.mark.skipif(
    PG_BIN is None or not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")),
    reason="the CI's PostgreSQL pass only (needs the PostgreSQL binaries)",
)

FIRST_TOPIC = f"""
from forum import services
from forum.models import Role
from tests.factories import ConsortiumFactory, MembershipFactory, UserFactory

consortium = ConsortiumFactory()
author = UserFactory()
MembershipFactory(user=author, consortium=consortium, role=Role.COACH)
for _index in range({PEOPLE}):
    MembershipFactory(user=UserFactory(), consortium=consortium, role=Role.MEMBER)
space = services.create_consortium_space(consortium=consortium)
services.create_topic(space=space, author=author, title="Ausfall", body="Probe.")
"""

# A reply mentioning every member; each email task is queued a second time, as if repeated.
MENTION_EVERYONE = """
from django.contrib.auth import get_user_model
from forum import notifications, services
from forum.models import Notification, Role, Topic

topic = Topic.objects.get(title="Ausfall")
people = get_user_model().objects.filter(memberships__role=Role.MEMBER)
post = services.post_reply(
    topic=topic,
    author=topic.posts.earliest("pk").author,
    body=" ".join(f"@{person.username}" for person in people),
)
for notification in Notification.objects.filter(post=post):
    notifications.send_notification_email.enqueue(notification.pk)
"""

UNFINISHED_TASKS = (
    "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status <> 'SUCCESSFUL'"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _schema_key() -> str:
    """Changes with any migration of ours and with any installed package (theirs)."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    site_packages = Path(sysconfig.get_paths()["purelib"])
    digest.update(" ".join(sorted(p.name for p in site_packages.glob("*.dist-info"))).encode())
    return digest.hexdigest()[:16]


class OwnPostgres:
    """A throw-away PostgreSQL cluster; server commands run as ``postgres`` when we are root."""

    def __init__(self, directory: Path, outbox: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.port = _free_port()
        self.outbox = outbox
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.port}/akademie",
            "TASKS_BACKEND": "database",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(outbox),
        }

    def server(self, command: str, *arguments: str, check: bool = True) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*as_postgres, str(PG_BIN / command), *arguments],
            check=check,
            capture_output=True,
            timeout=60,
        )

    def client(self, command: str, *arguments: str) -> None:
        connection = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        subprocess.run(
            [str(PG_BIN / command), *connection, *arguments],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self.server("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.directory / "log")
        self.server("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self.server("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def query(self, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="akademie"
        ) as connection:
            return connection.execute(sql).fetchall()


def _migrated(postgres: OwnPostgres) -> None:
    postgres.client("createdb", "akademie")
    dump = Path(tempfile.gettempdir()) / f"akademie-schema-{_schema_key()}.dump"
    if dump.exists():
        postgres.client("pg_restore", "--no-owner", "-d", "akademie", str(dump))
        return
    _manage(postgres.env, "migrate", "--noinput")
    partial = dump.with_suffix(f".{os.getpid()}")
    postgres.client("pg_dump", "-Fc", "-f", str(partial), "akademie")
    partial.replace(dump)


def _manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )


@pytest.fixture
def own_postgres(tmp_path):
    directory = Path(tempfile.mkdtemp(prefix="akademie-pg-"))
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    postgres = OwnPostgres(directory, outbox)
    postgres.init()
    postgres.start()
    yield postgres
    postgres.server("pg_ctl", "-D", str(postgres.data), "-m", "immediate", "stop", check=False)
    shutil.rmtree(directory, ignore_errors=True)


def _delivered(outbox: Path) -> Counter:
    """Emails per recipient, read from the file-based backend's files."""
    separator = b"\n" + b"-" * 79 + b"\n"
    counts: Counter = Counter()
    for path in outbox.glob("*.log"):
        for raw in path.read_bytes().split(separator):
            if raw.strip():
                message = email.message_from_bytes(raw, policy=email.policy.default)
                counts[str(message["To"])] += 1
    return counts


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_worker_survives_a_postgresql_restart_and_delivers_every_email_once(
    own_postgres, tmp_path
):
    env = own_postgres.env
    _migrated(own_postgres)
    _manage(env, "shell", "-c", FIRST_TOPIC + MENTION_EVERYONE)

    logs = {pool: tmp_path / f"worker-{pool}.log" for pool in ("0", "10")}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_task_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval=0.2",
                "--heartbeat=1",
            ],
            cwd=ROOT,
            env={**env, "DB_POOL_SIZE": pool},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        for pool, log in logs.items()
    ]
    unpooled_log = logs["0"]
    try:
        assert _wait_for(lambda: own_postgres.query(UNFINISHED_TASKS) == [(0,)], 60)
        assert sum(_delivered(own_postgres.outbox).values()) == PEOPLE

        own_postgres.stop()
        time.sleep(OUTAGE_SECONDS)
        assert [worker.poll() for worker in workers] == [None, None]
        own_postgres.start()
        back = time.monotonic()
        assert _wait_for(lambda: "resuming" in unpooled_log.read_text(), 40)
        resumed_after = time.monotonic() - back

        _manage(env, "shell", "-c", MENTION_EVERYONE)
        assert _wait_for(lambda: own_postgres.query(UNFINISHED_TASKS) == [(0,)], 60)
        assert [worker.poll() for worker in workers] == [None, None]
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)

    delivered = _delivered(own_postgres.outbox)
    assert sorted(delivered.values()) == [2] * PEOPLE, delivered
    mentions_not_sent = "SELECT count(*) FROM forum_notification WHERE emailed_at IS NULL"
    assert own_postgres.query(mentions_not_sent + " AND kind = 'mention'") == [(0,)]
    # The outage is logged once when it begins and once when it ends, not per attempt.
    assert unpooled_log.read_text().count("database unavailable") == 1
    print(f"the worker without pool resumed {resumed_after:.1f} s after PostgreSQL was back")
