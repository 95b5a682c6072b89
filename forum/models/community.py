"""Community: towns, consortia, their phases, memberships, profiles and invitations."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from ..text import VisibleTextModel


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


class AreaType(models.TextChoices):
    """Where a town lies, after the BBSR's settlement-structure district types."""

    URBAN = "urban", _("städtisch")
    SEMI_RURAL = "semi_rural", _("ländlich mit Verdichtungsansätzen")
    RURAL = "rural", _("dünn besiedelt ländlich")


class Town(VisibleTextModel, models.Model):
    """A small town and its facts: the Steckbrief of a town reads them from here, never twice."""

    line_fields = ("name",)

    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(_("Kurzname"), max_length=120, unique=True)
    state = models.CharField(_("Bundesland"), max_length=2, choices=State.choices)
    population = models.PositiveIntegerField(_("Einwohnerzahl"))
    area_type = models.CharField(_("Raumtyp"), max_length=12, choices=AreaType.choices, blank=True)
    # WGS84, for "distance from my town" in the peer finder; empty when not known.
    latitude = models.DecimalField(
        _("Breitengrad"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("Längengrad"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    challenges = models.ManyToManyField(
        "forum.Challenge",
        verbose_name=_("Handlungsfelder"),
        blank=True,
        related_name="towns",
        help_text=_("Woran die Kleinstadt arbeitet."),
    )
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
    # The person's own consent: only then may a case page name them as its contact person.
    accepts_contact_requests = models.BooleanField(
        _("Ansprechperson für Fallstudien"),
        default=False,
        help_text=_(
            "Andere Mitglieder der Akademie dürfen Ihnen über die Plattform Fragen zu den "
            "Fallstudien Ihrer Kleinstadt stellen. Ihre E-Mail-Adresse sieht dabei niemand."
        ),
    )

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
