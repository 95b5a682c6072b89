"""The task queue's worker for ``TASKS_BACKEND=database``: django_tasks_db's ``db_worker`` with
what it lacks under faults (``forum.worker``). It waits out a database outage instead of exiting
and writes the heartbeat ``requeue_stuck_tasks`` reads. Same options as ``db_worker``, plus
``--heartbeat``; ``SIGTERM`` still lets the running task finish.
"""

from __future__ import annotations

import os
from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from forum.worker import HEARTBEAT_INTERVAL, DurableWorker


def positive_seconds(value: str) -> float:
    seconds = db_worker.valid_interval(value)
    if not seconds:
        raise ArgumentTypeError("Must be greater than zero")
    return seconds


class Command(db_worker.Command):
    help = (
        "Arbeitet die Aufgaben-Warteschlange ab (wie db_worker), übersteht Ausfälle der "
        "Datenbank und schreibt regelmäßig ein Lebenszeichen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat",
            type=positive_seconds,
            default=HEARTBEAT_INTERVAL,
            help="Sekunden zwischen zwei Lebenszeichen (Standard %(default)g).",
        )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        heartbeat: float,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues geht nur zusammen mit --queue-name=*.")
        worker = DurableWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
            heartbeat_interval=heartbeat,
        )
        if reload and not batch:
            # The reloader runs the worker in a child process; only that one takes signals.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
