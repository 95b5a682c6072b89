"""Every write of the transfer tracking: authorise with the policy, validate, write, keep the
status history, tell the origin town."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.models import Consortium, Notification, NotificationKind, Town
from forum.rules import allowed
from forum.text import clean_line
from forum.uploads import check_upload

from .. import rules as cms_rules
from ..models import (
    ActionModulePage,
    EvidenceKind,
    LabCasePage,
    Transfer,
    TransferEvidence,
    TransferStatus,
    TransferStatusChange,
    TransferVisibility,
)
from . import notifications

MAX_EVIDENCE = 20
NOTE_LENGTH = 500


def _require(actor: Any, permission: str, obj: Any) -> None:
    if not allowed(actor, permission, obj):
        raise PermissionDenied


def _source_fields(source: Any) -> dict[str, Any]:
    if isinstance(source, LabCasePage):
        return {"case_page": source}
    if isinstance(source, ActionModulePage):
        return {"action_module": source}
    raise ValidationError(_("Übernehmen lassen sich Fallstudien und Handlungsbausteine."))


def _record_status(transfer: Transfer, actor: Any, note: str = "") -> None:
    TransferStatusChange.objects.create(
        transfer=transfer,
        status=transfer.status,
        changed_by=actor,
        note=clean_line(note, field="note")[:NOTE_LENGTH],
    )


def _full_clean(transfer: Transfer) -> None:
    # The unique constraints are checked by the service with a clearer message.
    transfer.full_clean(validate_constraints=False)


@transaction.atomic
def record_transfer(
    *,
    actor: Any,
    source: LabCasePage | ActionModulePage,
    town: Town,
    consortium: Consortium,
    status: str = TransferStatus.PLANNED,
    started_on: date | None = None,
    finished_on: date | None = None,
    notes: str = "",
    adaptations: str = "",
    visibility: str = TransferVisibility.PUBLIC,
) -> Transfer:
    """``town`` adopts the idea of ``source``, recorded in ``consortium``; the origin town's
    people who may see it hear of it."""
    _require(actor, "cms.record_transfer", source)
    if (town.pk, consortium.pk) not in cms_rules.towns_acted_for(actor):
        raise ValidationError(
            {"town": _("Für diese Kleinstadt in diesem Verbund dürfen Sie nichts eintragen.")}
        )
    if isinstance(source, LabCasePage) and source.town_id == town.pk:
        raise ValidationError(
            {"town": _("Eine Kleinstadt kann ihre eigene Fallstudie nicht übernehmen.")}
        )
    fields = _source_fields(source)
    if Transfer.objects.filter(town=town, **fields).exists():
        raise ValidationError(
            {"town": _("%(town)s hat diese Idee schon übernommen.") % {"town": town.name}}
        )
    transfer = Transfer(
        town=town,
        consortium=consortium,
        recorded_by=actor,
        status=status,
        started_on=started_on,
        finished_on=finished_on,
        notes=notes,
        adaptations=adaptations,
        visibility=visibility,
        **fields,
    )
    _full_clean(transfer)
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:
        raise ValidationError(
            {"town": _("%(town)s hat diese Idee schon übernommen.") % {"town": town.name}}
        ) from None
    _record_status(transfer, actor)
    notifications.tell_origin(
        transfer=transfer,
        kind=NotificationKind.TRANSFER_RECORDED,
        title=notifications.recorded_title(transfer),
        actor=actor,
    )
    return transfer


@transaction.atomic
def change_transfer_status(
    *, transfer: Transfer, actor: Any, status: str, note: str = ""
) -> Transfer:
    """A new status, kept in the history. Starting sets the start date and finishing (done or
    dropped) the end date, where they are still empty."""
    _require(actor, "cms.edit_transfer", transfer)
    if status not in TransferStatus.values:
        raise ValidationError({"status": _("Bitte wählen Sie einen Stand aus der Liste.")})
    if status == transfer.status:
        raise ValidationError({"status": _("Die Übertragung hat diesen Stand schon.")})
    today = timezone.localdate()
    transfer.status = status
    if status == TransferStatus.IN_PROGRESS and transfer.started_on is None:
        transfer.started_on = today
    finishing = status in (TransferStatus.DONE, TransferStatus.DROPPED)
    if (
        finishing
        and transfer.finished_on is None
        and (transfer.started_on is None or transfer.started_on <= today)
    ):
        transfer.finished_on = today
    transfer.updated_at = timezone.now()
    _full_clean(transfer)
    transfer.save()
    _record_status(transfer, actor, note)
    notifications.tell_origin(
        transfer=transfer,
        kind=NotificationKind.TRANSFER_STATUS_CHANGED,
        title=notifications.status_title(transfer),
        actor=actor,
    )
    return transfer


@transaction.atomic
def update_transfer(
    *,
    transfer: Transfer,
    actor: Any,
    started_on: date | None,
    finished_on: date | None,
    notes: str,
    adaptations: str,
    visibility: str,
) -> Transfer:
    """Dates, notes, adaptations and visibility; the status changes only through
    ``change_transfer_status`` so that the history is complete."""
    _require(actor, "cms.edit_transfer", transfer)
    visibility_changed = visibility != transfer.visibility
    transfer.started_on = started_on
    transfer.finished_on = finished_on
    transfer.notes = notes
    transfer.adaptations = adaptations
    transfer.visibility = visibility
    transfer.updated_at = timezone.now()
    _full_clean(transfer)
    transfer.save()
    if visibility_changed:
        notifications.recount_bells(transfer)
    return transfer


@transaction.atomic
def delete_transfer(*, transfer: Transfer, actor: Any) -> None:
    """The transfer with its history, evidence files and the notifications about it."""
    _require(actor, "cms.remove_transfer", transfer)
    notifications.recount_bells(transfer)
    Notification.objects.filter(transfer_notice__transfer=transfer).delete()
    files = [item.file for item in transfer.evidence.all() if item.file]
    transfer.delete()
    for stored in files:
        _delete_on_commit(stored)


def _delete_on_commit(stored: Any) -> None:
    transaction.on_commit(lambda name=stored.name, storage=stored.storage: storage.delete(name))


@transaction.atomic
def add_evidence(
    *,
    transfer: Transfer,
    actor: Any,
    kind: str,
    label: str = "",
    url: str = "",
    upload: Any = None,
    case_page: LabCasePage | None = None,
) -> TransferEvidence:
    """A link (http or https), a file (checked by its content, as forum attachments) or a later
    case page of the adopting town that the actor may read."""
    _require(actor, "cms.edit_transfer", transfer)
    if transfer.evidence.count() >= MAX_EVIDENCE:
        raise ValidationError(
            _("Eine Übertragung hat höchstens %(max)s Belege.") % {"max": MAX_EVIDENCE}
        )
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Bitte wählen Sie die Art des Belegs.")})
    evidence = TransferEvidence(
        transfer=transfer,
        kind=kind,
        label=clean_line(label, field="label")[:200],
        added_by=actor,
    )
    if kind == EvidenceKind.LINK:
        url = (url or "").strip()
        if not url:
            raise ValidationError({"url": _("Bitte geben Sie eine Adresse an.")})
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(
                {
                    "url": _(
                        "Bitte geben Sie eine Adresse an, die mit http:// oder https:// beginnt."
                    )
                }
            ) from None
        if len(url) > 500:
            raise ValidationError({"url": _("Die Adresse ist zu lang (höchstens 500 Zeichen).")})
        evidence.url = url
    elif kind == EvidenceKind.FILE:
        if upload is None:
            raise ValidationError({"upload": _("Bitte wählen Sie eine Datei aus.")})
        try:
            checked = check_upload(upload)
        except ValidationError as error:
            raise ValidationError({"upload": error.messages}) from None
        evidence.original_name = checked.original_name
        evidence.content_type = checked.content_type
        evidence.size = checked.size
        upload.seek(0)
        evidence.file.save(f"upload.{checked.extension}", upload, save=False)
    else:
        if (
            case_page is None
            or case_page.town_id != transfer.town_id
            or not cms_rules.source_is_readable(actor, case_page)
        ):
            raise ValidationError(
                {"case_page": _("Bitte wählen Sie eine Fallstudie der übernehmenden Kleinstadt.")}
            )
        evidence.case_page = case_page
    evidence.save()
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: TransferEvidence, actor: Any) -> None:
    _require(actor, "cms.edit_transfer", evidence.transfer)
    evidence.delete()
    if evidence.file:
        _delete_on_commit(evidence.file)
