"""The survey itself: create, edit, delete, its state, the release of its results, one-time
codes; and the checks every write of a survey's parts shares."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.models import Consortium, Town
from forum.rules import allowed

from ....rules import towns_acted_for
from ...models import CODE_LENGTH, AccessCode, ResultsRelease, Survey, SurveyStatus, random_token

MAX_CODES = 500


# What the privacy note says unless the town writes its own.
DEFAULT_PRIVACY_NOTE = (
    "Die Befragung ist anonym. Wir speichern keine IP-Adresse und nichts, was Sie erkennbar "
    "macht. Ihre Antworten werden nicht mit Kontaktdaten verknüpft: Geben Sie freiwillig "
    "Kontaktdaten an, speichern wir sie getrennt von Ihren Antworten. Die Antworten liegen auf "
    "dem Server der Kleinstadtakademie und werden nur ausgewertet, nicht weitergegeben."
)


SURVEY_TEXT_FIELDS = (
    "title",
    "title_en",
    "intro",
    "intro_en",
    "privacy_note",
    "privacy_note_en",
    "has_english",
    "opens_on",
    "closes_on",
    "asks_contact",
    "contact_prompt",
    "requires_code",
)


def require(actor: Any, permission: str, obj: Any = None) -> None:
    if not allowed(actor, permission, obj):
        raise PermissionDenied


def answered_message() -> str:
    return _(
        "Diese Befragung hat schon Antworten. Ihre Fragen und Antwortmöglichkeiten lassen sich "
        "deshalb nicht mehr ändern: Die Antworten würden sonst nicht mehr zu den Fragen passen. "
        "Titel, Texte und Daten können Sie weiter bearbeiten. Für geänderte Fragen legen Sie "
        "bitte eine Kopie an."
    )


def refuse_if_answered(survey: Survey) -> None:
    """Refuse to change questions once a response exists. The survey's row stays locked to the
    end of the caller's transaction: a response being stored holds a key-share lock on it, so
    this waits for that response's commit and then sees it (the public form keeps the
    questions of answered surveys in memory, ``selectors.questions_for_answering``)."""
    Survey.objects.select_for_update().filter(pk=survey.pk).exists()
    if survey.responses.exists():
        raise ValidationError(answered_message(), code="answered")


def _check_survey(survey: Survey) -> None:
    errors: dict[str, list[str]] = {}
    if survey.opens_on and survey.closes_on and survey.closes_on < survey.opens_on:
        errors.setdefault("closes_on", []).append(
            _("Das Ende liegt vor dem Beginn. Bitte wählen Sie einen Tag ab dem ersten Tag.")
        )
    if survey.has_english:
        for field in ("title_en", "privacy_note_en"):
            if not getattr(survey, field).strip():
                errors.setdefault(field, []).append(_("Für die englische Fassung bitte ausfüllen."))
        if survey.intro.strip() and not survey.intro_en.strip():
            errors.setdefault("intro_en", []).append(
                _("Für die englische Fassung bitte ausfüllen.")
            )
    if survey.asks_contact and not survey.contact_prompt.strip():
        errors.setdefault("contact_prompt", []).append(
            _("Bitte schreiben Sie, wonach Sie fragen und wozu, z. B. „E-Mail für Rückfragen“.")
        )
    if errors:
        raise ValidationError(errors)
    survey.full_clean(exclude=["consortium", "town", "created_by", "copied_from"])


@transaction.atomic
def create_survey(*, actor: Any, town: Town, consortium: Consortium, **texts: Any) -> Survey:
    """A new draft of ``town`` in ``consortium``; ``texts`` are fields of
    ``SURVEY_TEXT_FIELDS``."""
    require(actor, "cms.create_survey")
    if (town.pk, consortium.pk) not in towns_acted_for(actor):
        raise ValidationError(
            {
                "town": _(
                    "Für diese Kleinstadt in diesem Verbund dürfen Sie keine Befragung anlegen."
                )
            }
        )
    unknown = set(texts) - set(SURVEY_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown survey fields: {sorted(unknown)}")
    survey = Survey(town=town, consortium=consortium, created_by=actor, **texts)
    _check_survey(survey)
    survey.save()
    return survey


@transaction.atomic
def update_survey(*, actor: Any, survey: Survey, **texts: Any) -> Survey:
    """Texts, dates and settings; allowed while answers exist (they do not change what was
    asked)."""
    require(actor, "cms.run_survey", survey)
    unknown = set(texts) - set(SURVEY_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown survey fields: {sorted(unknown)}")
    for field, value in texts.items():
        setattr(survey, field, value)
    _check_survey(survey)
    survey.save()
    return survey


@transaction.atomic
def delete_survey(*, actor: Any, survey: Survey) -> None:
    require(actor, "cms.run_survey", survey)
    if survey.status != SurveyStatus.DRAFT or survey.responses.exists():
        raise ValidationError(
            _(
                "Nur Entwürfe ohne Antworten lassen sich löschen. Beenden Sie die Befragung "
                "stattdessen."
            )
        )
    survey.delete()


@transaction.atomic
def change_status(*, actor: Any, survey: Survey, status: str, today: date | None = None) -> Survey:
    """Draft → open (needs a question), open → closed, closed → open again while its closing
    day has not passed."""
    require(actor, "cms.run_survey", survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    today = today or timezone.localdate()
    now = timezone.now()
    if status == SurveyStatus.OPEN and survey.status in (SurveyStatus.DRAFT, SurveyStatus.CLOSED):
        if not survey.questions.exists():
            raise ValidationError(
                _("Eine Befragung braucht mindestens eine Frage, bevor sie öffnet.")
            )
        if survey.closes_on and survey.closes_on < today:
            raise ValidationError(
                _(
                    "Der letzte Tag der Befragung ist vorbei. Verlängern Sie zuerst den Zeitraum "
                    "(„Bearbeiten“), dann lässt sie sich wieder öffnen."
                )
            )
        survey.status, survey.opened_at, survey.closed_at = SurveyStatus.OPEN, now, None
    elif status == SurveyStatus.CLOSED and survey.status == SurveyStatus.OPEN:
        survey.status, survey.closed_at = SurveyStatus.CLOSED, now
    else:
        raise ValidationError(_("Dieser Schritt ist im jetzigen Stand nicht möglich."))
    survey.save(update_fields=["status", "opened_at", "closed_at"])
    return survey


@transaction.atomic
def release_results(*, actor: Any, survey: Survey, release: str) -> Survey:
    require(actor, "cms.run_survey", survey)
    if release not in ResultsRelease.values:
        raise ValidationError({"release": _("Bitte wählen Sie eine der Möglichkeiten.")})
    survey.results_release = release
    survey.save(update_fields=["results_release"])
    return survey


@transaction.atomic
def generate_codes(*, actor: Any, survey: Survey, count: int) -> list[AccessCode]:
    """``count`` (1–500) new unused codes; a code already taken is drawn again."""
    require(actor, "cms.run_survey", survey)
    if not survey.requires_code:
        raise ValidationError(_("Diese Befragung ist ohne Einmal-Codes offen."))
    if not 1 <= count <= MAX_CODES:
        raise ValidationError(
            {"count": _("Bitte eine Zahl von 1 bis %(max)s.") % {"max": MAX_CODES}}
        )
    taken = set(survey.codes.values_list("code", flat=True))
    fresh: list[str] = []
    while len(fresh) < count:
        code = random_token(CODE_LENGTH)
        if code not in taken:
            taken.add(code)
            fresh.append(code)
    return AccessCode.objects.bulk_create(AccessCode(survey=survey, code=code) for code in fresh)
