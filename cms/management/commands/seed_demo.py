"""Load the demo data of all apps. Decided here: the order of the apps' loaders, that they run in
one transaction without sending email, and what the command prints.

The content lives in data files next to each app's loader: ``forum/demo`` (towns, consortia,
accounts, discussions), ``cms/demo`` (text pages, case pages, action modules) and
``workshops/demo`` (Transferwerkstätten). The command sits in cms, the top layer, because it is the
one place that knows all three apps.

The order is the one the data needs: the community first (everything refers to its towns,
consortia and accounts), then the pages (publishing a case page opens its discussion in the
forum), the forum discussions, and last the workshops.

The command is idempotent: each loader writes only what is missing or differs from its data, so a
second run creates nothing and changes nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.test.utils import override_settings
from django.utils import timezone

from cms.demo import seed_cms_demo, seed_text_pages
from forum import notifications
from forum.demo import (
    DEMO_PASSWORD,
    PEOPLE,
    TOWNS,
    read_demo_history,
    seed_community,
    seed_discussions,
)
from forum.models import Notification, Post
from workshops.demo import seed_workshops_demo
from workshops.models import Workshop


class Command(BaseCommand):
    help = (
        "Lädt Demo-Daten (Kleinstädte, Verbünde, Demo-Konten, Pflichtseiten, Fallstudien, "
        "Handlungsbausteine, Forum). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created: Counter[str] = Counter()
        updated: Counter[str] = Counter()

        started = timezone.now()
        # Demo history is written through the services, which notify people; nobody is emailed
        # about it (the console would fill with mails to invented addresses).
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            consortia = seed_community(created=created, updated=updated)
            seed_text_pages(created=created, updated=updated, warn=self._warn)
            seed_cms_demo(created=created, updated=updated, warn=self._warn)
            seed_discussions(consortia=consortia, created=created, warn=self._warn)
            seed_workshops_demo(created=created, updated=updated)
            read_demo_history()

        self._settle_notifications(since=started, updated=updated)
        self._report(created, updated)

    def _settle_notifications(self, *, since: Any, updated: Counter) -> None:
        """The demo history is not news: what it notified (including the fan-outs that ran
        after the commit) starts out read, dated when its post was written or its workshop
        planned (the demo history is dated, see forum/demo, workshops/demo) and read then."""
        settled = Notification.objects.filter(created_at__gte=since, read_at__isnull=True)
        recipients = set(settled.values_list("recipient_id", flat=True))
        pks = list(settled.values_list("pk", flat=True))
        written = Post.objects.filter(pk=OuterRef("post_id")).values("created_at")[:1]
        Notification.objects.filter(pk__in=pks, post__isnull=False).update(
            created_at=Subquery(written)
        )
        planned = Workshop.objects.filter(pk=OuterRef("workshop_id")).values("created_at")[:1]
        Notification.objects.filter(pk__in=pks, post__isnull=True, workshop__isnull=False).update(
            created_at=Subquery(planned)
        )
        read = Notification.objects.filter(pk__in=pks).update(read_at=F("created_at"))
        notifications.counter.touch(recipients)
        if read:
            updated[f"{Notification._meta.label}.read"] += read

    def _warn(self, message: str) -> None:
        self.stderr.write(self.style.WARNING(message))

    def _report(self, created: Counter, updated: Counter) -> None:
        if created or updated:
            for label, count in sorted(created.items()):
                self.stdout.write(f"created  {count:3d}  {label}")
            for label, count in sorted(updated.items()):
                self.stdout.write(f"updated  {count:3d}  {label}")
        else:
            self.stdout.write("Demo data already complete: nothing created or changed.")

        town_names = {town.slug: town.name for town in TOWNS}
        rows = [
            (p.email, p.description, town_names.get(p.town or "", "–"), DEMO_PASSWORD)
            for p in PEOPLE
        ]
        header = ("E-Mail", "Rolle", "Kleinstadt", "Passwort")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            cells = [cell.ljust(width) for cell, width in zip(cells, widths, strict=True)]
            return "  ".join(cells).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo-Zugänge (Anmeldung mit E-Mail-Adresse):"))
        self.stdout.write(line(header))
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write(
            "Hinweis: Wer Mitglieder verwalten darf (Kleinstadtpaten, Kernteam, Administration), "
            "braucht dafür einen zweiten Faktor (TOTP), einzurichten nach der Anmeldung."
        )
