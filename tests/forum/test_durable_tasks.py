"""Background work under faults: an email the mail server accepted is not sent again when its
task runs again (its worker was killed, the task requeued), only tasks of workers that stopped
beating are requeued, and the worker (`manage.py run_task_worker`) outlives the database.

The worker killed "after the mail server accepted" is simulated where that really happens: the
server has answered 250 to the message and the client is saying goodbye (SMTP ``QUIT``).
"""

import logging
import smtplib
import socketserver
import threading
import time
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from forum import notifications, services, worker
from forum.models import Delivery, Notification, Role, WorkerHeartbeat
from forum.models import NotificationKind as Kind
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.tasks import DATABASE_TASKS, run_worker

SEND_EMAIL = "forum.notifications.email.send_notification_email"
SEND_QUEUED = "forum.mail.send_outgoing_email"


class Killed(BaseException):
    """SIGKILL as far as the code under test can tell: nothing of it runs any further."""


class SMTPSink(socketserver.ThreadingTCPServer):
    """A mail server that accepts every message and remembers it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPSession)
        self.messages: list[bytes] = []


class _SMTPSession(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.wfile.write(b"220 sink ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 end with .\r\n")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data)
                self.server.messages.append(b"".join(lines))
                self.wfile.write(b"250 accepted\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_sink(settings):
    sink = SMTPSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.server_address
    settings.EMAIL_USE_TLS = False
    yield sink
    sink.shutdown()
    sink.server_close()


def new_member(consortium):
    user = UserFactory()
    MembershipFactory(user=user, consortium=consortium, role=Role.MEMBER)
    return user


def mention(topic, author, *people):
    return services.post_reply(
        topic=topic,
        author=author,
        body="Bitte ansehen: " + " ".join(f"@{person.username}" for person in people),
    )


def requeue(*options: str) -> int:
    out = StringIO()
    call_command("requeue_stuck_tasks", *options, stdout=out)
    return int(out.getvalue().split()[0])


# --- an accepted email is not sent again ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_email_the_mail_server_accepted_is_not_sent_again_when_its_task_runs_again(
    quiet, cast, forum, smtp_sink
):
    member = new_member(cast.consortium)
    with override_settings(TASKS=DATABASE_TASKS):
        mention(forum.closed_topic, cast.user("coach"), member)
        [queued] = DBTaskResult.objects.ready().filter(task_path=SEND_EMAIL)
        # The server accepted the message; the worker dies while it says goodbye.
        with mock.patch.object(smtplib.SMTP, "quit", side_effect=Killed):
            run_worker()
        assert len(smtp_sink.messages) == 1
        # What requeue_stuck_tasks makes of the task its killed worker left "running".
        DBTaskResult.objects.filter(pk=queued.pk).update(
            status=TaskResultStatus.READY, started_at=None, finished_at=None
        )

        run_worker()

    assert len(smtp_sink.messages) == 1
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.return_value == "skipped"
    assert Notification.objects.get(recipient=member).emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_digest_the_mail_server_accepted_is_not_sent_again_by_a_repeated_task_or_run(
    quiet, cast, forum, smtp_sink
):
    member = new_member(cast.consortium)
    notifications.set_preferences(user=member, deliveries={Kind.MENTION: Delivery.DAILY})
    with override_settings(TASKS=DATABASE_TASKS):
        mention(forum.closed_topic, cast.user("coach"), member)
        DBTaskResult.objects.all().delete()
        Notification.objects.exclude(recipient=member).delete()
        assert notifications.send_digests(period=Delivery.DAILY) == 1
        [queued] = DBTaskResult.objects.ready().filter(task_path=SEND_QUEUED)
        with mock.patch.object(smtplib.SMTP, "quit", side_effect=Killed):
            run_worker()
        assert len(smtp_sink.messages) == 1
        DBTaskResult.objects.filter(pk=queued.pk).update(
            status=TaskResultStatus.READY, started_at=None, finished_at=None
        )

        run_worker()
        assert notifications.send_digests(period=Delivery.DAILY) == 0

    assert len(smtp_sink.messages) == 1
    queued.refresh_from_db()
    assert queued.return_value == "skipped"


# --- requeue only what dead workers left ----------------------------------------------------


def claimed_email(worker_id: str, *, started_ago: timedelta) -> DBTaskResult:
    """An email task as a worker leaves it while running it (or after being killed)."""
    with override_settings(TASKS=DATABASE_TASKS):
        result = notifications.send_notification_email.enqueue(0)
    claimed = DBTaskResult.objects.get(pk=result.id)
    claimed.claim(worker_id)
    DBTaskResult.objects.filter(pk=claimed.pk).update(started_at=timezone.now() - started_ago)
    claimed.refresh_from_db()
    return claimed


def heartbeat(worker_id: str, *, seen_ago: timedelta, started_ago: timedelta) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        host="worker-host",
        pid=4242,
        started_at=now - started_ago,
        seen_at=now - seen_ago,
    )


def status_of(result: DBTaskResult) -> str:
    result.refresh_from_db()
    return result.status


def test_a_task_of_a_worker_that_stopped_beating_is_requeued(db):
    heartbeat("dead", seen_ago=timedelta(minutes=2), started_ago=timedelta(hours=1))
    left_behind = claimed_email("dead", started_ago=timedelta(minutes=3))

    assert requeue() == 1
    assert status_of(left_behind) == TaskResultStatus.READY
    left_behind.refresh_from_db()
    assert left_behind.started_at is None
    assert not WorkerHeartbeat.objects.filter(worker_id="dead").exists()  # forgotten


def test_a_long_task_of_a_worker_that_still_beats_is_left_alone(db):
    heartbeat("alive", seen_ago=timedelta(seconds=4), started_ago=timedelta(hours=3))
    long_running = claimed_email("alive", started_ago=timedelta(hours=2))

    assert requeue() == 0
    assert status_of(long_running) == TaskResultStatus.RUNNING


def test_a_task_left_by_an_earlier_run_under_the_same_worker_id_is_requeued(db):
    # systemd restarts a killed worker under the same id (host-1): the new run beats, but the
    # task was claimed before that run started, by the run that was killed.
    left_behind = claimed_email("host-1", started_ago=timedelta(minutes=2))
    heartbeat("host-1", seen_ago=timedelta(seconds=1), started_ago=timedelta(minutes=1))
    current = claimed_email("host-1", started_ago=timedelta(seconds=30))

    assert requeue() == 1
    assert status_of(left_behind) == TaskResultStatus.READY
    assert status_of(current) == TaskResultStatus.RUNNING


def test_a_task_of_a_worker_without_heartbeat_waits_for_the_old_timeout(db):
    # Claimed by a plain `db_worker`, which writes no heartbeat: only its age can tell.
    recent = claimed_email("plain", started_ago=timedelta(minutes=10))
    old = claimed_email("plain", started_ago=timedelta(minutes=40))

    assert requeue() == 1
    assert status_of(old) == TaskResultStatus.READY
    assert status_of(recent) == TaskResultStatus.RUNNING


@task(takes_context=True)
def take_a_while(context, seconds: float) -> dict:
    """A long task: looks at its own worker's heartbeat and at what requeueing makes of it."""
    worker_id = context.task_result.worker_ids[-1]
    before = WorkerHeartbeat.objects.get(worker_id=worker_id).seen_at
    time.sleep(seconds)
    after = WorkerHeartbeat.objects.get(worker_id=worker_id).seen_at
    return {"beat": after > before, "requeued": requeue("--dead-after", str(seconds / 2))}


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_a_long_task_runs_and_the_task_is_left_alone(quiet):
    with override_settings(TASKS=DATABASE_TASKS):
        result = take_a_while.enqueue(1.0)
        run_worker("--heartbeat", "0.1", command="run_task_worker")

    finished = DBTaskResult.objects.get(pk=result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert finished.return_value == {"beat": True, "requeued": 0}
    assert len(finished.worker_ids) == 1


# --- the worker and the database --------------------------------------------------------------

interruptions: list[str] = []


@task()
def interrupted_once() -> str:
    """Fails the way a task fails when the database goes away under it, the first time only."""
    if not interruptions:
        interruptions.append("interrupted")
        raise OperationalError("server closed the connection unexpectedly")
    return "done"


@pytest.mark.django_db(transaction=True)
def test_a_task_interrupted_by_the_database_is_given_back_and_runs_again(quiet):
    interruptions.clear()
    with override_settings(TASKS=DATABASE_TASKS):
        result = interrupted_once.enqueue()
        run_worker(command="run_task_worker")

    finished = DBTaskResult.objects.get(pk=result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert finished.return_value == "done"
    assert len(finished.worker_ids) == 2


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_out_a_database_outage_with_capped_backoff_and_logs_it_once(quiet, caplog):
    """The outage itself runs against a real PostgreSQL in test_worker_outage.py; here its
    shape: nine failed attempts to reach the database, then it answers again."""
    real_get_locked = DBTaskResultQuerySet.get_locked
    probes = iter([False] * 8 + [True])
    waits: list[float] = []

    def database_gone_once(queryset):
        if not waits:
            raise OperationalError("could not connect to server: Connection refused")
        return real_get_locked(queryset)

    with (
        override_settings(TASKS=DATABASE_TASKS),
        mock.patch.object(DBTaskResultQuerySet, "get_locked", database_gone_once),
        mock.patch.object(worker, "database_answers", lambda alias: next(probes)),
        mock.patch.object(worker.time, "sleep", waits.append),
        caplog.at_level(logging.INFO, logger="forum.worker"),
    ):
        notifications.send_notification_email.enqueue(0)
        run_worker(command="run_task_worker")

    assert waits == [1, 2, 4, 8, 16, 30, 30, 30, 30]
    logged = [record.levelname for record in caplog.records if record.name == "forum.worker"]
    assert logged == ["ERROR", "INFO"]
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
