"""Email the reminder to everyone with a seat in a workshop starting within the next days.

Meant for cron, e.g. once per hour: ``0 * * * * cd /srv/app && .venv/bin/python manage.py
send_workshop_reminders``. Each person gets one reminder per workshop however often it runs
(``services.send_reminders`` claims each registration before mailing).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workshops import services


class Command(BaseCommand):
    help = "Sendet Erinnerungen an Transferwerkstätten, die in den nächsten Tagen beginnen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=services.REMINDER_DAYS_AHEAD,
            help=(
                "Erinnern an Transferwerkstätten, die innerhalb so vieler Tage beginnen "
                f"(Standard: {services.REMINDER_DAYS_AHEAD})."
            ),
        )

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        if days < 1:
            raise CommandError("--days muss mindestens 1 sein.")
        sent = services.send_reminders(days_ahead=days)
        self.stdout.write(f"{sent} Erinnerung(en) verschickt.")
