"""Forms of the workshops app; they collect input, the services decide."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forum.forms import MultipleFileField
from forum.models import Consortium, display_name
from forum.numbers import IdChoiceField, NumberField
from forum.text import LineFormField, TextBlockFormField

from .models import AgendaItem, Registration, RoadmapItem, Workshop
from .services import (
    MAX_PROTOCOL_LENGTH,
    AgendaEntry,
    RegistrationDetails,
    RoadmapEntry,
    WorkshopData,
    default_schedule,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: str, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        **kwargs,
    )


class WorkshopForm(forms.Form):
    title = LineFormField(label=_("Titel"), max_length=200)
    host_town = IdChoiceField(
        label=_("Gastgebende Kleinstadt"), queryset=None, empty_label=_("– bitte wählen –")
    )
    starts_at = _datetime_field(_("Beginn"))
    ends_at = _datetime_field(
        _("Ende"), help_text=_("Bewährt: 24 Stunden, vom frühen Nachmittag bis zum nächsten.")
    )
    registration_deadline = _datetime_field(_("Anmeldeschluss"))
    capacity = NumberField(label=_("Plätze"), min_value=1, max_value=500)
    seats_per_town = NumberField(
        label=_("Plätze je Kleinstadt"),
        min_value=1,
        max_value=500,
        required=False,
        help_text=_("Leer lassen, wenn es keine Begrenzung je Kleinstadt gibt."),
    )
    venue_name = LineFormField(label=_("Veranstaltungsort"), max_length=200)
    venue_address = TextBlockFormField(
        label=_("Adresse"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    directions = forms.CharField(
        label=_("Anreise"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bahn, Parken, Treffpunkt."),
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    announce_publicly = forms.BooleanField(
        label=_("Öffentlich ankündigen"),
        required=False,
        help_text=_(
            "Titel, Kleinstadt und Datum erscheinen auf der öffentlichen Seite "
            "„Transferwerkstätten“; alles andere bleibt im Verbund."
        ),
    )

    def __init__(self, *args: Any, consortium: Consortium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_town"].queryset = consortium.own_towns().order_by("name")

    @classmethod
    def initial_for(cls, suggested_host: Any) -> dict[str, Any]:
        starts_at, ends_at = default_schedule(timezone.localdate() + timedelta(days=42))
        return {
            "host_town": suggested_host,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "registration_deadline": starts_at - timedelta(days=14),
            "capacity": 25,
        }

    @classmethod
    def initial_from(cls, workshop: Workshop) -> dict[str, Any]:
        return {
            **{
                field: getattr(workshop, field)
                for field in WorkshopData.__dataclass_fields__
                if field in cls.base_fields
            },
            "based_on": workshop.version,
        }

    based_on = forms.CharField(widget=forms.HiddenInput, required=False)

    def workshop_data(self) -> WorkshopData:
        return WorkshopData(
            **{field: self.cleaned_data[field] for field in WorkshopData.__dataclass_fields__}
        )


class VenueForm(forms.Form):
    venue_name = WorkshopForm.base_fields["venue_name"]
    venue_address = WorkshopForm.base_fields["venue_address"]
    directions = WorkshopForm.base_fields["directions"]
    based_on = WorkshopForm.base_fields["based_on"]


class AgendaItemForm(forms.Form):
    # "Tag" alone is taggit's msgid for a keyword ("Schlagwort" in its German catalogue).
    day = NumberField(label=pgettext_lazy("day of a workshop", "Tag"), min_value=1, max_value=7)
    start = forms.TimeField(
        label=_("Uhrzeit"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    title = LineFormField(label=_("Programmpunkt"), max_length=200)
    kind = forms.ChoiceField(label=_("Art"), choices=AgendaItem.Kind.choices)
    speaker = LineFormField(label=_("Mit"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def has_changed(self) -> bool:
        """A select always sends one of its kinds: the kind alone does not fill in a row, so an
        untouched extra row is skipped, as the form's help text promises."""
        return any(name != "kind" for name in self.changed_data)


# absolute_max equal to max_num: a forged TOTAL_FORMS builds no more rows than may be saved
# (Django's default allows 1,000 more, seconds of work for one request).
AgendaFormSet = forms.formset_factory(
    AgendaItemForm, extra=2, can_delete=True, max_num=40, absolute_max=40, validate_max=True
)


def kept_forms(formset: Any) -> list[Any]:
    """The rows to save: every existing row unless marked for deletion (an unchanged row is
    still a row), and the extra rows that were filled in."""
    initial = formset.initial_form_count()
    return [
        form
        for index, form in enumerate(formset.forms)
        if not form.cleaned_data.get("DELETE") and (index < initial or form.has_changed())
    ]


def agenda_entries(formset: Any) -> list[AgendaEntry]:
    return [
        AgendaEntry(**{k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
        for form in kept_forms(formset)
    ]


class RegistrationForm(forms.Form):
    attending = forms.TypedChoiceField(
        label=_("Nehmen Sie teil?"),
        choices=[("ja", _("Ja, ich komme")), ("nein", _("Nein, ich kann nicht"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        initial="ja",
    )
    needs_overnight_stay = forms.BooleanField(
        label=_("Ich brauche eine Übernachtung"), required=False
    )
    arrival = forms.ChoiceField(label=_("Anreise"), choices=Registration.Arrival.choices)
    dietary_needs = forms.CharField(
        label=_("Ernährung"),
        max_length=200,
        required=False,
        help_text=_("z. B. vegetarisch, vegan, Allergien"),
    )
    remarks = forms.CharField(
        label=_("Anmerkungen"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, holds_a_place: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if holds_a_place:
            # Whoever has a seat (or waits for one) only updates the details here; giving the
            # place up is "Teilnahme absagen", which asks first.
            del self.fields["attending"]

    @classmethod
    def initial_from(cls, registration: Registration | None) -> dict[str, Any]:
        if registration is None:
            return {"attending": "ja"}
        return {
            "attending": "nein" if registration.status == Registration.Status.DECLINED else "ja",
            "needs_overnight_stay": registration.needs_overnight_stay,
            "arrival": registration.arrival,
            "dietary_needs": registration.dietary_needs,
            "remarks": registration.remarks,
        }

    def details(self) -> RegistrationDetails:
        return RegistrationDetails(**{"attending": True, **self.cleaned_data})


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Workshop.Status.choices)
    # Set by the confirmation page a status with no way back (held, cancelled) asks on.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


# --- documentation -------------------------------------------------------------------------


class ProtocolForm(forms.Form):
    protocol = forms.CharField(
        label=_("Protokoll"),
        required=False,
        max_length=MAX_PROTOCOL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Markdown: # Überschrift, **fett**, *kursiv*, - Aufzählung, [Linktext](Adresse). "
            "Nur für den Verbund sichtbar."
        ),
        error_messages={"max_length": _("Das Protokoll darf höchstens 50.000 Zeichen lang sein.")},
    )


class RoadmapItemForm(forms.Form):
    what = LineFormField(label=_("Was"), max_length=300)
    who = LineFormField(label=_("Wer"), max_length=200)
    due = forms.DateField(
        label=_("Bis wann"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    status = forms.ChoiceField(
        label=_("Stand"),
        choices=RoadmapItem.Status.choices,
        initial=RoadmapItem.Status.OPEN,
    )

    def entry(self) -> RoadmapEntry:
        return RoadmapEntry(
            what=self.cleaned_data["what"],
            who=self.cleaned_data["who"],
            due=self.cleaned_data["due"],
            status=self.cleaned_data["status"],
        )


RoadmapFormSet = forms.formset_factory(
    RoadmapItemForm, extra=3, can_delete=True, max_num=50, absolute_max=50, validate_max=True
)


def roadmap_entries(formset: Any) -> list[RoadmapEntry]:
    return [form.entry() for form in kept_forms(formset)]


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Wer war dabei?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: list[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(r.user_id, _person_label(r)) for r in people]


def _person_label(registration: Registration) -> str:
    label = display_name(registration.user)
    if registration.town:
        label += f" ({registration.town.name})"
    if registration.status == Registration.Status.WAITLISTED:
        label += " – " + str(_("Warteliste"))
    return label


class FileUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Fotos und Dateien"),
        help_text=_(
            "Bis zu 5 Dateien auf einmal, je höchstens 10 MB: Fotos (PNG, JPEG, GIF, WebP), PDF "
            "und Office-Dokumente. Nur für den Verbund sichtbar."
        ),
    )
    caption = LineFormField(
        label=_("Beschreibung"),
        max_length=300,
        required=False,
        help_text=_("Zum Beispiel: Stadtrundgang am Marktplatz."),
    )

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data["files"]
        if not files:
            raise ValidationError(_("Bitte wählen Sie mindestens eine Datei aus."))
        return files  # how many at most: workshops.services.add_files


# --- idea board ----------------------------------------------------------------------------


def _group_field(label: str) -> forms.CharField:
    return LineFormField(
        label=label,
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"list": "idea-group-names", "autocomplete": "off"}),
        error_messages={"max_length": _("Ein Gruppenname darf höchstens 80 Zeichen lang sein.")},
    )


class IdeaForm(forms.Form):
    text = TextBlockFormField(
        label=_("Ihre Idee"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Bitte schreiben Sie Ihre Idee auf die Karte."),
            "max_length": _("Eine Karte hat Platz für höchstens 500 Zeichen."),
        },
    )
    group = _group_field(_("Gruppe (optional)"))


class IdeaGroupForm(forms.Form):
    group = _group_field(_("Gruppe"))
