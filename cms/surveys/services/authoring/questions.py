"""A survey's questions and options: add, edit, delete, order, skip rules, questions from the
template library, and copies of a survey with all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ...models import Option, Question, QuestionKind, QuestionTemplate, Survey
from .surveys import SURVEY_TEXT_FIELDS, refuse_if_answered, require

MAX_OPTIONS = 40


KEY_LENGTH = 60


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


@dataclass(frozen=True)
class OptionLine:
    """One answer option as typed: its label, in English too; ``key`` when it is known (a
    template's)."""

    label: str
    label_en: str = ""
    key: str = ""


def _writable_survey(actor: Any, survey: Survey) -> Survey:
    require(actor, "cms.run_survey", survey)
    refuse_if_answered(survey)
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


def shape_errors(
    kind: str, option_count: int, help_text: str, low: int | None, high: int | None
) -> dict[str, list[str]]:
    """What a question of ``kind`` needs, whether in a survey or in the template library:
    choices offer at least two options, a number's range is not upside down, and a scale says
    what 1 and 5 mean (the public form shows the hint above its five buttons)."""
    errors: dict[str, list[str]] = {}
    if kind in QuestionKind.with_options() and option_count < 2:
        errors["options"] = [_("Bitte geben Sie mindestens zwei Antwortmöglichkeiten an.")]
    if kind == QuestionKind.NUMBER and low is not None and high is not None and high < low:
        errors["max_value"] = [_("Der größte Wert liegt unter dem kleinsten.")]
    if kind == QuestionKind.SCALE and not help_text.strip():
        errors["help_text"] = [
            _(
                "Bitte schreiben Sie in den Hinweis, was 1 und 5 bedeuten, zum Beispiel "
                "„1 = gar nicht zufrieden, 5 = sehr zufrieden“."
            )
        ]
    return errors


def _check_question(question: Question, lines: list[OptionLine]) -> None:
    errors = shape_errors(
        question.kind, len(lines), question.help_text, question.min_value, question.max_value
    )
    if question.kind in QuestionKind.with_options() and "options" not in errors:
        if len(lines) > MAX_OPTIONS:
            errors["options"] = [
                _("Höchstens %(max)s Antwortmöglichkeiten, bitte.") % {"max": MAX_OPTIONS}
            ]
        elif any(not line.label.strip() for line in lines):
            errors["options"] = [_("Jede Antwortmöglichkeit braucht einen Text.")]
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


@transaction.atomic
def copy_survey(*, actor: Any, survey: Survey) -> Survey:
    """A new draft with the same texts, questions, options and skip rules; no answers, no
    codes, not released."""
    require(actor, "cms.run_survey", survey)
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
                for field in (
                    *QUESTION_FIELDS,
                    "position",
                    "kind",
                    "template_id",
                    "show_if_keys",
                )
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
