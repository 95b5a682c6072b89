"""Forget recorded live events older than ``STREAM_EVENT_DAYS`` (cron, daily).

A socket that has been away longer than that is told to reload instead of being replayed to.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from forum import events


class Command(BaseCommand):
    help = "Löscht aufgezeichnete Live-Ereignisse, die älter als STREAM_EVENT_DAYS sind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Statt STREAM_EVENT_DAYS.")

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        deleted = events.prune(days=days)
        self.stdout.write(f"{deleted} Ereignis(se) gelöscht.")
