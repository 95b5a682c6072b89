"""Sharing a closed discussion with another consortium or academy-wide, with the consent of
every author: the proposal, one consent per selected post, and the copy it led to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussion import Post, Space, Topic


class ShareProposal(models.Model):
    """Someone asks to share (some posts of) a topic in a space where other people read.

    Authors are asked first; a coach or core-team member of the source confirms; only posts
    whose authors accepted are copied. ``target`` is shown to the proposer only as
    "Verbund X" or the academy-wide space's name, never as another consortium's space."""

    class Status(models.TextChoices):
        ASKING = "asking", _("Autorinnen und Autoren werden gefragt")
        WAITING = "waiting", _("Wartet auf Bestätigung")
        SHARED = "shared", _("Geteilt")
        REFUSED = "refused", _("Abgelehnt")
        CANCELLED = "cancelled", _("Zurückgezogen")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="share_proposals")
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="share_proposals",
    )
    target = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(_("Begründung"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASKING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    copy = models.OneToOneField(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="share_origin"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Vorschlag zum Teilen")
        verbose_name_plural = _("Vorschläge zum Teilen")
        indexes = [models.Index(fields=["topic", "status"])]

    def __str__(self) -> str:
        return f"{self.topic_id} → {self.target_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("forum:share_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.ASKING, self.Status.WAITING)


class ShareConsent(models.Model):
    """One selected post and its author's answer. Silence counts as no: only ``accepted``
    posts are copied. A withdrawal later removes the copy and is kept here with its time."""

    class State(models.TextChoices):
        ASKED = "asked", _("gefragt, keine Antwort")
        ACCEPTED = "accepted", _("zugestimmt")
        DECLINED = "declined", _("abgelehnt")

    proposal = models.ForeignKey(ShareProposal, on_delete=models.CASCADE, related_name="consents")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="share_consents")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="share_consents"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ASKED)
    answered_at = models.DateTimeField(null=True, blank=True)
    copy = models.OneToOneField(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="share_consent"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["post_id"]
        verbose_name = _("Zustimmung zum Teilen")
        verbose_name_plural = _("Zustimmungen zum Teilen")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "post"], name="share_consent_once")
        ]
        indexes = [models.Index(fields=["author", "state"])]

    def __str__(self) -> str:
        return f"#{self.post_id} in {self.proposal_id}: {self.state}"
