"""The transfers' part of a person's rights over their data (registered by ``cms.privacy``).

Export: the transfers they recorded, the status changes they made, the evidence they added
(files in the ZIP's "dateien" folder).

Erasure: transfers and status changes are the adopting town's record, like posts: they stay,
attributed to "ehemaliges Mitglied", and the person's name in their texts is replaced. Evidence
files they uploaded follow the choice for posts: kept without their name, or removed from
storage. Links and case pages they added as evidence stay, without their name.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forum.privacy.erasure import Erasure
from forum.privacy.export import ExportedFile, Section, safe_filename

from ..models import EvidenceKind, Transfer, TransferEvidence, TransferStatusChange


def recorded_transfers(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "transfer_id": transfer.pk,
            "town": transfer.town.name,
            "source": transfer.source.title,
            "status": transfer.status,
            "started_on": transfer.started_on,
            "finished_on": transfer.finished_on,
            "notes": transfer.notes,
            "adaptations": transfer.adaptations,
            "visibility": transfer.visibility,
            "created_at": transfer.created_at,
        }
        for transfer in Transfer.objects.filter(recorded_by=user)
        .select_related("town", "case_page", "action_module")
        .order_by("pk")
    ]


def status_changes(user: Any) -> list[dict[str, Any]]:
    return list(
        TransferStatusChange.objects.filter(changed_by=user)
        .order_by("pk")
        .values("transfer_id", "status", "changed_at", "note")
    )


def evidence(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "transfer_id": item.transfer_id,
            "kind": item.kind,
            "label": item.label,
            "url": item.url,
            "case_page_id": item.case_page_id,
            "original_name": item.original_name,
            "added_at": item.added_at,
            "file": ExportedFile(
                "uebertragungen", safe_filename(item.original_name, item.pk), item.file
            )
            if item.file
            else None,
        }
        for item in TransferEvidence.objects.filter(added_by=user).order_by("pk")
    ]


SECTIONS = [
    Section(
        "uebertragungen",
        _("Übertragungen, die Sie eingetragen haben."),
        {
            "transfer_id": _("Nummer der Übertragung"),
            "town": _("Übernehmende Kleinstadt"),
            "source": _("Übernommene Fallstudie oder Handlungsbaustein"),
            "status": _(
                "planned (geplant), in_progress (in Umsetzung), done (umgesetzt), "
                "dropped (verworfen)"
            ),
            "started_on": _("Begonnen am"),
            "finished_on": _("Abgeschlossen am"),
            "notes": _("Notizen"),
            "adaptations": _("Was für die eigene Lage geändert wurde"),
            "visibility": _("public (öffentlich), internal (nur für den Verbund)"),
            "created_at": _("Eingetragen am"),
        },
        recorded_transfers,
        order=71,
    ),
    Section(
        "uebertragungen_verlauf",
        _("Stände von Übertragungen, die Sie eingetragen haben."),
        {
            "transfer_id": _("Nummer der Übertragung"),
            "status": _("Stand"),
            "changed_at": _("Eingetragen am"),
            "note": _("Ihre Anmerkung"),
        },
        status_changes,
        order=72,
    ),
    Section(
        "uebertragungen_belege",
        _(
            "Belege, die Sie zu Übertragungen hinzugefügt haben; Dateien liegen im Ordner "
            "„dateien“."
        ),
        {
            "transfer_id": _("Nummer der Übertragung"),
            "kind": _("link, file (Datei) oder case_page (Fallstudie)"),
            "label": _("Beschreibung"),
            "url": _("Adresse"),
            "case_page_id": _("Nummer der Fallstudie"),
            "original_name": _("Dateiname beim Hochladen"),
            "added_at": _("Hinzugefügt am"),
            "file": _("Pfad der Datei in diesem ZIP"),
        },
        evidence,
        order=73,
    ),
]


def erase(erasure: Erasure) -> None:
    person, former = erasure.person, erasure.former_member
    Transfer.objects.filter(recorded_by=person).update(recorded_by=former)
    TransferStatusChange.objects.filter(changed_by=person).update(changed_by=former)
    files = TransferEvidence.objects.filter(added_by=person, kind=EvidenceKind.FILE)
    if erasure.delete_posts:
        for item in files:
            item.delete()
            transaction.on_commit(
                lambda name=item.file.name, storage=item.file.storage: storage.delete(name)
            )
    TransferEvidence.objects.filter(added_by=person).update(added_by=former)
    for model, fields in (
        (Transfer, ("notes", "adaptations")),
        (TransferStatusChange, ("note",)),
        (TransferEvidence, ("label",)),
    ):
        naming = Q()
        for name in erasure.names:
            for field_name in fields:
                naming |= Q(**{f"{field_name}__icontains": name})
        for row in model.objects.filter(naming):
            for field_name in fields:
                setattr(row, field_name, erasure.scrub(getattr(row, field_name)))
            row.save(update_fields=list(fields))
