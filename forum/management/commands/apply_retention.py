"""Remove what has outlived its storage period (cron, daily): expired data exports, old
invitations, read notifications, finished task rows, sent emails, stale presence rows and
recorded live events. The periods are settings; ``forum.privacy.retention`` does the work."""

from typing import Any

from django.core.management.base import BaseCommand

from forum.privacy.retention import apply_retention


class Command(BaseCommand):
    help = "Löscht Daten, deren Speicherfrist abgelaufen ist (täglich per Cron aufrufen)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, deleted in apply_retention().items():
            self.stdout.write(f"{name}: {deleted}")
