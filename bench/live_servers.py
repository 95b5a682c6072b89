"""What the live-stream load bench (live_load.py) runs against: a prepared PostgreSQL database,
copied for every run, a Redis of its own, two daphne workers and a task worker."""

from __future__ import annotations

import argparse
import http.client
import io
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from common import POSTGRES_SCHEMES, ROOT, start_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kleinstadtakademie_bench_live"
CONSORTIUM = "stadtlabor-kleinstadt"
# Channel layers to compare: the environment config/settings/base.py reads.
LAYERS = {
    "pubsub": ("RedisPubSubChannelLayer", {"CHANNEL_LAYER": "pubsub"}),
    "core": ("RedisChannelLayer, capacity 100, group_expiry 86400 s", {"CHANNEL_LAYER": "core"}),
    "core-large": (
        "RedisChannelLayer, capacity 1000, group_expiry 60 s",
        {"CHANNEL_LAYER": "core", "CHANNEL_CAPACITY": "1000", "CHANNEL_GROUP_EXPIRY": "60"},
    ),
}


# --- preparation: one database, copied for every run ----------------------------------------


@dataclass(frozen=True)
class Person:
    user_id: int
    session: str


@dataclass
class Prepared:
    url: str
    people: list[Person]
    topics: list[int]
    secret_key: str


def prepare(args: argparse.Namespace):
    """migrate + seed_demo + the bench's members, topics and followers, in this process with the
    test settings (cheap password hashing; sessions are made with ``force_login``)."""
    if not os.environ.get("DATABASE_URL", "").startswith(POSTGRES_SCHEMES):
        os.environ["DATABASE_URL"] = DEFAULT_URL
    if _database_exists(os.environ["DATABASE_URL"]):
        raise SystemExit(f"{os.environ['DATABASE_URL']} exists: give a database name that does not")
    os.environ.pop("REDIS_URL", None)  # nothing of the preparation goes to anyone's Redis
    os.environ["DB_POOL_SIZE"] = "0"  # no pooled connection may keep the template busy
    database = start_django(args.keep_db, prefix="bench-live-")
    try:
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        began = time.perf_counter()
        logging.disable(logging.INFO)  # Wagtail logs every page the seeder creates
        call_command("seed_demo", stdout=io.StringIO())
        logging.disable(logging.NOTSET)
        people, topics = _populate(args.followers, args.topics)
        connections.close_all()
        print(f"seed_demo + {len(people)} Mitglieder: {time.perf_counter() - began:.1f} s")
        return database, Prepared(database.url, people, topics, settings.SECRET_KEY)
    except BaseException:
        database.cleanup()
        raise


def _populate(n_people: int, n_topics: int) -> tuple[list[Person], list[int]]:
    """Members join through invitations, open topics and follow them through the services."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    from forum import services
    from forum.models import Consortium, Membership, Role, Space

    consortium = Consortium.objects.get(slug=CONSORTIUM)
    coach = Membership.objects.filter(consortium=consortium, role=Role.COACH).first().user
    TOTP.activate(coach, generate_totp_secret())  # inviting needs a second factor
    towns = list(consortium.own_towns())
    users = []
    for i in range(n_people):
        issued = services.invite_member(
            consortium=consortium,
            inviter=coach,
            email=f"last.{i + 1:03d}@bench.example",
            role=Role.MEMBER,
            town=towns[i % len(towns)],
        )
        users.append(
            services.accept_invitation_with_signup(
                token=issued.token,
                display_name=f"Last {i + 1}",
                function="Lasttest",
                password=f"Last-Passwort-{uuid.uuid4()}",
            )
        )
    space = Space.objects.get(consortium=consortium)
    topics = [
        services.create_topic(
            space=space,
            author=users[t % n_people],
            title=f"Lasttest {t + 1}",
            body="Antworten kommen von vielen Seiten gleichzeitig.",
        )
        for t in range(n_topics)
    ]
    for topic in topics:
        for user in users:
            services.set_subscription(topic=topic, user=user, subscribed=True)
    people = []
    for user in users:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        people.append(Person(user.pk, client.cookies["sessionid"].value))
    return people, [topic.pk for topic in topics]


def _admin_url(url: str) -> tuple[str, str]:
    parsed = urllib.parse.urlparse(url)
    return urllib.parse.urlunparse(parsed._replace(path="/postgres")), parsed.path.lstrip("/")


def _database_exists(url: str) -> bool:
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def copy_database(url: str) -> str:
    """A fresh copy of the prepared database for one run (``CREATE DATABASE … TEMPLATE``)."""
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_run" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}_run" TEMPLATE "{name}"')
    return urllib.parse.urlunparse(urllib.parse.urlparse(url)._replace(path=f"/{name}_run"))


def drop_database(url: str) -> None:
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- processes ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, path: str | None) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if path is None:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{log.name} did not come up:\n{log.read_text()[-3000:]}")


class RedisServer:
    """A Redis of this bench alone: flushed per run, configurable, nobody else's channels
    (pub/sub ignores database numbers)."""

    def __init__(self, workdir: Path, pubsub_limit: str) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = workdir / "redis.log"
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--logfile", str(self.log)]
        if pubsub_limit:
            command += ["--client-output-buffer-limit", f"pubsub {pubsub_limit}"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
        _wait_for_port(self.port, self.process, self.log, None)
        self.client = redis.Redis.from_url(self.url)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class Servers:
    """Two daphne workers (A, B) and one task worker on one database copy."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.ports = [_free_port(), _free_port()]
        for name, port in zip("AB", self.ports, strict=True):
            daphne = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
            self._start(workdir / f"worker-{name}.log", env, *daphne)
        self._start(workdir / "task-worker.log", env, "manage.py", "run_task_worker")
        for i, port in enumerate(self.ports):
            _wait_for_port(port, self.processes[i], self.logs[i], "/konto/login/")

    def _start(self, log: Path, env: dict[str, str], *command: str) -> None:
        with open(log, "w") as output:
            self.processes.append(
                subprocess.Popen(  # noqa: S603 - fixed arguments
                    [sys.executable, *command], cwd=ROOT, env=env, stdout=output, stderr=output
                )
            )
        self.logs.append(log)

    def marks(self) -> list[int]:
        return [log.stat().st_size for log in self.logs]

    def count(self, text: str, start: list[int], end: list[int]) -> int:
        """Lines containing ``text`` logged between two ``marks()``."""
        total = 0
        for log, begin, stop in zip(self.logs, start, end, strict=True):
            with open(log, "rb") as file:
                file.seek(begin)
                total += file.read(stop - begin).decode(errors="replace").count(text)
        return total

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def server_env(workdir: Path, database_url: str, redis_url: str, secret_key: str, layer: str):
    """Production's database, Redis and task settings; ``config.settings.dev`` with DEBUG off
    because production's HTTPS redirect and static manifest need TLS and collectstatic."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHANNEL_", "DB_POOL"))}
    return (
        env
        | LAYERS[layer][1]
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "false",
            "SECRET_KEY": secret_key,  # the sessions were signed with it
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TASKS_BACKEND": "database",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "MEDIA_ROOT": str(workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private_media"),
        }
    )
