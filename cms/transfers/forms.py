"""Forms of the transfer tracking; the services validate again and their errors land here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.text import TextBlockFormField

from ..models import EvidenceKind, TransferStatus, TransferVisibility

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TransferFieldsForm(forms.Form):
    started_on = forms.DateField(label=_("Begonnen am"), required=False, widget=DATE_WIDGET)
    finished_on = forms.DateField(label=_("Abgeschlossen am"), required=False, widget=DATE_WIDGET)
    adaptations = TextBlockFormField(
        label=_("Was wir für unsere Lage geändert haben"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Zum Beispiel: andere Zielgruppe, kleineres Budget, anderer Partner."),
    )
    notes = TextBlockFormField(
        label=_("Notizen"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    visibility = forms.ChoiceField(
        label=_("Sichtbarkeit"),
        choices=TransferVisibility.choices,
        initial=TransferVisibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_(
            "„Nur für den Verbund“: sichtbar für die Mitglieder des Verbunds, in dem Sie die "
            "Übertragung eintragen, die Redaktion und die Administration. Ist die Fallstudie "
            "selbst nur für ihren Verbund sichtbar, gilt das auch für die Übertragung."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        started, finished = cleaned.get("started_on"), cleaned.get("finished_on")
        if started and finished and finished < started:
            self.add_error("finished_on", _("Das Ende liegt vor dem Beginn."))
        return cleaned


class RecordTransferForm(TransferFieldsForm):
    field_order = ["town", "status", "started_on", "finished_on", "adaptations", "notes"]

    town = forms.ChoiceField(label=_("Übernehmende Kleinstadt"))
    status = forms.ChoiceField(
        label=_("Stand"), choices=TransferStatus.choices, initial=TransferStatus.PLANNED
    )

    def __init__(self, *args: Any, town_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = town_choices
        if len(town_choices) == 1:
            self.fields["town"].initial = town_choices[0][0]


class EditTransferForm(TransferFieldsForm):
    pass


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Neuer Stand"), choices=TransferStatus.choices)
    note = forms.CharField(
        label=_("Anmerkung"),
        required=False,
        max_length=500,
        help_text=_("Optional, zum Beispiel warum die Idee verworfen wurde."),
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Art des Belegs"),
        choices=EvidenceKind.choices,
        initial=EvidenceKind.LINK,
        widget=forms.RadioSelect,
    )
    label = forms.CharField(label=_("Beschreibung"), required=False, max_length=200)
    url = forms.CharField(
        label=_("Adresse (bei Link)"),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    upload = forms.FileField(
        label=_("Datei (bei Datei)"),
        required=False,
        help_text=_("PDF, Bild oder Office-Dokument, höchstens 10 MB."),
    )
    case_page = forms.TypedChoiceField(
        label=_("Fallstudie (bei eigener Fallstudie)"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, case_pages: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_pages = {page.pk: page for page in case_pages}
        self.fields["case_page"].choices = [("", "—")] + [
            (page.pk, page.title) for page in case_pages
        ]
