"""Forms of the survey pages for staff; the services validate again and their errors land
here next to the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.text import LineFormField, TextBlockFormField

from ..models import Question, QuestionKind, ResultsRelease, TemplateTopic
from ..services.authoring import DEFAULT_PRIVACY_NOTE, MAX_CODES, QUESTION_FIELDS, OptionLine

# Bounds of a number question, well inside the database's integer column.
NUMBER_LIMIT = 1_000_000_000
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class SurveyForm(forms.Form):
    town = forms.ChoiceField(label=_("Kleinstadt"))
    title = LineFormField(label=_("Titel"), max_length=200)
    intro = TextBlockFormField(
        label=_("Einleitung"),
        required=False,
        max_length=2000,
        widget=_area(),
        help_text=_("Worum es geht und wie lange das Ausfüllen dauert, in einfachen Worten."),
    )
    privacy_note = TextBlockFormField(
        label=_("Hinweis zum Datenschutz"),
        max_length=2000,
        widget=_area(5),
        initial=DEFAULT_PRIVACY_NOTE,
    )
    opens_on = forms.DateField(label=_("Offen ab"), required=False, widget=DATE_WIDGET)
    closes_on = forms.DateField(
        label=_("Offen bis einschließlich"), required=False, widget=DATE_WIDGET
    )
    asks_contact = forms.BooleanField(
        label=_("Nach Kontaktdaten fragen (freiwillig)"),
        required=False,
        help_text=_("Sie werden getrennt von den Antworten gespeichert."),
    )
    contact_prompt = TextBlockFormField(
        label=_("Frage nach Kontaktdaten"), required=False, max_length=500, widget=_area(2)
    )
    requires_code = forms.BooleanField(
        label=_("Nur mit Einmal-Code (geschlossene Gruppe)"),
        required=False,
        help_text=_("Jede Person bekommt einen gedruckten Code, der einmal gilt."),
    )
    has_english = forms.BooleanField(label=_("Englische Fassung anbieten"), required=False)
    title_en = LineFormField(label=_("Titel (Englisch)"), required=False, max_length=200)
    intro_en = TextBlockFormField(
        label=_("Einleitung (Englisch)"), required=False, max_length=2000, widget=_area()
    )
    privacy_note_en = TextBlockFormField(
        label=_("Hinweis zum Datenschutz (Englisch)"),
        required=False,
        max_length=2000,
        widget=_area(5),
    )

    def __init__(
        self, *args: Any, town_choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if town_choices is None:
            del self.fields["town"]  # a survey stays with its town
        else:
            self.fields["town"].choices = town_choices
            if len(town_choices) == 1:
                self.fields["town"].initial = town_choices[0][0]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Das Ende liegt vor dem Beginn."))
        return cleaned

    def survey_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "town"}


class NewQuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Art der Frage"), choices=QuestionKind.choices, widget=forms.RadioSelect
    )


class QuestionForm(forms.Form):
    """One question; which fields it shows depends on its kind."""

    text = LineFormField(label=_("Frage"), max_length=300)
    help_text = TextBlockFormField(
        label=_("Hinweis"), required=False, max_length=1000, widget=_area(2)
    )
    required = forms.BooleanField(label=_("Pflichtfrage"), required=False)
    options = forms.CharField(
        label=_("Antwortmöglichkeiten"),
        required=False,
        widget=_area(6),
        help_text=_(
            "Eine pro Zeile, in der gewünschten Reihenfolge. Mit englischer Fassung: "
            "„Text | englischer Text“."
        ),
    )
    has_other = forms.BooleanField(label=_("„Sonstiges“ mit Freitext anbieten"), required=False)
    min_value = forms.IntegerField(
        label=_("Kleinster Wert"), required=False, min_value=-NUMBER_LIMIT, max_value=NUMBER_LIMIT
    )
    max_value = forms.IntegerField(
        label=_("Größter Wert"), required=False, min_value=-NUMBER_LIMIT, max_value=NUMBER_LIMIT
    )
    show_if = forms.TypedChoiceField(
        label=_("Nur fragen, wenn die Antwort auf Frage …"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    show_if_keys = forms.MultipleChoiceField(
        label=_("… eine dieser Antworten ist"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text_en = LineFormField(label=_("Frage (Englisch)"), required=False, max_length=300)
    help_text_en = TextBlockFormField(
        label=_("Hinweis (Englisch)"), required=False, max_length=1000, widget=_area(2)
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        earlier: list[Question],
        english: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        # Skip rules point to earlier choice questions; their options are offered by key.
        self.conditions = {q.pk: q for q in earlier if q.kind in QuestionKind.with_options()}
        self.fields["show_if"].choices = [("", _("immer fragen"))] + [
            (q.pk, f"{q.position}. {q.text}") for q in self.conditions.values()
        ]
        self.fields["show_if_keys"].choices = [
            (f"{q.pk}:{option.key}", f"{q.position}. {option.label}")
            for q in self.conditions.values()
            for option in q.options.all()
        ]
        if kind not in QuestionKind.with_options():
            del self.fields["options"], self.fields["has_other"]
        if kind != QuestionKind.NUMBER:
            del self.fields["min_value"], self.fields["max_value"]
        if kind == QuestionKind.SCALE:
            self.fields["help_text"].label = _("Was bedeuten 1 und 5?")
            self.fields["help_text"].help_text = _(
                "Steht über den fünf Antworten, zum Beispiel „1 = gar nicht zufrieden, "
                "5 = sehr zufrieden“."
            )
        if not self.conditions:
            del self.fields["show_if"], self.fields["show_if_keys"]
        if not english:
            del self.fields["text_en"], self.fields["help_text_en"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        condition = self.conditions.get(cleaned.get("show_if"))
        # Values are "question id:option key", so equal keys of two questions stay apart.
        chosen = [value.partition(":") for value in cleaned.get("show_if_keys") or []]
        if condition is not None:
            if not chosen:
                self.add_error(
                    "show_if_keys", _("Wählen Sie mindestens eine Antwort der gewählten Frage.")
                )
            elif any(pk != str(condition.pk) for pk, _colon, _key in chosen):
                self.add_error("show_if_keys", _("Wählen Sie nur Antworten der gewählten Frage."))
        elif chosen:
            self.add_error("show_if", _("Wählen Sie die Frage, von der das abhängt."))
        cleaned["show_if_keys"] = [key for _pk, _colon, key in chosen]
        return cleaned

    def option_lines(self) -> list[OptionLine]:
        lines = []
        for raw in (self.cleaned_data.get("options") or "").splitlines():
            if raw.strip():
                label, _bar, english = raw.partition("|")
                lines.append(OptionLine(label=label.strip()[:200], label_en=english.strip()[:200]))
        return lines

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in QUESTION_FIELDS if name in self.fields}
        return {
            **fields,
            "options": self.option_lines(),
            "show_if": self.conditions.get(data.get("show_if")),
            "show_if_keys": data.get("show_if_keys") or [],
        }


def options_as_lines(question: Question) -> str:
    return "\n".join(
        f"{option.label} | {option.label_en}" if option.label_en else option.label
        for option in question.options.all()
    )


class TemplatesForm(forms.Form):
    templates = forms.TypedMultipleChoiceField(
        label=_("Vorlagen"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens eine Vorlage.")},
    )

    def __init__(self, *args: Any, templates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {template.pk: template for template in templates}
        self.fields["templates"].choices = [(t.pk, t.text) for t in templates]

    def topics(self) -> list[tuple[str, list[Any]]]:
        """The library grouped by topic, for one fieldset each."""
        chosen = {str(value) for value in (self["templates"].value() or [])}
        groups = []
        for value, label in TemplateTopic.choices:
            items = [
                (template, str(template.pk) in chosen)
                for template in self.templates.values()
                if template.topic == value
            ]
            if items:
                groups.append((label, items))
        return groups

    def chosen(self) -> list[Any]:
        return [self.templates[pk] for pk in self.cleaned_data["templates"]]


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("Anzahl neuer Codes"),
        min_value=1,
        max_value=MAX_CODES,
        initial=50,
        error_messages={
            "min_value": _("Bitte mindestens einen Code."),
            "max_value": _("Höchstens %(limit_value)s Codes auf einmal."),
        },
    )


class ReleaseForm(forms.Form):
    release = forms.ChoiceField(
        label=_("Ergebnisse sichtbar für"),
        choices=ResultsRelease.choices,
        widget=forms.RadioSelect,
    )
