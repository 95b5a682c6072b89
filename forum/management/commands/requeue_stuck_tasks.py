"""Give tasks back to the queue whose worker died without finishing them.

A worker stopped with ``SIGTERM`` finishes its task; one killed hard (``SIGKILL``, out of memory,
power loss) leaves it marked as running forever, and no other worker takes it. Our tasks are
safe to run again (an email remembers that it was sent; a fan-out skips people already told),
so cron can call this every few minutes: ``*/10 * * * * … manage.py requeue_stuck_tasks``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "Gibt Aufgaben wieder frei, die seit mehr als N Minuten als laufend markiert sind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--minutes",
            type=int,
            default=30,
            help="So lange darf eine Aufgabe laufen, bevor sie als hängengeblieben gilt "
            "(Standard 30; länger als die längste Aufgabe wählen).",
        )

    def handle(self, *args: Any, minutes: int, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(minutes=minutes)
        requeued = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff)
            .update(status=TaskResultStatus.READY, started_at=None)
        )
        self.stdout.write(f"{requeued} Aufgabe(n) wieder in die Warteschlange gestellt.")
