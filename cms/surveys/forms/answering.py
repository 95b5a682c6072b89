"""The public form of a survey: one field per question, read into ``Given`` items for
``cms.surveys.services.answering.store_response``.

Every field is optional to Django; whether a question must be answered is decided in
``clean`` once the skip rules are known: a question asked only after a certain answer is
neither required nor stored when that answer was not given (without JavaScript it is shown
with a note, so the server has to be the one that decides).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forum.text import LineFormField, TextBlockFormField

from ..models import (
    CODE_LENGTH,
    CONTACT_MAX,
    LONG_TEXT_MAX,
    OTHER_TEXT_MAX,
    SCALE,
    SHORT_TEXT_MAX,
    Option,
    Question,
    QuestionKind,
    Survey,
)
from ..services.answering import Given

# The value of the "other" choice; option keys are slugs, so no option can be called this.
OTHER = ":other"
CHOICE_ERRORS = {
    "invalid_choice": _("Diese Antwort gibt es bei dieser Frage nicht. Bitte wählen Sie neu."),
}
TEXT_ERRORS = {
    "max_length": _(
        "Bitte kürzen Sie Ihren Text auf höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."
    ),
}
# Numbers are stored with two decimals in at most 12 digits.
NUMBER_LIMIT = Decimal("9999999999.99")
CENT = Decimal("0.01")


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def question_field_name(question: Question) -> str:
    return f"q{question.pk}"


def other_field_name(question: Question) -> str:
    return f"q{question.pk}_other"


@dataclass
class AskedQuestion:
    """A question with its bound fields, as the template shows it."""

    number: int
    question: Question
    field: forms.BoundField
    other_field: forms.BoundField | None
    condition: Question | None
    condition_number: int | None
    condition_labels: list[str]

    @property
    def is_group(self) -> bool:
        """Shown as a group of radio buttons or checkboxes in a fieldset."""
        return self.question.kind in QuestionKind.with_options() | {QuestionKind.SCALE}

    @property
    def condition_field(self) -> str:
        return question_field_name(self.condition) if self.condition else ""

    @property
    def condition_keys(self) -> str:
        return " ".join(self.question.show_if_keys)

    @property
    def condition_note(self) -> str:
        """What the form says without JavaScript about when to answer."""
        if self.condition is None:
            return ""
        # Quotation marks as the language writes them („…“ in German, “…” in English).
        answers = gettext(" oder ").join(
            gettext("„%(answer)s“") % {"answer": label} for label in self.condition_labels
        )
        return gettext(
            "Nur beantworten, wenn Sie bei Frage %(number)s %(answers)s gewählt haben."
        ) % {"number": self.condition_number, "answers": answers}

    @property
    def help_text(self) -> str:
        """The question's hint (a scale's end labels), and a number question's range."""
        question = self.question
        hint = question.shown("help_text")
        if question.kind != QuestionKind.NUMBER:
            return hint
        low, high = question.min_value, question.max_value
        if low is not None and high is not None:
            span = gettext("Eine Zahl von %(low)s bis %(high)s.")
        elif low is not None:
            span = gettext("Eine Zahl ab %(low)s.")
        elif high is not None:
            span = gettext("Eine Zahl bis %(high)s.")
        else:
            return hint
        return " ".join(part for part in (hint, span % {"low": low, "high": high}) if part)

    @property
    def described_by(self) -> str:
        """The ids of the skip note, the hint and the error, as the template names them."""
        ids = []
        if self.condition:
            ids.append(f"note-{self.number}")
        if self.help_text:
            ids.append(f"help-{self.number}")
        if self.field.errors:
            ids.append(f"error-{self.number}")
        return " ".join(ids)


class NumberAnswerField(forms.CharField):
    """A number as people type it: "12", "12,5" or "12.5"; within the question's range."""

    def __init__(self, *, min_value: int | None, max_value: int | None, **kwargs: Any) -> None:
        self.min_value, self.max_value = min_value, max_value
        attrs: dict[str, Any] = {"inputmode": "decimal", "step": "any"}
        if min_value is not None:
            attrs["min"] = min_value
        if max_value is not None:
            attrs["max"] = max_value
        super().__init__(widget=forms.NumberInput(attrs=attrs), max_length=40, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        text = super().to_python(value).replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) > NUMBER_LIMIT:
            raise forms.ValidationError(
                _("Bitte geben Sie eine Zahl ein, zum Beispiel 12 oder 12,5."), code="invalid"
            )
        return number.quantize(CENT, rounding=ROUND_HALF_UP)

    def validate(self, value: Any) -> None:
        if value is None:
            return
        low, high = self.min_value, self.max_value
        if (low is not None and value < low) or (high is not None and value > high):
            if low is not None and high is not None:
                message = gettext("Bitte geben Sie eine Zahl von %(low)s bis %(high)s ein.")
            elif low is not None:
                message = gettext("Bitte geben Sie eine Zahl ab %(low)s ein.")
            else:
                message = gettext("Bitte geben Sie eine Zahl bis %(high)s ein.")
            raise forms.ValidationError(message % {"low": low, "high": high}, code="range")

    def clean(self, value: Any) -> Decimal | None:
        number = self.to_python(value)
        self.validate(number)
        return number


class AnswerForm(forms.Form):
    """The questions of ``survey`` (``questions`` with their options prefetched, in order)."""

    # A field people do not see (hidden by the style sheet, skipped by screen readers): a
    # program filling every field gives itself away (``is_trap_filled``).
    TRAP_FIELD = "website"

    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, survey: Survey, questions: list[Question], **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("submission", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.submission_replaced = self.is_bound and not _is_uuid(self.data.get("submission"))
        if self.submission_replaced:
            # Only a changed page sends this; with a new id, sending it again works.
            self.data = self.data.copy()
            self.data["submission"] = str(uuid.uuid4())
        self.survey = survey
        self.questions = questions
        self.numbers = {question.pk: number for number, question in enumerate(questions, 1)}
        self.options: dict[int, dict[str, Option]] = {
            question.pk: {option.key: option for option in question.options.all()}
            for question in questions
        }
        if survey.requires_code:
            self.fields["code"] = LineFormField(
                label=_("Ihr Code"),
                max_length=CODE_LENGTH + 10,
                required=False,
                help_text=_("Den Code finden Sie auf Ihrer Einladung."),
                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
            )
        for question in questions:
            self.fields[question_field_name(question)] = self._field(question)
            if question.has_other and question.kind in QuestionKind.with_options():
                self.fields[other_field_name(question)] = LineFormField(
                    label=_("Sonstiges, und zwar:"),
                    max_length=OTHER_TEXT_MAX,
                    required=False,
                    error_messages=TEXT_ERRORS,
                )
        if survey.asks_contact:
            self.fields["contact"] = TextBlockFormField(
                label=_("Ihre Kontaktdaten (freiwillig)"),
                max_length=CONTACT_MAX,
                required=False,
                error_messages=TEXT_ERRORS,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=survey.contact_prompt,
            )

    def _field(self, question: Question) -> forms.Field:
        label = question.shown("text")
        kind = question.kind
        if kind in QuestionKind.with_options():
            choices = [
                (option.key, self._option_label(option)) for option in question.options.all()
            ]
            if question.has_other:
                choices.append((OTHER, gettext("Sonstiges")))
            single = kind == QuestionKind.SINGLE
            field_class = forms.ChoiceField if single else forms.MultipleChoiceField
            return field_class(
                label=label,
                choices=choices,
                required=False,
                widget=forms.RadioSelect if single else forms.CheckboxSelectMultiple,
                error_messages=CHOICE_ERRORS,
            )
        if kind == QuestionKind.SCALE:
            return forms.TypedChoiceField(
                label=label,
                choices=[(str(value), str(value)) for value in SCALE],
                coerce=Decimal,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages=CHOICE_ERRORS,
            )
        if kind == QuestionKind.NUMBER:
            return NumberAnswerField(
                label=label,
                min_value=question.min_value,
                max_value=question.max_value,
                required=False,
            )
        if kind == QuestionKind.LONG_TEXT:
            return TextBlockFormField(
                label=label,
                max_length=LONG_TEXT_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages=TEXT_ERRORS,
            )
        return LineFormField(
            label=label, max_length=SHORT_TEXT_MAX, required=False, error_messages=TEXT_ERRORS
        )

    def _option_label(self, option: Option) -> str:
        return (option.label_en if self.survey.in_english else "") or option.label

    @classmethod
    def is_trap_filled(cls, data: Any) -> bool:
        return bool((data.get(cls.TRAP_FIELD) or "").strip())

    # --- reading the answers -------------------------------------------------------------

    def is_asked(self, question: Question, cleaned: dict[str, Any]) -> bool:
        """Whether the skip rule lets ``question`` be asked, given the answers so far (a rule
        on a question that was itself skipped skips this one too)."""
        if question.show_if_id is None:
            return True
        condition = next((q for q in self.questions if q.pk == question.show_if_id), None)
        if condition is None or not self.is_asked(condition, cleaned):
            return False
        chosen = cleaned.get(question_field_name(condition))
        chosen = set(chosen) if isinstance(chosen, list) else {chosen}
        return bool(chosen & set(question.show_if_keys))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.submission_replaced:
            self.add_error(
                None, _("Das Formular kam unvollständig an. Bitte senden Sie es noch einmal ab.")
            )
        for question in self.questions:
            name = question_field_name(question)
            if not self.is_asked(question, cleaned):
                for skipped in (name, other_field_name(question)):
                    cleaned.pop(skipped, None)
                    self.errors.pop(skipped, None)
                continue
            if name in self.errors:
                continue
            if question.kind in (QuestionKind.SINGLE, QuestionKind.SCALE) and (
                len(self.data.getlist(self.add_prefix(name))) > 1
            ):
                self.add_error(name, _("Bitte wählen Sie hier nur eine Antwort."))
                continue
            value = cleaned.get(name)
            if question.required and value in (None, "", []):
                self.add_error(name, _("Bitte beantworten Sie diese Frage."))
                continue
            self._clean_other(question, value, cleaned)
        return cleaned

    def _clean_other(self, question: Question, value: Any, cleaned: dict[str, Any]) -> None:
        other = other_field_name(question)
        if other not in self.fields or other in self.errors:
            return
        chosen = value if isinstance(value, list) else [value]
        if OTHER in chosen and not cleaned.get(other):
            self.add_error(other, _("Bitte schreiben Sie, was Sie mit „Sonstiges“ meinen."))

    def given(self) -> list[Given]:
        """The answers, in question order; call after ``is_valid()``."""
        data = self.cleaned_data
        answers: list[Given] = []
        for question in self.questions:
            value = data.get(question_field_name(question))
            if value in (None, "", []):
                continue
            if question.kind in QuestionKind.with_options():
                for key in value if isinstance(value, list) else [value]:
                    if key == OTHER:
                        text = data.get(other_field_name(question), "")
                        answers.append(Given(question=question, is_other=True, text=text))
                    else:
                        answers.append(
                            Given(question=question, option=self.options[question.pk][key])
                        )
            elif question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
                answers.append(Given(question=question, number=value))
            else:
                answers.append(Given(question=question, text=value))
        return answers

    def asked_questions(self) -> list[AskedQuestion]:
        """The questions with their fields and skip notes, for the template."""
        by_pk = {question.pk: question for question in self.questions}
        asked = []
        for question in self.questions:
            condition = by_pk.get(question.show_if_id) if question.show_if_id else None
            labels = []
            if condition is not None:
                options = self.options[condition.pk]
                labels = [
                    self._option_label(options[key])
                    for key in question.show_if_keys
                    if key in options
                ]
            other = other_field_name(question)
            item = AskedQuestion(
                number=self.numbers[question.pk],
                question=question,
                field=self[question_field_name(question)],
                other_field=self[other] if other in self.fields else None,
                condition=condition,
                condition_number=self.numbers.get(condition.pk) if condition else None,
                condition_labels=labels,
            )
            if not item.is_group and item.described_by:
                item.field.field.widget.attrs["aria-describedby"] = item.described_by
            if item.other_field is not None and item.other_field.errors:
                item.other_field.field.widget.attrs["aria-describedby"] = (
                    f"error-{item.number}-other"
                )
            asked.append(item)
        return asked
