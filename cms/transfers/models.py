"""Models of the transfer tracking; ``cms.models`` imports them so Django registers them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.models import private_storage
from forum.text import VisibleTextModel


class TransferStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    IN_PROGRESS = "in_progress", _("in Umsetzung")
    DONE = "done", _("umgesetzt")
    DROPPED = "dropped", _("verworfen")


class TransferVisibility(models.TextChoices):
    PUBLIC = "public", _("Öffentlich")
    INTERNAL = "internal", _("Nur für den Verbund")


class Transfer(VisibleTextModel, models.Model):
    """Town ``town`` adopts the idea of a case page or of an action module (exactly one).

    ``consortium`` is the consortium of the adopting town's people in which it is recorded: an
    internal transfer is for its members. Written only by ``cms.transfers.services``."""

    text_block_fields = ("notes", "adaptations")

    town = models.ForeignKey(
        "forum.Town",
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name=_("Übernehmende Kleinstadt"),
    )
    case_page = models.ForeignKey(
        "cms.LabCasePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("Fallstudie"),
    )
    action_module = models.ForeignKey(
        "cms.ActionModulePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("Handlungsbaustein"),
    )
    consortium = models.ForeignKey(
        "forum.Consortium",
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name=_("Verbund"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_transfers",
        verbose_name=_("Eingetragen von"),
    )
    status = models.CharField(
        _("Stand"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.PLANNED
    )
    started_on = models.DateField(_("Begonnen am"), null=True, blank=True)
    finished_on = models.DateField(_("Abgeschlossen am"), null=True, blank=True)
    notes = models.TextField(_("Notizen"), max_length=4000, blank=True)
    adaptations = models.TextField(
        _("Was wir für unsere Lage geändert haben"), max_length=4000, blank=True
    )
    visibility = models.CharField(
        _("Sichtbarkeit"),
        max_length=10,
        choices=TransferVisibility.choices,
        default=TransferVisibility.PUBLIC,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Übertragung")
        verbose_name_plural = _("Übertragungen")
        constraints = [
            models.CheckConstraint(
                condition=Q(case_page__isnull=False, action_module__isnull=True)
                | Q(case_page__isnull=True, action_module__isnull=False),
                name="cms_transfer_one_source",
            ),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(finished_on__gte=models.F("started_on")),
                name="cms_transfer_finished_after_start",
            ),
            models.UniqueConstraint(
                fields=["town", "case_page"], name="cms_transfer_once_per_page"
            ),
            models.UniqueConstraint(
                fields=["town", "action_module"], name="cms_transfer_once_per_module"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.town} ← {self.source}"

    def get_absolute_url(self) -> str:
        return reverse("cms:transfer", kwargs={"pk": self.pk})

    @property
    def source(self) -> Any:
        return self.case_page if self.case_page_id else self.action_module

    @property
    def source_town_id(self) -> int | None:
        return self.case_page.town_id if self.case_page_id else None

    @property
    def is_internal(self) -> bool:
        return self.visibility == TransferVisibility.INTERNAL

    def clean(self) -> None:
        super().clean()
        if self.started_on and self.finished_on and self.finished_on < self.started_on:
            raise ValidationError(
                {"finished_on": _("Das Ende liegt vor dem Beginn.")}, code="order"
            )


class TransferStatusChange(models.Model):
    """One entry of a transfer's history: its first status and every change."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=12, choices=TransferStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.status}"


def evidence_file_path(instance: models.Model, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"transfers/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{extension}"


class EvidenceKind(models.TextChoices):
    LINK = "link", _("Link")
    FILE = "file", _("Datei")
    CASE_PAGE = "case_page", _("Eigene Fallstudie")


class TransferEvidence(models.Model):
    """A link, a file (private storage, served through ``cms:transfer_file``) or a later case
    page of the adopting town showing what came of the transfer."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    label = models.CharField(_("Beschreibung"), max_length=200, blank=True)
    url = models.URLField(_("Adresse"), max_length=500, blank=True)
    file = models.FileField(storage=private_storage, upload_to=evidence_file_path, blank=True)
    original_name = models.CharField(max_length=150, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    case_page = models.ForeignKey(
        "cms.LabCasePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Fallstudie"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="link") & ~Q(url="") & Q(file="") & Q(case_page__isnull=True))
                | (Q(kind="file") & Q(url="") & ~Q(file="") & Q(case_page__isnull=True))
                | (Q(kind="case_page") & Q(url="") & Q(file="") & Q(case_page__isnull=False)),
                name="cms_transferevidence_one_kind",
            )
        ]

    def __str__(self) -> str:
        return self.label or self.original_name or self.url or str(self.case_page_id)

    def get_absolute_url(self) -> str:
        return reverse("cms:transfer_file", kwargs={"pk": self.pk})


class TransferNotice(models.Model):
    """Ties a notification to the transfer it is about, so that whether it may still be shown
    or emailed is asked of the transfer each time (``forum.notifications.visibility``)."""

    notification = models.OneToOneField(
        "forum.Notification", on_delete=models.CASCADE, related_name="transfer_notice"
    )
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="notices")

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.transfer_id}"
