"""The task worker (``manage.py run_task_worker``): django_tasks_db's worker loop, made to
outlive database outages and to show that it is alive.

- A database outage does not end the worker. It closes its broken connections, waits with a
  growing pause (1 s, 2 s, 4 s, … at most 30 s) until the database answers again and goes on;
  the outage is logged once when it begins and once when it ends. A task the outage interrupted
  goes back to the queue: our tasks are safe to run again (an email remembers that it was sent,
  a fan-out skips people already told).
- A thread writes the worker's ``WorkerHeartbeat`` every few seconds, during long tasks too.
  ``requeue_tasks_of_dead_workers`` (``manage.py requeue_stuck_tasks``) gives back only what
  workers left that stopped beating, never the long task of a live one.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from contextlib import suppress
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connections, router
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 5.0  # seconds between two heartbeats
DEAD_AFTER = timedelta(seconds=60)  # a worker this long without a heartbeat is gone
# Tasks claimed by a worker that writes no heartbeat (a plain `db_worker`): only their age tells.
UNKNOWN_WORKER_AFTER = timedelta(minutes=30)
FIRST_PAUSE = 1.0  # seconds before asking a database that went away again; doubled each time
LONGEST_PAUSE = 30.0
# A task failing because the database went away is given back, up to this many claims in all.
MAX_CLAIMS = 10

# What a database that is gone, restarting or unreachable raises.
DATABASE_GONE = (OperationalError, InterfaceError)
DATABASE_GONE_PATHS = frozenset(
    f"{error.__module__}.{error.__qualname__}" for error in DATABASE_GONE
)


def drop_connections() -> None:
    """Close this thread's database connections (the pool gets back or discards them); the
    next query connects anew. A broken connection may fail to close: it is gone either way."""
    for connection in connections.all(initialized_only=True):
        with suppress(DatabaseError):
            connection.close()


def database_answers(alias: str) -> bool:
    drop_connections()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_GONE:
        return False
    return True


def give_back(result: DBTaskResult) -> bool:
    """Put a task this worker claimed back in the queue, unless it was requeued and claimed by
    another worker meanwhile (``started_at`` tells one claim from the next)."""
    return bool(
        DBTaskResult.objects.filter(
            pk=result.pk,
            started_at=result.started_at,
            status__in=[TaskResultStatus.RUNNING, TaskResultStatus.FAILED],
        ).update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            return_value=None,
            exception_class_path="",
            traceback="",
        )
    )


def failed_for_the_database(result: DBTaskResult) -> bool:
    return (
        result.status == TaskResultStatus.FAILED
        and result.exception_class_path in DATABASE_GONE_PATHS
        and len(result.worker_ids) < MAX_CLAIMS
    )


class Heartbeat:
    """Writes a worker's ``WorkerHeartbeat`` every ``interval`` seconds from a thread of its own,
    so it goes on while a long task runs. A beat the database refuses is skipped: the worker's
    loop reports the outage."""

    def __init__(self, worker_id: str, interval: float) -> None:
        self.worker_id = worker_id
        self.interval = interval
        # Before this run claims anything: a task claimed earlier under the same worker id was
        # claimed by an earlier run.
        self.started_at = timezone.now()
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._beat_until_stopped, name=f"heartbeat-{worker_id}", daemon=True
        )

    def start(self) -> None:
        self.beat()  # before the first claim
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=self.interval + 5)

    def beat(self) -> None:
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "host": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "started_at": self.started_at,
                    "seen_at": timezone.now(),
                },
            )
        except DatabaseError:
            drop_connections()

    def _beat_until_stopped(self) -> None:
        try:
            while not self._stopped.wait(self.interval):
                self.beat()
        finally:
            drop_connections()


class DurableWorker(Worker):
    """django_tasks_db's ``Worker`` whose loop is resumed after a database outage, with a
    heartbeat. ``in_hand`` is the task being run, until its outcome is recorded."""

    def __init__(self, *, heartbeat_interval: float = HEARTBEAT_INTERVAL, **options: Any) -> None:
        super().__init__(**options)
        self.heartbeat = Heartbeat(self.worker_id, heartbeat_interval)
        self.in_hand: DBTaskResult | None = None

    def run(self) -> None:
        self.heartbeat.start()
        try:
            while True:
                try:
                    super().run()
                except DATABASE_GONE as error:
                    self.wait_for_database(error)
                    self.startup_delay = False
                else:
                    return
        finally:
            self.heartbeat.stop()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        # Recording the outcome raises when the database went away meanwhile: the task stays
        # in hand, and is given back once the database answers again.
        self.in_hand = db_task_result
        super().run_task(db_task_result)
        if failed_for_the_database(db_task_result):
            give_back(db_task_result)
        self.in_hand = None

    def wait_for_database(self, error: Exception) -> None:
        """Pause, doubling the pause up to ``LONGEST_PAUSE``, until the database answers and the
        task in hand is back in the queue."""
        began = time.monotonic()
        logger.error(
            "Worker %s: database unavailable (%s); retrying every %g to %g s until it is back.",
            self.worker_id,
            str(error).strip(),
            FIRST_PAUSE,
            LONGEST_PAUSE,
        )
        alias = router.db_for_write(DBTaskResult)
        pause = FIRST_PAUSE
        time.sleep(pause)
        while not (database_answers(alias) and self._give_back_in_hand()):
            pause = min(pause * 2, LONGEST_PAUSE)
            time.sleep(pause)
        logger.info(
            "Worker %s: database back after %.1f s; resuming.",
            self.worker_id,
            time.monotonic() - began,
        )

    def _give_back_in_hand(self) -> bool:
        if self.in_hand is not None:
            try:
                give_back(self.in_hand)
            except DATABASE_GONE:
                return False
            self.in_hand = None
        return True


def requeue_tasks_of_dead_workers(
    *, dead_after: timedelta = DEAD_AFTER, unknown_after: timedelta = UNKNOWN_WORKER_AFTER
) -> int:
    """Give back the running tasks whose worker is gone, then forget the dead workers' heartbeats.
    Returns how many tasks went back to the queue.

    A worker is gone when its last heartbeat is older than ``dead_after``, and so is the run that
    claimed a task when the heartbeat under its worker id began after the claim (the worker was
    restarted under the same id, as systemd does with ``--worker-id %H-%i``). A task of a worker
    that never wrote a heartbeat (a plain ``db_worker``) counts as stuck after ``unknown_after``.
    """
    now = timezone.now()
    beats = {beat.worker_id: beat for beat in WorkerHeartbeat.objects.all()}
    requeued = 0
    running = DBTaskResult.objects.running().values_list("pk", "worker_ids", "started_at")
    for task_id, worker_ids, started_at in running:
        beat = beats.get(worker_ids[-1]) if worker_ids else None
        if beat is None:
            gone = started_at < now - unknown_after
        else:
            gone = beat.seen_at < now - dead_after or beat.started_at > started_at
        if gone:
            requeued += DBTaskResult.objects.filter(
                pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
            ).update(status=TaskResultStatus.READY, started_at=None)
    WorkerHeartbeat.objects.filter(seen_at__lt=now - dead_after).delete()
    return requeued
