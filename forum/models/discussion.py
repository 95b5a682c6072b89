"""The forum: spaces, tags, topics, posts with their revisions and attachments, and what people
do with them (helpful marks, subscriptions, read positions, reports, moderation, presence)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..templatetags.dates import abs_datetime
from ..text import VisibleTextModel
from .community import Consortium


def private_storage() -> FileSystemStorage:
    """Attachments live outside MEDIA_ROOT: only a view that checks access ever serves them."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def attachment_path(instance: models.Model, filename: str) -> str:
    """An unguessable path; the original name is kept in the database only."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{extension}"


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
        indexes = [
            models.Index(fields=["space", "-is_pinned", "-last_activity_at"]),
            # „Neu für mich“ walks all readable topics newest first.
            models.Index(fields=["last_activity_at", "id"], name="topic_newest_activity"),
        ]

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
    # Set on a copy made by sharing with consent: the post it was copied from.
    shared_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="shared_copies"
    )

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
        return f"Fassung von #{self.post_id} ({abs_datetime(self.created_at)})"


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
