"""A member's question to the contact person of a case page ("Kontakt aufnehmen"). Answering it
opens the pair's private conversation in the forum (``forum.models.Conversation``); the flow is
in ``cms.services``, who may ask in ``cms.rules``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_QUESTION_LENGTH = 1_500
MAX_DECLINE_REASON_LENGTH = 300


class ContactRequest(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("offen")
        ANSWERED = "answered", _("beantwortet")
        DECLINED = "declined", _("abgelehnt")

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_requests_made"
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_requests_received",
    )
    # The page may be deleted later; the request keeps the title it was asked about.
    page = models.ForeignKey(
        "cms.LabCasePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_requests",
    )
    page_title = models.CharField(max_length=255)
    question = models.TextField(max_length=MAX_QUESTION_LENGTH)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decline_reason = models.CharField(max_length=MAX_DECLINE_REASON_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    conversation = models.ForeignKey(
        "forum.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Kontaktanfrage")
        verbose_name_plural = _("Kontaktanfragen")
        constraints = [
            # At most one open question per person and page, even for two submits at once.
            models.UniqueConstraint(
                fields=["asker", "page"],
                condition=models.Q(state="open"),
                name="contact_request_one_open_per_page",
            )
        ]
        indexes = [
            models.Index(fields=["contact_person", "state", "-created_at"]),
            models.Index(fields=["asker", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.asker_id} → {self.contact_person_id}: {self.page_title}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
