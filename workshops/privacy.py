"""The workshops' part of a person's rights over their data, registered in
``WorkshopsConfig.ready()`` so the forum does not import workshops.

Export (``forum.privacy.export``): registrations with dietary needs and remarks, idea cards, the
files they uploaded, whether a calendar address exists.

Erasure (``forum.privacy.erasure``):
- Registrations for workshops still ahead are cancelled through the registration service, so
  the waiting list moves up and whoever gets the seat is notified; then every registration of
  the person goes, past ones too (dietary needs and remarks are theirs; a held workshop's
  documentation does not depend on the rows).
- Idea cards are treated like forum posts: kept as "ehemaliges Mitglied", or removed with the
  posts. Files the person uploaded to a workshop's documentation likewise: kept without their
  name, or removed from storage with the posts.
- Their name in a programme's "Mit" column or a roadmap's "Wer" becomes "ehemaliges Mitglied".
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.privacy import erasure as erasure_registry
from forum.privacy import export as export_registry
from forum.privacy.erasure import Erasure
from forum.privacy.export import ExportedFile, Section, safe_filename

from . import services
from .models import (
    AgendaItem,
    CalendarFeed,
    IdeaCard,
    Registration,
    RoadmapItem,
    WorkshopFile,
)


def registrations(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "workshop_id": registration.workshop_id,
            "workshop_title": registration.workshop.title,
            "starts_at": registration.workshop.starts_at,
            "status": registration.status,
            "needs_overnight_stay": registration.needs_overnight_stay,
            "dietary_needs": registration.dietary_needs,
            "arrival": registration.arrival,
            "remarks": registration.remarks,
            "queued_at": registration.queued_at,
            "updated_at": registration.updated_at,
            "attended": registration.attended,
        }
        for registration in Registration.objects.filter(user=user)
        .select_related("workshop")
        .order_by("pk")
    ]


def idea_cards(user: Any) -> list[dict[str, Any]]:
    return list(
        IdeaCard.objects.filter(author=user)
        .order_by("pk")
        .values("workshop_id", "text", "group", "created_at")
    )


def workshop_files(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "file_id": upload.pk,
            "workshop_id": upload.workshop_id,
            "original_name": upload.original_name,
            "content_type": upload.content_type,
            "size": upload.size,
            "caption": upload.caption,
            "uploaded_at": upload.uploaded_at,
            "file": ExportedFile(
                "transferwerkstaetten", safe_filename(upload.original_name, upload.pk), upload.file
            ),
        }
        for upload in WorkshopFile.objects.filter(uploaded_by=user).order_by("pk")
    ]


def calendar_feed(user: Any) -> list[dict[str, Any]]:
    # Whether the secret address exists and since when, never the address itself.
    return list(CalendarFeed.objects.filter(user=user).values("created_at"))


SECTIONS = [
    Section(
        "anmeldungen",
        _("Ihre Anmeldungen zu Transferwerkstätten."),
        {
            "workshop_id": _("Nummer der Transferwerkstatt"),
            "workshop_title": _("Titel der Transferwerkstatt"),
            "starts_at": _("Beginn"),
            "status": _("confirmed (angemeldet), waitlisted (Warteliste), declined (abgesagt)"),
            "needs_overnight_stay": _("Übernachtung nötig (true/false)"),
            "dietary_needs": _("Ernährung"),
            "arrival": _("Anreise (train, car, other)"),
            "remarks": _("Ihre Anmerkungen"),
            "queued_at": _("Angemeldet am"),
            "updated_at": _("Zuletzt geändert am"),
            "attended": _("Teilgenommen (true/false, null: nicht erfasst)"),
        },
        registrations,
        order=60,
    ),
    Section(
        "ideenkarten",
        _("Ihre Karten auf Ideenwänden."),
        {
            "workshop_id": _("Nummer der Transferwerkstatt"),
            "text": _("Idee"),
            "group": _("Gruppe"),
            "created_at": _("Erstellt am"),
        },
        idea_cards,
        order=61,
    ),
    Section(
        "werkstatt_dateien",
        _("Dateien, die Sie zur Dokumentation hochgeladen haben; sie liegen im Ordner „dateien“."),
        {
            "file_id": _("Nummer der Datei"),
            "workshop_id": _("Nummer der Transferwerkstatt"),
            "original_name": _("Dateiname beim Hochladen"),
            "content_type": _("Dateityp"),
            "size": _("Größe in Bytes"),
            "caption": _("Beschreibung"),
            "uploaded_at": _("Hochgeladen am"),
            "file": _("Pfad der Datei in diesem ZIP"),
        },
        workshop_files,
        order=62,
    ),
    Section(
        "kalender",
        _("Ob Sie eine persönliche Kalenderadresse haben (die Adresse selbst steht nicht hier)."),
        {"created_at": _("Erzeugt am")},
        calendar_feed,
        order=63,
    ),
]


def erase(erasure: Erasure) -> None:
    person = erasure.person
    ahead = Registration.objects.filter(
        user=person,
        workshop__starts_at__gt=timezone.now(),
        status__in=(Registration.Status.CONFIRMED, Registration.Status.WAITLISTED),
    ).select_related("workshop")
    for registration in ahead:
        try:
            services.cancel_registration(workshop=registration.workshop, user=person)
        except (PermissionDenied, ValidationError):
            continue  # cancelled or closed meanwhile: nobody waits for this seat
    Registration.objects.filter(user=person).delete()

    cards = IdeaCard.objects.filter(author=person)
    if erasure.delete_posts:
        for card in cards:
            card_id = card.pk
            card.delete()
            card.pk = card_id
            services.publish_idea(card, "removed")
    else:
        cards.update(author=erasure.former_member)

    if erasure.delete_posts:
        for item in WorkshopFile.objects.filter(uploaded_by=person):
            item.delete()
            for stored in (item.file, item.thumbnail):
                if stored:
                    transaction.on_commit(
                        lambda name=stored.name, storage=stored.storage: storage.delete(name)
                    )

    for model, field_name in ((AgendaItem, "speaker"), (RoadmapItem, "who")):
        naming = Q()
        for name in erasure.names:
            naming |= Q(**{f"{field_name}__icontains": name})
        for row in model.objects.filter(naming):
            setattr(row, field_name, erasure.scrub(getattr(row, field_name)))
            row.save(update_fields=[field_name])


def register() -> None:
    for section in SECTIONS:
        export_registry.register_section(section)
    erasure_registry.register_section("workshops", erase)
