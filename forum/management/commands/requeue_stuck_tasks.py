"""Give tasks back to the queue whose worker died without finishing them.

A worker stopped with ``SIGTERM`` finishes its task; one killed hard (``SIGKILL``, out of memory,
power loss) leaves it marked as running forever, and no other worker takes it. A task goes back
only when its worker is gone: no heartbeat for ``--dead-after`` seconds (``run_task_worker``
writes one every few seconds, during long tasks too), however long the task has run. Our tasks
are safe to run again (an email remembers that it was sent; a fan-out skips people already
told), so cron can call this every minute: ``* * * * * … manage.py requeue_stuck_tasks``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from forum.worker import DEAD_AFTER, UNKNOWN_WORKER_AFTER, requeue_tasks_of_dead_workers


class Command(BaseCommand):
    help = (
        "Gibt laufende Aufgaben wieder frei, deren Worker kein Lebenszeichen mehr gibt "
        "(oder seitdem neu gestartet ist)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dead-after",
            type=float,
            default=DEAD_AFTER.total_seconds(),
            help="Sekunden ohne Lebenszeichen, nach denen ein Worker als beendet gilt "
            "(Standard %(default)g; ein Vielfaches von run_task_worker --heartbeat wählen).",
        )
        parser.add_argument(
            "--minutes",
            type=int,
            default=int(UNKNOWN_WORKER_AFTER.total_seconds() // 60),
            help="Nur für Worker ohne Lebenszeichen (db_worker): so lange darf ihre Aufgabe "
            "laufen, bevor sie als hängengeblieben gilt (Standard %(default)s).",
        )

    def handle(self, *args: Any, dead_after: float, minutes: int, **options: Any) -> None:
        requeued = requeue_tasks_of_dead_workers(
            dead_after=timedelta(seconds=dead_after), unknown_after=timedelta(minutes=minutes)
        )
        self.stdout.write(f"{requeued} Aufgabe(n) wieder in die Warteschlange gestellt.")
