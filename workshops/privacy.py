"""The workshops' part of a person's data export (``forum.privacy.export``): registrations with
dietary needs and remarks, idea cards, the files they uploaded, whether a calendar address
exists. Registered from ``WorkshopsConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from forum.privacy.export import ExportedFile, Section, register_section, safe_filename

from .models import CalendarFeed, IdeaCard, Registration, WorkshopFile


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


def register_export_sections() -> None:
    for section in SECTIONS:
        register_section(section)
