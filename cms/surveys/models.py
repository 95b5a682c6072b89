"""Models of the citizen surveys (Bürgerbefragungen); ``cms.models`` imports them so Django
registers them.

A survey belongs to a consortium and one of its towns. Its questions may come from the
academy-wide template library: a question made from a template keeps the template and its
options keep the template's option keys, so the answers of every town that asked it can be set
side by side. Answers are anonymous: a response row holds the day it came in and nothing about
who sent it; a contact address, when a survey asks for one, is stored apart and not linked.
Every write goes through ``cms.surveys.services``.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forum.text import VisibleTextModel

# Characters of public ids and one-time codes: no 0/O, 1/l/I, so a printed code is read right.
UNAMBIGUOUS = "abcdefghjkmnpqrstuvwxyz23456789"
PUBLIC_ID_LENGTH = 10
CODE_LENGTH = 8
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
OTHER_TEXT_MAX = 200
CONTACT_MAX = 300
# Scale questions run from 1 to 5 (labels at both ends come from the question's help text).
SCALE = range(1, 6)


def random_token(length: int) -> str:
    return "".join(secrets.choice(UNAMBIGUOUS) for _ in range(length))


def new_public_id() -> str:
    return random_token(PUBLIC_ID_LENGTH)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Einfachauswahl")
    MULTIPLE = "multiple", _("Mehrfachauswahl")
    SCALE = "scale", _("Skala von 1 bis 5")
    NUMBER = "number", _("Zahl")
    SHORT_TEXT = "short_text", _("Kurzer Text")
    LONG_TEXT = "long_text", _("Langer Text")

    @classmethod
    def with_options(cls) -> set[str]:
        return {cls.SINGLE, cls.MULTIPLE}

    @classmethod
    def with_text(cls) -> set[str]:
        return {cls.SHORT_TEXT, cls.LONG_TEXT}

    @classmethod
    def charted(cls) -> set[str]:
        """Kinds whose answers are counted and drawn (free text is listed, not charted)."""
        return {cls.SINGLE, cls.MULTIPLE, cls.SCALE, cls.NUMBER}


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    OPEN = "open", _("Offen")
    CLOSED = "closed", _("Beendet")


class ResultsRelease(models.TextChoices):
    """Who beyond the survey's consortium sees its results (charted questions only)."""

    CONSORTIUM = "consortium", _("Nur der Verbund")
    ACADEMY = "academy", _("Die Akademie (Vergleich mit anderen Kleinstädten)")
    PUBLIC = "public", _("Öffentlich (auch auf Fallstudien)")


class TemplateTopic(models.TextChoices):
    DAILY_WORK = "daily_work", _("Arbeitsalltag")
    COMMUTING = "commuting", _("Pendeln")
    REMOTE_WORK = "remote_work", _("Mobiles Arbeiten")
    COWORKING = "coworking", _("Co-Working")
    WISHES = "wishes", _("Wünsche an die Stadt")
    ABOUT = "about", _("Angaben zur Person")


class QuestionTemplate(VisibleTextModel, models.Model):
    """A question of the academy-wide library. ``key`` and the option keys are what surveys are
    compared by, so they never change once a survey used the template."""

    line_fields = ("text", "text_en")
    text_block_fields = ("help_text", "help_text_en")

    key = models.SlugField(_("Kennung"), max_length=60, unique=True)
    topic = models.CharField(_("Thema"), max_length=20, choices=TemplateTopic.choices)
    kind = models.CharField(_("Art"), max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("Frage"), max_length=300)
    text_en = models.CharField(_("Frage (Englisch)"), max_length=300, blank=True)
    help_text = models.TextField(_("Hinweis"), blank=True)
    help_text_en = models.TextField(_("Hinweis (Englisch)"), blank=True)
    # [{"key": "auto", "label": "Auto", "label_en": "Car"}, …] for single and multiple choice.
    options = models.JSONField(_("Antwortmöglichkeiten"), default=list, blank=True)
    has_other = models.BooleanField(_("„Sonstiges“ mit Freitext"), default=False)
    min_value = models.IntegerField(_("Kleinster Wert"), null=True, blank=True)
    max_value = models.IntegerField(_("Größter Wert"), null=True, blank=True)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        ordering = ["topic", "position", "pk"]
        verbose_name = _("Fragevorlage")
        verbose_name_plural = _("Fragevorlagen")

    def __str__(self) -> str:
        return self.text


class Survey(VisibleTextModel, models.Model):
    line_fields = ("title", "title_en")
    text_block_fields = ("intro", "intro_en", "privacy_note", "privacy_note_en", "contact_prompt")

    consortium = models.ForeignKey(
        "forum.Consortium",
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("Verbund"),
    )
    town = models.ForeignKey(
        "forum.Town",
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("Kleinstadt"),
    )
    # The public link's part: random, so drafts cannot be found by counting.
    public_id = models.CharField(max_length=20, unique=True, default=new_public_id, editable=False)
    title = models.CharField(_("Titel"), max_length=200)
    title_en = models.CharField(_("Titel (Englisch)"), max_length=200, blank=True)
    intro = models.TextField(_("Einleitung"), blank=True)
    intro_en = models.TextField(_("Einleitung (Englisch)"), blank=True)
    privacy_note = models.TextField(_("Hinweis zum Datenschutz"))
    privacy_note_en = models.TextField(_("Hinweis zum Datenschutz (Englisch)"), blank=True)
    has_english = models.BooleanField(_("Englische Fassung anbieten"), default=False)
    opens_on = models.DateField(_("Offen ab"), null=True, blank=True)
    closes_on = models.DateField(_("Offen bis einschließlich"), null=True, blank=True)
    status = models.CharField(
        _("Stand"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    asks_contact = models.BooleanField(_("Nach Kontaktdaten fragen (freiwillig)"), default=False)
    contact_prompt = models.TextField(_("Frage nach Kontaktdaten"), blank=True)
    requires_code = models.BooleanField(
        _("Nur mit Einmal-Code (geschlossene Gruppe)"), default=False
    )
    results_release = models.CharField(
        _("Ergebnisse sichtbar für"),
        max_length=12,
        choices=ResultsRelease.choices,
        default=ResultsRelease.CONSORTIUM,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Bürgerbefragung")
        verbose_name_plural = _("Bürgerbefragungen")
        indexes = [models.Index(fields=["consortium", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(opens_on__lte=models.F("closes_on")),
                name="survey_opens_before_it_closes",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cms:survey_detail", kwargs={"pk": self.pk})

    def get_public_url(self) -> str:
        return reverse("cms:survey_answer", kwargs={"public_id": self.public_id})

    def accepts_answers(self, today: date | None = None) -> bool:
        """Open, and today within its dates (the closing day included)."""
        today = today or timezone.localdate()
        return (
            self.status == SurveyStatus.OPEN
            and (self.opens_on is None or today >= self.opens_on)
            and (self.closes_on is None or today <= self.closes_on)
        )

    @property
    def in_english(self) -> bool:
        """Shown in English: the visitor's language is English and the survey has that
        version."""
        return self.has_english and (get_language() or "").startswith("en")

    def shown(self, field: str) -> str:
        """``field`` in the language the public form is shown in."""
        english = getattr(self, f"{field}_en", "") if self.in_english else ""
        return english or getattr(self, field)


class Question(VisibleTextModel, models.Model):
    line_fields = ("text", "text_en")
    text_block_fields = ("help_text", "help_text_en")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("Art"), max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("Frage"), max_length=300)
    text_en = models.CharField(_("Frage (Englisch)"), max_length=300, blank=True)
    help_text = models.TextField(_("Hinweis"), blank=True)
    help_text_en = models.TextField(_("Hinweis (Englisch)"), blank=True)
    required = models.BooleanField(_("Pflichtfrage"), default=False)
    has_other = models.BooleanField(_("„Sonstiges“ mit Freitext"), default=False)
    min_value = models.IntegerField(_("Kleinster Wert"), null=True, blank=True)
    max_value = models.IntegerField(_("Größter Wert"), null=True, blank=True)
    template = models.ForeignKey(
        QuestionTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("Vorlage"),
    )
    # Skip logic: asked only if the answer to an earlier single or multiple choice question
    # ``show_if`` includes one of the options ``show_if_keys``.
    show_if = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Nur fragen, wenn Frage"),
    )
    show_if_keys = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["survey", "position", "pk"]
        verbose_name = _("Frage")
        verbose_name_plural = _("Fragen")
        indexes = [models.Index(fields=["template"])]

    def __str__(self) -> str:
        return self.text

    def shown(self, field: str) -> str:
        english = getattr(self, f"{field}_en", "") if self.survey.in_english else ""
        return english or getattr(self, field)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(default=0)
    # Unique within the question; a template's option keeps the template's key.
    key = models.SlugField(max_length=60)
    label = models.CharField(_("Antwort"), max_length=200)
    label_en = models.CharField(_("Antwort (Englisch)"), max_length=200, blank=True)

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("Antwortmöglichkeit")
        verbose_name_plural = _("Antwortmöglichkeiten")
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="survey_option_key_once")
        ]

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    """One submitted form. ``submission`` is the random id the form carried: a form sent twice
    (double click, resend) is stored once. Nothing about the sender is kept."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submission = models.UUIDField(default=uuid.uuid4)
    submitted_on = models.DateField(default=timezone.localdate)
    in_english = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Antwortbogen")
        verbose_name_plural = _("Antwortbögen")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "submission"], name="survey_response_stored_once"
            )
        ]
        indexes = [models.Index(fields=["survey", "submitted_on"])]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.submitted_on}"


class Answer(models.Model):
    """One answer of a response: a chosen option (one row per option of a multiple choice),
    "other" with its text, a number (scale and number questions) or a text."""

    # Both foreign keys lead an index below: indexes of their own would only slow every stored
    # response.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    is_other = models.BooleanField(default=False)
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)
    # Moderation of free text (an answer that names a person): hidden everywhere but in the
    # moderation list, and left out of exports.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = _("Antworten")
        indexes = [
            # The results count choices, and who chose, from the index alone (PostgreSQL:
            # an index-only scan, about four times faster at 10,000 responses than reading
            # the rows).
            models.Index(
                fields=["question", "option", "is_other"],
                include=["response"],
                name="survey_answer_choices",
            ),
            models.Index(
                fields=["question", "number"],
                condition=models.Q(number__isnull=False),
                name="survey_answer_numbers",
            ),
            models.Index(fields=["response", "question"]),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class ContactDetail(models.Model):
    """A contact address someone left voluntarily, stored apart from the answers: no link to
    their response, and only the day it came in."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="contacts")
    text = models.CharField(max_length=CONTACT_MAX)
    given_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("Kontaktangabe")
        verbose_name_plural = _("Kontaktangaben")

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.given_on}"


class AccessCode(models.Model):
    """A printed one-time code of a survey for a closed group; used once, then refused. The
    response does not record which code it used."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=CODE_LENGTH)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Einmal-Code")
        verbose_name_plural = _("Einmal-Codes")
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="survey_code_once")]

    def __str__(self) -> str:
        return self.code
