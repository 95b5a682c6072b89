"""Private two-person conversations and blocks between people: the forum's side of "Kontakt
aufnehmen" (the request about a case page lives in cms and opens a conversation here)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """Exactly two people, one conversation per pair. ``first`` has the lower user id (a
    constraint), so the pair is unique whoever started. A participant whose account is erased
    becomes ``None``: the other person keeps reading, without the erased name."""

    first = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    second = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    # What each participant has read up to: the list's "neu" marker without counting messages.
    first_read_at = models.DateTimeField(null=True, blank=True)
    second_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Unterhaltung")
        verbose_name_plural = _("Unterhaltungen")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="conversation_once_per_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")),
                name="conversation_first_below_second",
            ),
        ]
        indexes = [
            models.Index(fields=["first", "-last_message_at"]),
            models.Index(fields=["second", "-last_message_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ↔ {self.second_id}"

    def get_absolute_url(self) -> str:
        return reverse("forum:conversation", kwargs={"pk": self.pk})

    def has_participant(self, user: Any) -> bool:
        return (
            user is not None
            and user.pk is not None
            and user.pk
            in (
                self.first_id,
                self.second_id,
            )
        )

    def other_than(self, user: Any) -> Any:
        """The other participant (``None`` once their account was erased)."""
        return self.second if user.pk == self.first_id else self.first

    def other_id_than(self, user: Any) -> int | None:
        return self.second_id if user.pk == self.first_id else self.first_id

    def read_at_of(self, user: Any):
        return self.first_read_at if user.pk == self.first_id else self.second_read_at

    def is_unread_for(self, user: Any) -> bool:
        read_at = self.read_at_of(user)
        return read_at is None or read_at < self.last_message_at


class ConversationMessage(models.Model):
    """One message, rendered like a post (Markdown, sanitised) when written. ``author`` is
    ``None`` once their account was erased; ``removed_at`` once the erased person chose that
    their writing be deleted (the text is emptied)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self) -> str:
        return f"{self.conversation_id}/{self.pk}"


class ContactBlock(models.Model):
    """``blocker`` takes no more contact requests or messages from ``blocked``."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Blockierte Person")
        verbose_name_plural = _("Blockierte Personen")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="contact_block_once")
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} ⊘ {self.blocked_id}"
