"""Community model: towns, consortia, their phases, memberships, profiles and invitations."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .text import VisibleTextModel


def private_storage() -> FileSystemStorage:
    """Attachments live outside MEDIA_ROOT: only a view that checks access ever serves them."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def attachment_path(instance: models.Model, filename: str) -> str:
    """An unguessable path; the original name is kept in the database only."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{extension}"


class State(models.TextChoices):
    BADEN_WUERTTEMBERG = "BW", "Baden-Württemberg"
    BAYERN = "BY", "Bayern"
    BERLIN = "BE", "Berlin"
    BRANDENBURG = "BB", "Brandenburg"
    BREMEN = "HB", "Bremen"
    HAMBURG = "HH", "Hamburg"
    HESSEN = "HE", "Hessen"
    MECKLENBURG_VORPOMMERN = "MV", "Mecklenburg-Vorpommern"
    NIEDERSACHSEN = "NI", "Niedersachsen"
    NORDRHEIN_WESTFALEN = "NW", "Nordrhein-Westfalen"
    RHEINLAND_PFALZ = "RP", "Rheinland-Pfalz"
    SAARLAND = "SL", "Saarland"
    SACHSEN = "SN", "Sachsen"
    SACHSEN_ANHALT = "ST", "Sachsen-Anhalt"
    SCHLESWIG_HOLSTEIN = "SH", "Schleswig-Holstein"
    THUERINGEN = "TH", "Thüringen"


class Town(VisibleTextModel, models.Model):
    line_fields = ("name",)

    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(_("Kurzname"), max_length=120, unique=True)
    state = models.CharField(_("Bundesland"), max_length=2, choices=State.choices)
    population = models.PositiveIntegerField(_("Einwohnerzahl"))
    description = models.TextField(_("Kurzbeschreibung"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Kleinstadt")
        verbose_name_plural = _("Kleinstädte")

    def __str__(self) -> str:
        return self.name


class Consortium(VisibleTextModel, ClusterableModel):
    line_fields = ("name", "theme")

    name = models.CharField(_("Name"), max_length=160)
    slug = models.SlugField(_("Kurzname"), max_length=160, unique=True)
    theme = models.CharField(_("Themenfeld"), max_length=160)
    lead_town = models.ForeignKey(
        Town, verbose_name=_("Leitkommune"), on_delete=models.PROTECT, related_name="led_consortia"
    )
    towns = ParentalManyToManyField(Town, verbose_name=_("Kleinstädte"), related_name="consortia")
    start = models.DateField(_("Beginn"))
    end = models.DateField(_("Ende"))
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Verbund")
        verbose_name_plural = _("Verbünde")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="consortium_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:consortium", kwargs={"slug": self.slug})

    def own_towns(self) -> models.QuerySet[Town]:
        """The consortium's towns as a plain queryset, for choices and membership checks.

        ``self.towns`` is modelcluster's deferring manager: once the towns are prefetched, its
        ``filter()``, ``order_by()`` and ``exists()`` answer for every town in the database.
        """
        return Town.objects.filter(consortia=self)


class Phase(models.Model):
    class Kind(models.TextChoices):
        EXPLORATION = "exploration", _("Erkundung")
        CONSOLIDATION = "consolidation", _("Verdichtung")
        TRANSFER = "transfer", _("Transfer")

    consortium = ParentalKey(
        Consortium, verbose_name=_("Verbund"), on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField(_("Phase"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("Beginn"))
    end = models.DateField(_("Ende"))

    class Meta:
        ordering = ["consortium", "start"]
        verbose_name = _("Phase")
        verbose_name_plural = _("Phasen")
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "kind"], name="phase_once_per_consortium"
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="phase_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.consortium})"

    @property
    def is_current(self) -> bool:
        return self.start <= timezone.localdate() <= self.end


class Role(models.TextChoices):
    MEMBER = "member", _("Mitglied")
    COACH = "coach", _("Kleinstadtpate/-patin")
    CORE_TEAM = "core_team", _("Kernteam")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    consortium = models.ForeignKey(
        Consortium, verbose_name=_("Verbund"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("Beigetreten am"), default=timezone.now)

    class Meta:
        ordering = ["consortium", "user"]
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "consortium"], name="membership_once_per_consortium"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.consortium} ({self.get_role_display()})"


def display_name(user: Any) -> str:
    """How a person is named everywhere: the profile's display name, else the username."""
    profile = getattr(user, "profile", None)
    return profile.display_name if profile else user.get_username()


class Profile(VisibleTextModel, models.Model):
    line_fields = ("display_name", "function")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("Anzeigename"), max_length=120)
    town = models.ForeignKey(
        Town,
        verbose_name=_("Kleinstadt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("Leer lassen für Kleinstadtpaten, Kernteam und Akademie."),
    )
    function = models.CharField(_("Funktion"), max_length=160, blank=True)
    bio = models.TextField(_("Kurzvorstellung"), max_length=1000, blank=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("Profil")
        verbose_name_plural = pgettext_lazy("plural", "Profile")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("forum:profile", kwargs={"user_id": self.user_id})


def hash_invitation_token(token: str) -> str:
    """Only the hash is stored, so a database dump holds no usable invitation links."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Offen")
        ACCEPTED = "accepted", _("Angenommen")
        REVOKED = "revoked", _("Zurückgezogen")
        EXPIRED = "expired", _("Abgelaufen")

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("Verbund"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    town = models.ForeignKey(
        Town, verbose_name=_("Kleinstadt"), on_delete=models.SET_NULL, null=True, blank=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Eingeladen von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("Erstellt am"), default=timezone.now)
    sent_at = models.DateTimeField(_("Gesendet am"), default=timezone.now)
    expires_at = models.DateTimeField(_("Gültig bis"))
    accepted_at = models.DateTimeField(_("Angenommen am"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("Zurückgezogen am"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        indexes = [models.Index(fields=["consortium", "accepted_at", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.consortium}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class Space(VisibleTextModel, models.Model):
    """A forum area: closed to one consortium, or academy-wide when ``consortium`` is empty."""

    line_fields = ("name",)

    consortium = models.ForeignKey(
        Consortium,
        verbose_name=_("Verbund"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="spaces",
        help_text=_("Leer lassen für einen akademieweiten Bereich."),
    )
    name = models.CharField(_("Name"), max_length=160)
    slug = models.SlugField(_("Kurzname"), max_length=160, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["consortium__name", "name"]
        verbose_name = _("Forumsbereich")
        verbose_name_plural = _("Forumsbereiche")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:space", kwargs={"slug": self.slug})

    @property
    def is_academy_wide(self) -> bool:
        return self.consortium_id is None


class Tag(VisibleTextModel, models.Model):
    """A theme a topic is about (Co-Working, Befragung, Leerstand …), shared by all spaces."""

    line_fields = ("name",)

    name = models.CharField(_("Name"), max_length=60, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("Titel"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="topics"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("Themen"), blank=True, related_name="topics")
    created_at = models.DateTimeField(default=timezone.now)
    # Denormalised for the topic list: kept current by the services that add posts.
    last_activity_at = models.DateTimeField(default=timezone.now)
    last_post = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0)
    is_pinned = models.BooleanField(_("angeheftet"), default=False)
    is_locked = models.BooleanField(_("gesperrt"), default=False)
    is_lesson = models.BooleanField(_("Erkenntnis"), default=False)

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at"]
        verbose_name = _("Thema (Diskussion)")
        verbose_name_plural = _("Diskussionen")
        indexes = [models.Index(fields=["space", "-is_pinned", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:topic", kwargs={"pk": self.pk})


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(_("Text"))
    body_html = models.TextField(editable=False)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"], name="post_once_per_idempotency_key"
            )
        ]
        indexes = [
            models.Index(fields=["topic", "id"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} in {self.topic_id}"

    def get_absolute_url(self) -> str:
        return reverse("forum:post", kwargs={"pk": self.pk})

    @property
    def version(self) -> str:
        """Changes with every saved edit: the optimistic check of the edit form."""
        return (self.edited_at or self.created_at).isoformat()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostRevision(models.Model):
    """An earlier version of a post, kept on every edit."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self) -> str:
        return f"Fassung von #{self.post_id} ({self.created_at:%d.%m.%Y %H:%M})"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path)
    thumbnail = models.FileField(storage=private_storage, upload_to=attachment_path, blank=True)
    original_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("forum:attachment", kwargs={"pk": self.pk})

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class HelpfulMark(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="helpful_marks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_marks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="helpful_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → #{self.post_id}"


class Subscription(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="subscription_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.topic_id}"


class ReadState(models.Model):
    """How far a user has read a topic: the highest post id they were shown."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states"
    )
    last_read_post_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="read_state_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.topic_id}: {self.last_read_post_id}"


class Report(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    reason = models.CharField(_("Grund"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(_("Ergebnis"), max_length=500, blank=True)

    class Meta:
        ordering = ["handled_at", "-created_at"]
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")

    def __str__(self) -> str:
        return f"Meldung zu #{self.post_id}"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None


class ModerationLogEntry(models.Model):
    class Action(models.TextChoices):
        HIDE = "hide", _("Beitrag ausgeblendet")
        RESTORE = "restore", _("Beitrag wieder eingeblendet")
        LOCK = "lock", _("Diskussion gesperrt")
        UNLOCK = "unlock", _("Diskussion entsperrt")
        PIN = "pin", _("Diskussion angeheftet")
        UNPIN = "unpin", _("Diskussion gelöst")
        MOVE = "move", _("Diskussion verschoben")
        HANDLE_REPORT = "handle_report", _("Meldung bearbeitet")
        REMOVE_MEMBER = "remove_member", _("Mitglied entfernt")

    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation_log"
    )
    space = models.ForeignKey(Space, on_delete=models.SET_NULL, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True)
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["consortium", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.subject}"


class TopicPresence(models.Model):
    """One open socket reading a topic; rows older than a few heartbeats count as gone."""

    channel_name = models.CharField(max_length=200, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["topic", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} liest {self.topic_id}"


# --- Notifications --------------------------------------------------------------------------


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


# --- Background work --------------------------------------------------------------------------


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life (``manage.py run_task_worker``), written every few seconds
    while it runs, during long tasks too. ``requeue_stuck_tasks`` gives a running task back to
    the queue only when the worker that claimed it stopped beating (or has started anew since)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


# --- Live streams -----------------------------------------------------------------------------


class StreamHead(models.Model):
    """The last position handed out on a stream (``forum.events``): positions of one stream are
    1, 2, 3, … without holes, so a socket that sees 7 after 5 knows it missed 6."""

    stream = models.CharField(max_length=64, primary_key=True)
    position = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.stream}@{self.position}"


class StreamEvent(models.Model):
    """A positioned event of a topic, space or workshop stream, written in the transaction of
    the change it reports, so a socket that missed it is given it again, in order. Pruned after
    ``STREAM_EVENT_DAYS`` (``manage.py prune_stream_events``); older gaps reload the page."""

    stream = models.CharField(max_length=64)
    position = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stream", "position"], name="stream_event_position")
        ]

    def __str__(self) -> str:
        return f"{self.stream}@{self.position} {self.kind}"


# --- Outgoing email ---------------------------------------------------------------------------


class OutgoingEmail(models.Model):
    """An email written in the transaction of the change it reports, sent by a task
    (``forum.mail.send_outgoing_email``): retried while the mail server fails, and recorded as
    sent in the transaction that ends right after the server accepted it, so a task run twice
    sends it once. The content is dropped once it has left or been given up (invitations and
    password resets carry sign-in links); the row keeps what left when, for whom.
    Notification emails keep their own record (``Notification.emailed_at``) because they
    re-check access when they are sent; everything else leaves through here."""

    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    from_email = models.CharField(max_length=254, blank=True)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=998)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "failed_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
