"""Notifications: their kinds, how each may be delivered, and each person's preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .community import Consortium
from .discussion import Post, Space, Topic


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Erwähnung")
    REPLY = "reply", _("Antwort in einer Diskussion, der Sie folgen")
    NEW_TOPIC = "new_topic", _("Neue Diskussion in einem Ihrer Bereiche")
    MODERATION = "moderation", _("Moderation an einem Ihrer Beiträge")
    WORKSHOP_OPEN = "workshop_open", _("Anmeldung zu einer Transferwerkstatt geöffnet")
    WORKSHOP_MOVED_UP = "workshop_moved_up", _("Von der Warteliste nachgerückt")
    WORKSHOP_REMINDER = "workshop_reminder", _("Erinnerung an eine Transferwerkstatt")
    WORKSHOP_MOVED = "workshop_moved", _("Neuer Termin oder Ort einer Transferwerkstatt")
    WORKSHOP_CANCELLED = "workshop_cancelled", _("Transferwerkstatt abgesagt")
    INVITATION_ACCEPTED = "invitation_accepted", _("Einladung angenommen")
    REPORT = "report", _("Neue Meldung zum Bearbeiten")
    CASE_REVIEW = "case_review", _("Fallstudie zur Prüfung")
    CASE_DECISION = "case_decision", _("Entscheidung über Ihre Fallstudie")
    DATA_EXPORT_READY = "data_export_ready", _("Ihre Daten stehen zum Herunterladen bereit")
    BARRIER_REPORT = "barrier_report", _("Neue Meldung einer Barriere")
    SHARE_CONSENT = "share_consent", _("Zustimmung zum Teilen Ihres Beitrags erbeten")
    SHARE_CONFIRM = "share_confirm", _("Vorschlag zum Teilen zu bestätigen")
    SHARE_DONE = "share_done", _("Diskussion mit Zustimmung geteilt")
    CONTACT_REQUEST = "contact_request", _("Frage an Sie als Ansprechperson einer Fallstudie")
    CONTACT_ANSWERED = "contact_answered", _("Antwort oder Absage auf Ihre Kontaktanfrage")
    CONVERSATION_MESSAGE = "conversation_message", _("Neue persönliche Nachricht")
    TRANSFER_RECORDED = "transfer_recorded", _("Eine Kleinstadt übernimmt eine Idee Ihrer Stadt")
    TRANSFER_STATUS_CHANGED = "transfer_status_changed", _("Neuer Stand einer Übertragung")


class Delivery(models.TextChoices):
    IN_APP = "in_app", _("nur hier auf der Plattform")
    IMMEDIATE = "immediate", _("sofort per E-Mail")
    DAILY = "daily", _("tägliche Zusammenfassung")
    WEEKLY = "weekly", _("wöchentliche Zusammenfassung")
    OFF = "off", _("aus")


# Mentions and workshop messages by email at once, new topics in the daily digest.
DEFAULT_DELIVERY: dict[str, str] = {
    NotificationKind.MENTION: Delivery.IMMEDIATE,
    NotificationKind.REPLY: Delivery.DAILY,
    NotificationKind.NEW_TOPIC: Delivery.DAILY,
    NotificationKind.MODERATION: Delivery.IMMEDIATE,
    NotificationKind.WORKSHOP_OPEN: Delivery.IMMEDIATE,
    NotificationKind.WORKSHOP_MOVED_UP: Delivery.IMMEDIATE,
    NotificationKind.WORKSHOP_REMINDER: Delivery.IMMEDIATE,
    NotificationKind.WORKSHOP_MOVED: Delivery.IMMEDIATE,
    NotificationKind.WORKSHOP_CANCELLED: Delivery.IMMEDIATE,
    NotificationKind.INVITATION_ACCEPTED: Delivery.IN_APP,
    NotificationKind.REPORT: Delivery.IMMEDIATE,
    NotificationKind.CASE_REVIEW: Delivery.IMMEDIATE,
    NotificationKind.CASE_DECISION: Delivery.IMMEDIATE,
    NotificationKind.DATA_EXPORT_READY: Delivery.IMMEDIATE,
    NotificationKind.BARRIER_REPORT: Delivery.IMMEDIATE,
    NotificationKind.SHARE_CONSENT: Delivery.IMMEDIATE,
    NotificationKind.SHARE_CONFIRM: Delivery.IMMEDIATE,
    NotificationKind.SHARE_DONE: Delivery.IN_APP,
    # Contact between towns is person to person, like a mention: by email at once (town staff
    # are rarely online). A conversation sends at most one unread notice at a time
    # (forum.services.conversations), so a lively exchange does not flood the inbox.
    NotificationKind.CONTACT_REQUEST: Delivery.IMMEDIATE,
    NotificationKind.CONTACT_ANSWERED: Delivery.IMMEDIATE,
    NotificationKind.CONVERSATION_MESSAGE: Delivery.IMMEDIATE,
    NotificationKind.TRANSFER_RECORDED: Delivery.IMMEDIATE,
    NotificationKind.TRANSFER_STATUS_CHANGED: Delivery.IMMEDIATE,
}


class Notification(models.Model):
    """Something a person should know about, in the app and (by preference) by email.

    The object it is about (post, topic, space, workshop, consortium) is kept as foreign keys, so
    that access can be checked again whenever it is shown or sent.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=300)
    excerpt = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Email bookkeeping: at most one immediate email and one digest entry per notification.
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["recipient", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("forum:notification_open", kwargs={"pk": self.pk})


class NotificationPreference(models.Model):
    """How a person wants one kind of notification; without a row the default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="forum_notification_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.delivery}"


class SpaceNotificationLevel(models.Model):
    """Per space: every post, the person's defaults, or nothing but direct mentions."""

    class Level(models.TextChoices):
        ALL = "all", _("allen Beiträgen folgen")
        DEFAULT = "default", _("Standard")
        MUTE = "mute", _("stumm (nur Erwähnungen)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_notification_levels"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.DEFAULT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "space"], name="forum_space_level_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.space_id} {self.level}"


@register_setting(icon="mail")
class NotificationSettings(BaseGenericSetting):
    """Academy-wide choices about what notification emails may carry."""

    include_post_content = models.BooleanField(
        _("Beitragstext in E-Mails"),
        default=True,
        help_text=_(
            "Aus: E-Mails sagen nur, dass es etwas Neues gibt („Sie haben eine neue Antwort“), "
            "und verlinken darauf – kein Text aus dem Forum verlässt die Plattform."
        ),
    )

    class Meta:
        verbose_name = _("Benachrichtigungen")


class UnreadCount(models.Model):
    """The bell's number per person, kept so that no page counts notifications.

    ``unread`` is the truth while ``counted_generation`` equals ``generation``. Every write that
    may change the number raises ``generation`` in its own transaction
    (``forum.notifications.counter.touch``); the next read counts again and stores the number
    only if no write came in between.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    generation = models.PositiveBigIntegerField(default=1)
    counted_generation = models.PositiveBigIntegerField(default=0)
    unread = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.unread}"
