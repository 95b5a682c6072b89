"""Privacy: a person's data export (GDPR Art. 15 and 20), built in the background."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .discussion import private_storage

# An export not finished this long after it was requested counts as failed.
STALLED_AFTER = timedelta(days=1)


def export_path(instance: models.Model, filename: str) -> str:
    """An unguessable path; only the owner's download view ever serves it."""
    return f"exports/{uuid.uuid4().hex}.zip"


class DataExport(models.Model):
    """One requested export of everything about a person: requested, being built (``started_at``),
    ready until ``expires_at`` (``finished_at`` and a file) or failed. The retention command
    removes it (row and file) once it has expired, and one never finished after as long."""

    class Status(models.TextChoices):
        REQUESTED = "requested"
        RUNNING = "running"
        READY = "ready"
        EXPIRED = "expired"
        FAILED = "failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(storage=private_storage, upload_to=export_path, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status}"

    def get_absolute_url(self) -> str:
        return reverse("forum:data_export_download", kwargs={"pk": self.pk})

    @property
    def status(self) -> str:
        if self.failed_at is not None:
            return self.Status.FAILED
        if self.finished_at is None and self.requested_at <= timezone.now() - STALLED_AFTER:
            # Its task was lost (e.g. given up after repeated worker crashes): the person may
            # ask again instead of waiting forever.
            return self.Status.FAILED
        if self.finished_at is not None:
            if self.expires_at is not None and self.expires_at <= timezone.now():
                return self.Status.EXPIRED
            return self.Status.READY
        if self.started_at is not None:
            return self.Status.RUNNING
        return self.Status.REQUESTED

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.RUNNING)
