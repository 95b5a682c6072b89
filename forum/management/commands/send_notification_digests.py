"""Email the daily or weekly digest to everyone who chose it and has something new.

Meant for cron: ``0 6 * * * … manage.py send_notification_digests --period daily`` and
``0 6 * * 1 … manage.py send_notification_digests --period weekly``. Each notification goes into
one digest at most, however often it runs (``notifications.send_digests`` marks what it sent),
and access is checked again before anything is sent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from forum import notifications
from forum.models import Delivery


class Command(BaseCommand):
    help = "Verschickt die tägliche oder wöchentliche Zusammenfassung der Benachrichtigungen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            choices=[Delivery.DAILY.value, Delivery.WEEKLY.value],
            default=Delivery.DAILY.value,
            help="daily (täglich, Standard) oder weekly (wöchentlich).",
        )

    def handle(self, *args: Any, period: str, **options: Any) -> None:
        sent = notifications.send_digests(period=period)
        self.stdout.write(f"{sent} Zusammenfassung(en) verschickt.")
