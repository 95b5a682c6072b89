"""Writing surveys: the survey itself, its questions and options, questions from the template
library, its state, copies, one-time codes, the release of its results, and the library.

Every function checks the policy first (``cms.add_survey``, ``cms.run_survey``,
``cms.manage_question_templates``). Questions and options of a survey that has answers are
never changed: the answers would no longer mean what was asked. The refusal says so and points
to a copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forum.models import Consortium, Town
from forum.rules import allowed

from ...rules import towns_acted_for
from ..models import (
    CODE_LENGTH,
    AccessCode,
    Option,
    Question,
    QuestionKind,
    QuestionTemplate,
    ResultsRelease,
    Survey,
    SurveyStatus,
    random_token,
)

MAX_CODES = 500
MAX_OPTIONS = 40
KEY_LENGTH = 60
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


def _require(actor: Any, permission: str, obj: Any = None) -> None:
    if not allowed(actor, permission, obj):
        raise PermissionDenied


def answered_message() -> str:
    return _(
        "Diese Befragung hat schon Antworten. Ihre Fragen und Antwortmöglichkeiten lassen sich "
        "deshalb nicht mehr ändern: Die Antworten würden sonst nicht mehr zu den Fragen passen. "
        "Titel, Texte und Daten können Sie weiter bearbeiten. Für geänderte Fragen legen Sie "
        "bitte eine Kopie an."
    )


def _refuse_if_answered(survey: Survey) -> None:
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


# --- the survey -------------------------------------------------------------------------------


@transaction.atomic
def create_survey(*, actor: Any, town: Town, consortium: Consortium, **texts: Any) -> Survey:
    """A new draft of ``town`` in ``consortium``; ``texts`` are fields of
    ``SURVEY_TEXT_FIELDS``."""
    _require(actor, "cms.add_survey")
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
    _require(actor, "cms.run_survey", survey)
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
    _require(actor, "cms.run_survey", survey)
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
    _require(actor, "cms.run_survey", survey)
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
    _require(actor, "cms.run_survey", survey)
    if release not in ResultsRelease.values:
        raise ValidationError({"release": _("Bitte wählen Sie eine der Möglichkeiten.")})
    survey.results_release = release
    survey.save(update_fields=["results_release"])
    return survey


@transaction.atomic
def copy_survey(*, actor: Any, survey: Survey) -> Survey:
    """A new draft with the same texts, questions, options and skip rules; no answers, no
    codes, not released."""
    _require(actor, "cms.run_survey", survey)
    copy = Survey(
        consortium_id=survey.consortium_id,
        town_id=survey.town_id,
        created_by=actor,
        copied_from=survey,
        **{field: getattr(survey, field) for field in SURVEY_TEXT_FIELDS},
    )
    copy.title = _("Kopie von %(title)s") % {"title": survey.title}
    copy.title = copy.title[: Survey._meta.get_field("title").max_length]
    copy.save()
    questions = list(survey.questions.prefetch_related("options"))
    copies = Question.objects.bulk_create(
        Question(
            survey=copy,
            **{
                field: getattr(question, field)
                for field in [
                    "position",
                    "kind",
                    "text",
                    "text_en",
                    "help_text",
                    "help_text_en",
                    "required",
                    "has_other",
                    "min_value",
                    "max_value",
                    "template_id",
                    "show_if_keys",
                ]
            },
        )
        for question in questions
    )
    new_id = {old.pk: new.pk for old, new in zip(questions, copies, strict=True)}
    for old, new in zip(questions, copies, strict=True):
        new.show_if_id = new_id.get(old.show_if_id)
    Question.objects.bulk_update(copies, ["show_if"])
    Option.objects.bulk_create(
        Option(
            question_id=new_id[question.pk],
            position=option.position,
            key=option.key,
            label=option.label,
            label_en=option.label_en,
        )
        for question in questions
        for option in question.options.all()
    )
    return copy


# --- questions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionLine:
    """One answer option as typed: its label, in English too; ``key`` when it is known (a
    template's)."""

    label: str
    label_en: str = ""
    key: str = ""


QUESTION_FIELDS = (
    "text",
    "text_en",
    "help_text",
    "help_text_en",
    "required",
    "has_other",
    "min_value",
    "max_value",
)


def _writable_survey(actor: Any, survey: Survey) -> Survey:
    _require(actor, "cms.run_survey", survey)
    _refuse_if_answered(survey)
    return survey


def _keys_for(lines: list[OptionLine], keep: dict[str, str]) -> list[str]:
    """A key per line: the one given, the key of an existing option of the same label (so
    answers and comparison keep it), else made from the label; unique within the question."""
    keys: list[str] = []
    for line in lines:
        base = line.key or keep.get(line.label.casefold()) or slugify(line.label)[:KEY_LENGTH]
        base = base or "antwort"
        key, number = base, 2
        while key in keys:
            suffix = f"-{number}"
            key, number = base[: KEY_LENGTH - len(suffix)] + suffix, number + 1
        keys.append(key)
    return keys


def _check_question(question: Question, lines: list[OptionLine]) -> None:
    errors: dict[str, list[str]] = {}
    if question.kind in QuestionKind.with_options():
        if len(lines) < 2:
            errors["options"] = [_("Bitte geben Sie mindestens zwei Antwortmöglichkeiten an.")]
        elif len(lines) > MAX_OPTIONS:
            errors["options"] = [
                _("Höchstens %(max)s Antwortmöglichkeiten, bitte.") % {"max": MAX_OPTIONS}
            ]
        elif any(not line.label.strip() for line in lines):
            errors["options"] = [_("Jede Antwortmöglichkeit braucht einen Text.")]
    if question.kind == QuestionKind.NUMBER:
        low, high = question.min_value, question.max_value
        if low is not None and high is not None and high < low:
            errors["max_value"] = [_("Der größte Wert liegt unter dem kleinsten.")]
    if question.survey.has_english and not question.text_en.strip():
        errors["text_en"] = [_("Die Befragung hat eine englische Fassung: bitte ausfüllen.")]
    if errors:
        raise ValidationError(errors)
    question.full_clean(exclude=["survey", "template", "show_if"])


def _check_skip_rule(question: Question) -> None:
    """Only an earlier single or multiple choice question, with options it has."""
    if question.show_if_id is None:
        question.show_if_keys = []
        return
    condition = question.show_if
    if (
        condition.survey_id != question.survey_id
        or condition.kind not in QuestionKind.with_options()
        or condition.position >= question.position
    ):
        raise ValidationError(
            {"show_if": _("Wählen Sie eine frühere Frage mit Auswahl (einfach oder mehrfach).")}
        )
    keys = set(condition.options.values_list("key", flat=True))
    if not question.show_if_keys or not set(question.show_if_keys) <= keys:
        raise ValidationError(
            {"show_if_keys": _("Wählen Sie mindestens eine Antwort der gewählten Frage.")}
        )


def _write_options(question: Question, lines: list[OptionLine]) -> None:
    if question.kind not in QuestionKind.with_options():
        question.options.all().delete()
        return
    existing = list(question.options.all())
    keep = {option.label.casefold(): option.key for option in existing}
    keep.update({option.label_en.casefold(): option.key for option in existing if option.label_en})
    keys = _keys_for(lines, keep)
    by_key = {option.key: option for option in existing}
    question.options.exclude(key__in=keys).delete()
    changed, new = [], []
    for position, (key, line) in enumerate(zip(keys, lines, strict=True)):
        option = by_key.get(key)
        if option is None:
            new.append(
                Option(
                    question=question,
                    position=position,
                    key=key,
                    label=line.label.strip(),
                    label_en=line.label_en.strip(),
                )
            )
        else:
            option.position, option.label, option.label_en = (
                position,
                line.label.strip(),
                line.label_en.strip(),
            )
            changed.append(option)
    Option.objects.bulk_update(changed, ["position", "label", "label_en"])
    Option.objects.bulk_create(new)
    # A condition on an option that is gone no longer holds.
    for dependent in Question.objects.filter(show_if=question):
        dependent.show_if_keys = [key for key in dependent.show_if_keys if key in keys]
        if not dependent.show_if_keys:
            dependent.show_if = None
        dependent.save(update_fields=["show_if", "show_if_keys"])


def _next_position(survey: Survey) -> int:
    return (survey.questions.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def add_question(
    *,
    actor: Any,
    survey: Survey,
    kind: str,
    options: list[OptionLine] | None = None,
    show_if: Question | None = None,
    show_if_keys: list[str] | None = None,
    **fields: Any,
) -> Question:
    """A question of ``kind`` at the end; ``fields`` are of ``QUESTION_FIELDS``."""
    _writable_survey(actor, survey)
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Bitte wählen Sie eine Art der Frage.")})
    question = Question(
        survey=survey,
        kind=kind,
        position=_next_position(survey),
        show_if=show_if,
        show_if_keys=show_if_keys or [],
        **fields,
    )
    lines = options or []
    _check_question(question, lines)
    _check_skip_rule(question)
    question.save()
    _write_options(question, lines)
    return question


@transaction.atomic
def update_question(
    *,
    actor: Any,
    question: Question,
    options: list[OptionLine] | None = None,
    show_if: Question | None = None,
    show_if_keys: list[str] | None = None,
    **fields: Any,
) -> Question:
    """``options`` replace the question's (kept where none are given)."""
    _writable_survey(actor, question.survey)
    for field, value in fields.items():
        if field not in QUESTION_FIELDS:
            raise TypeError(f"Unknown question field: {field}")
        setattr(question, field, value)
    question.show_if, question.show_if_keys = show_if, show_if_keys or []
    # No ``options`` given: the question keeps those it has.
    lines = (
        options
        if options is not None
        else [OptionLine(o.label, o.label_en, o.key) for o in question.options.all()]
    )
    _check_question(question, lines)
    _check_skip_rule(question)
    question.save()
    if options is not None:
        _write_options(question, lines)
    return question


@transaction.atomic
def delete_question(*, actor: Any, question: Question) -> None:
    """Questions asked only on its answers are then always asked."""
    survey = _writable_survey(actor, question.survey)
    Question.objects.filter(show_if=question).update(show_if=None, show_if_keys=[])
    question.delete()
    _renumber(survey)


def _renumber(survey: Survey) -> None:
    questions = list(survey.questions.order_by("position", "pk"))
    for position, question in enumerate(questions, start=1):
        question.position = position
    Question.objects.bulk_update(questions, ["position"])


@transaction.atomic
def move_question(*, actor: Any, question: Question, up: bool) -> None:
    """One place up or down; refused where a skip rule would point to a later question."""
    survey = _writable_survey(actor, question.survey)
    _renumber(survey)
    questions = list(survey.questions.order_by("position"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(questions):
        return
    first, second = sorted((questions[index], questions[other]), key=lambda q: q.position)
    if second.show_if_id == first.pk:
        raise ValidationError(
            _(
                "„%(later)s“ wird nur gefragt, wenn „%(earlier)s“ passend beantwortet ist, und "
                "muss deshalb danach kommen. Ändern Sie zuerst die Bedingung."
            )
            % {"later": second.text, "earlier": first.text}
        )
    first.position, second.position = second.position, first.position
    Question.objects.bulk_update([first, second], ["position"])


@transaction.atomic
def add_questions_from_templates(
    *, actor: Any, survey: Survey, templates: list[QuestionTemplate]
) -> list[Question]:
    """Copies of the templates at the end, keeping the template and its option keys, so the
    answers can be compared with other towns'."""
    _writable_survey(actor, survey)
    position = _next_position(survey)
    questions = Question.objects.bulk_create(
        Question(
            survey=survey,
            position=position + offset,
            kind=template.kind,
            text=template.text,
            text_en=template.text_en,
            help_text=template.help_text,
            help_text_en=template.help_text_en,
            has_other=template.has_other,
            min_value=template.min_value,
            max_value=template.max_value,
            template=template,
        )
        for offset, template in enumerate(templates)
    )
    Option.objects.bulk_create(
        Option(
            question=question,
            position=number,
            key=item["key"],
            label=item["label"],
            label_en=item.get("label_en", ""),
        )
        for question, template in zip(questions, templates, strict=True)
        for number, item in enumerate(template.options)
    )
    return questions


# --- one-time codes ---------------------------------------------------------------------------


@transaction.atomic
def generate_codes(*, actor: Any, survey: Survey, count: int) -> list[AccessCode]:
    """``count`` (1–500) new unused codes; a code already taken is drawn again."""
    _require(actor, "cms.run_survey", survey)
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


# --- the template library ---------------------------------------------------------------------


def parse_option_lines(text: str) -> list[dict[str, str]]:
    """The library's options as typed, one a line: ``key | Label | English label``."""
    options, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [part.strip() for part in raw.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            errors.append(
                _("Zeile %(number)s: bitte „kennung | Text | englischer Text“.")
                % {"number": number}
            )
            continue
        key = parts[0]
        if slugify(key) != key or len(key) > KEY_LENGTH:
            errors.append(
                _(
                    "Zeile %(number)s: die Kennung „%(key)s“ darf nur Kleinbuchstaben, Ziffern "
                    "und Bindestriche enthalten."
                )
                % {"number": number, "key": key}
            )
            continue
        english = parts[2] if len(parts) > 2 else ""
        options.append({"key": key, "label": parts[1], "label_en": english})
    keys = [option["key"] for option in options]
    if len(keys) != len(set(keys)):
        errors.append(_("Jede Kennung darf nur einmal vorkommen."))
    if errors:
        raise ValidationError(errors)
    return options


def option_lines(options: list[dict[str, str]]) -> str:
    return "\n".join(
        " | ".join(filter(None, (o["key"], o["label"], o.get("label_en", "")))) for o in options
    )


def _check_template(template: QuestionTemplate) -> None:
    errors: dict[str, list[str]] = {}
    if template.kind in QuestionKind.with_options() and len(template.options) < 2:
        errors["options"] = [_("Bitte geben Sie mindestens zwei Antwortmöglichkeiten an.")]
    if template.kind not in QuestionKind.with_options() and template.options:
        errors["options"] = [_("Nur Fragen mit Auswahl haben Antwortmöglichkeiten.")]
    low, high = template.min_value, template.max_value
    if low is not None and high is not None and high < low:
        errors["max_value"] = [_("Der größte Wert liegt unter dem kleinsten.")]
    if errors:
        raise ValidationError(errors)
    template.full_clean()


@transaction.atomic
def save_question_template(*, template: QuestionTemplate, actor: Any) -> QuestionTemplate:
    """Create or change a template. Once surveys use it, its key, kind and option keys stay:
    they are what the towns' answers are compared by."""
    _require(actor, "cms.manage_question_templates")
    _check_template(template)
    if template.pk is not None:
        stored = QuestionTemplate.objects.select_for_update().get(pk=template.pk)
        if stored.questions.exists():
            stored_keys = [option["key"] for option in stored.options]
            new_keys = [option["key"] for option in template.options]
            if (
                stored.key != template.key
                or stored.kind != template.kind
                or sorted(stored_keys) != sorted(new_keys)
            ):
                raise ValidationError(
                    _(
                        "Befragungen nutzen diese Vorlage schon. Kennung, Art und die Kennungen "
                        "der Antwortmöglichkeiten bleiben deshalb, sonst ließen sich die "
                        "Ergebnisse der Kleinstädte nicht mehr vergleichen. Texte dürfen Sie "
                        "ändern; für anderes legen Sie eine neue Vorlage an."
                    )
                )
    template.save()
    return template


@transaction.atomic
def delete_question_template(*, template: QuestionTemplate, actor: Any) -> None:
    _require(actor, "cms.manage_question_templates")
    used = template.questions.values("survey").distinct().count()
    if used:
        raise ValidationError(
            _(
                "„%(text)s“ wird in %(count)s Befragung(en) genutzt und bleibt deshalb: ohne "
                "Vorlage ließen sich deren Ergebnisse nicht mehr vergleichen."
            )
            % {"text": template.text, "count": used}
        )
    template.delete()
