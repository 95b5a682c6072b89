"""Transferwerkstätten: 24-hour meetings of a consortium, hosted by its towns in rotation."""

from __future__ import annotations

import secrets
import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forum.models import private_storage
from forum.text import VisibleTextModel


class Workshop(VisibleTextModel, models.Model):
    line_fields = ("title", "venue_name")
    text_block_fields = ("venue_address",)

    class Status(models.TextChoices):
        PLANNED = "planned", _("in Planung")
        OPEN = "open", _("Anmeldung offen")
        CLOSED = "closed", _("Anmeldung geschlossen")
        HELD = "held", _("stattgefunden")
        CANCELLED = "cancelled", _("abgesagt")

    consortium = models.ForeignKey(
        "forum.Consortium",
        on_delete=models.CASCADE,
        related_name="workshops",
        verbose_name=_("Verbund"),
    )
    host_town = models.ForeignKey(
        "forum.Town",
        on_delete=models.PROTECT,
        related_name="hosted_workshops",
        verbose_name=_("Gastgebende Kleinstadt"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    venue_name = models.CharField(_("Veranstaltungsort"), max_length=200)
    venue_address = models.TextField(_("Adresse"), max_length=500)
    directions = models.TextField(
        _("Anreise"), blank=True, max_length=3000, help_text=_("Bahn, Parken, Treffpunkt.")
    )
    description = models.TextField(_("Beschreibung"), blank=True, max_length=5000)
    capacity = models.PositiveIntegerField(_("Plätze"))
    registration_deadline = models.DateTimeField(_("Anmeldeschluss"))
    seats_per_town = models.PositiveIntegerField(
        _("Plätze je Kleinstadt"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, wenn es keine Begrenzung je Kleinstadt gibt."),
    )
    status = models.CharField(
        _("Stand"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    announce_publicly = models.BooleanField(
        _("Öffentlich ankündigen"),
        default=False,
        help_text=_(
            "Titel, Kleinstadt und Datum erscheinen auf der öffentlichen Seite "
            "„Transferwerkstätten“; alles andere bleibt im Verbund."
        ),
    )
    discussion = models.OneToOneField(
        "forum.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop",
    )
    protocol = models.TextField(_("Protokoll"), blank=True, max_length=50_000)
    protocol_html = models.TextField(blank=True, editable=False)
    documented_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # iCalendar revision: calendars replace their copy only when SEQUENCE grows.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Transferwerkstatt")
        verbose_name_plural = _("Transferwerkstätten")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["consortium", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="workshop_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="workshop_has_seats"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", kwargs={"slug": self.consortium.slug, "pk": self.pk})

    @property
    def version(self) -> str:
        """Changes with every saved change (``updated_at``): the optimistic check of the edit
        and agenda forms."""
        return self.updated_at.isoformat()

    @property
    def is_registration_open(self) -> bool:
        return self.status == self.Status.OPEN and timezone.now() <= self.registration_deadline


class AgendaItem(VisibleTextModel, models.Model):
    line_fields = ("title", "speaker")

    class Kind(models.TextChoices):
        ARRIVAL = "arrival", _("Ankommen")
        TOWN_WALK = "town_walk", _("Stadtrundgang")
        EXPERT_INPUT = "expert_input", _("Input von Fachleuten")
        DINNER = "dinner", _("Gemeinsames Abendessen")
        WORK_SESSION = "work_session", _("Arbeitsphase")
        ROADMAP = "roadmap", _("Fahrplan")
        DEPARTURE = "departure", _("Abreise")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agenda")
    day = models.PositiveSmallIntegerField(pgettext_lazy("day of a workshop", "Tag"), default=1)
    start = models.TimeField(_("Uhrzeit"))
    title = models.CharField(_("Programmpunkt"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    speaker = models.CharField(_("Mit"), max_length=200, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("Programmpunkt")
        verbose_name_plural = _("Programm")
        ordering = ["day", "start", "pk"]

    def __str__(self) -> str:
        return f"{self.day}/{self.start:%H:%M} {self.title}"


# The report's 24-hour format: arrive by early afternoon, town walk, input from local experts,
# dinner together; next morning a compact work session ending with a roadmap; home the same day.
AGENDA_TEMPLATE: list[tuple[int, time, str, str]] = [
    (1, time(13, 0), AgendaItem.Kind.ARRIVAL, _("Ankommen und Begrüßung")),
    (1, time(13, 30), AgendaItem.Kind.TOWN_WALK, _("Rundgang durch die Kleinstadt")),
    (1, time(15, 30), AgendaItem.Kind.EXPERT_INPUT, _("Input von Fachleuten aus dem Ort")),
    (1, time(19, 0), AgendaItem.Kind.DINNER, _("Gemeinsames Abendessen")),
    (2, time(9, 0), AgendaItem.Kind.WORK_SESSION, _("Arbeitsphase: Stand der Labore")),
    (2, time(11, 30), AgendaItem.Kind.ROADMAP, _("Fahrplan für die nächsten Wochen")),
    (2, time(13, 0), AgendaItem.Kind.DEPARTURE, _("Abschluss und Abreise")),
]


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("angemeldet")
        WAITLISTED = "waitlisted", _("auf der Warteliste")
        DECLINED = "declined", _("abgesagt")

    class Arrival(models.TextChoices):
        TRAIN = "train", _("mit der Bahn")
        CAR = "car", _("mit dem Auto")
        OTHER = "other", _("anders")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_registrations"
    )
    # The town the seat counts for (quota), as it was when the person registered.
    town = models.ForeignKey(
        "forum.Town", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    needs_overnight_stay = models.BooleanField(_("Übernachtung nötig"), default=False)
    dietary_needs = models.CharField(_("Ernährung"), max_length=200, blank=True)
    arrival = models.CharField(
        _("Anreise"), max_length=10, choices=Arrival.choices, default=Arrival.TRAIN
    )
    remarks = models.TextField(_("Anmerkungen"), blank=True, max_length=1000)
    queued_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="workshops_registration_once")
        ]
        indexes = [models.Index(fields=["workshop", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.workshop}"


class RoadmapItem(VisibleTextModel, models.Model):
    """One line of the "Fahrplan" agreed at the workshop."""

    line_fields = ("what", "who")

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        IN_PROGRESS = "in_progress", _("in Arbeit")
        DONE = "done", _("erledigt")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="roadmap")
    what = models.CharField(_("Was"), max_length=300)
    who = models.CharField(_("Wer"), max_length=200)
    due = models.DateField(_("Bis wann"), null=True, blank=True)
    status = models.CharField(
        _("Stand"), max_length=12, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        verbose_name = _("Fahrplan-Eintrag")
        verbose_name_plural = _("Fahrplan")
        # Undated items last on every database (PostgreSQL and SQLite sort NULL differently).
        ordering = [models.F("due").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.what


class IdeaCard(VisibleTextModel, models.Model):
    """A card on the workshop's live idea board; grouped by a free label, kept as documentation."""

    line_fields = ("group",)
    text_block_fields = ("text",)

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("Idee"), max_length=500)
    group = models.CharField(_("Gruppe"), max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Ideenkarte")
        verbose_name_plural = _("Ideenwand")
        ordering = ["group", "created_at", "pk"]
        indexes = [models.Index(fields=["workshop", "group"])]

    def __str__(self) -> str:
        return self.text[:60]


def workshop_file_path(instance: models.Model, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"workshops/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{extension}"


class WorkshopFile(VisibleTextModel, models.Model):
    """Photos and files of the documentation, private to the consortium."""

    line_fields = ("caption",)

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=private_storage, upload_to=workshop_file_path)
    thumbnail = models.FileField(storage=private_storage, upload_to=workshop_file_path, blank=True)
    original_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("Beschreibung"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("workshops:file", kwargs={"pk": self.pk})

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a person's "my workshops" calendar; a new token revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_calendar"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user}"

    def get_absolute_url(self) -> str:
        return reverse("workshops:calendar_feed", kwargs={"token": self.token})
