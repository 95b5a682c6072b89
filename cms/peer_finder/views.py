"""The page "Wer hat das schon gemacht?": a GET form (bookmarkable, works without JavaScript)
and the ranked results with their reasons. Open to everyone; what is found follows the policy
(``search.entries_visible_to``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forum.models import Challenge, Format, Profile, State
from forum.numbers import page_number
from forum.text import GermanChoicesSelect

from ..models import Outcome, TownSize
from .entries import EntryKind
from .search import RADII_KM, Filters, Viewer, find
from .terms import Vocabulary, read_question

PER_PAGE = 20
MAX_QUESTION_LENGTH = 200
# Shown before the first search and when nothing matched.
EXAMPLE_QUESTIONS = (
    "Co-Working im Leerstand, Stadt unter 15.000",
    "Befragung mit QR-Code",
    "Pendler am Bahnhof",
    "gescheitert – Co-Working-Räume",
)


class PeerFinderForm(forms.Form):
    frage = forms.CharField(
        label=_("Ihre Frage"),
        max_length=MAX_QUESTION_LENGTH,
        required=False,
        help_text=_("Zum Beispiel: „Co-Working im Leerstand, Stadt unter 15.000“"),
        error_messages={
            "max_length": _("Bitte fassen Sie die Frage in höchstens %(limit_value)d Zeichen.")
        },
    )
    handlungsfeld = forms.ChoiceField(
        label=_("Handlungsfeld"), required=False, widget=GermanChoicesSelect
    )
    format = forms.ChoiceField(label=_("Format"), required=False, widget=GermanChoicesSelect)
    ergebnis = forms.ChoiceField(
        label=_("Ergebnis"), choices=[("", _("Alle Ergebnisse")), *Outcome.choices], required=False
    )
    groesse = forms.ChoiceField(
        label=_("Größenklasse"),
        choices=[("", _("Alle Größen")), *TownSize.choices],
        required=False,
    )
    land = forms.ChoiceField(
        label=_("Bundesland"), choices=[("", _("Alle Länder")), *State.choices], required=False
    )
    umkreis = forms.ChoiceField(
        label=_("Umkreis um meine Kleinstadt"),
        choices=[("", _("Egal wie weit")), *((str(km), f"{km} km") for km in RADII_KM)],
        required=False,
    )
    art = forms.ChoiceField(
        label=_("Was"), choices=[("", _("Alles")), *EntryKind.choices], required=False
    )

    def __init__(self, *args: Any, vocabulary: Vocabulary, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vocabulary = vocabulary
        self.viewer = viewer
        self.fields["handlungsfeld"].choices = [("", _("Alle Handlungsfelder"))] + [
            (term.slug, term.name) for term in vocabulary.challenges
        ]
        self.fields["format"].choices = [("", _("Alle Formate"))] + [
            (term.slug, term.name) for term in vocabulary.formats
        ]
        self.fields["art"].widget = forms.HiddenInput()
        if viewer.coordinates is None:
            self.fields["umkreis"].widget = forms.HiddenInput()

    def clean_umkreis(self) -> int | None:
        value = self.cleaned_data["umkreis"]
        if not value:
            return None
        if self.viewer.coordinates is None:
            raise forms.ValidationError(
                _(
                    "Den Umkreis können Sie wählen, wenn in Ihrem Profil eine Kleinstadt mit "
                    "Koordinaten eingetragen ist."
                )
            )
        return int(value)

    def filters(self) -> Filters:
        data = self.cleaned_data
        challenges = {term.slug: term for term in self.vocabulary.challenges}
        formats = {term.slug: term for term in self.vocabulary.formats}
        return Filters(
            challenge=challenges.get(data["handlungsfeld"]),
            format=formats.get(data["format"]),
            outcome=data["ergebnis"],
            size=data["groesse"],
            state=data["land"],
            radius=data["umkreis"],
            kind=data["art"],
        )


def _viewer(user: Any) -> Viewer:
    if not user.is_authenticated:
        return Viewer()
    profile = Profile.objects.select_related("town").filter(user=user).first()
    return Viewer(town=profile.town if profile else None)


def _query(form: PeerFinderForm, **changes: str) -> str:
    """The form's values as a query string (without the page), with ``changes`` applied."""
    values = {
        name: form.data.get(name, "")
        for name in form.fields
        if isinstance(form.data.get(name, ""), str)
    }
    values.update(changes)
    return urlencode({name: value for name, value in values.items() if value})


def peer_finder(request: HttpRequest) -> HttpResponse:
    vocabulary = Vocabulary(
        challenges=list(Challenge.objects.all()), formats=list(Format.objects.all())
    )
    viewer = _viewer(request.user)
    form = PeerFinderForm(request.GET or None, vocabulary=vocabulary, viewer=viewer)
    context: dict[str, Any] = {
        "form": form,
        "searched": False,
        "examples": [
            (example, f"{reverse('cms:peer_finder')}?{urlencode({'frage': example})}")
            for example in EXAMPLE_QUESTIONS
        ],
        "may_use_radius": viewer.coordinates is not None,
    }
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        question = read_question(form.cleaned_data["frage"].strip(), vocabulary)
        filters = form.filters()
        if question.stems or question.has_hints or filters.any:
            findings = find(request.user, question, filters, viewer)
            page = Paginator(findings.results, PER_PAGE).get_page(page_number(request.GET))
            context.update(
                searched=True,
                question=question,
                counts=findings.counts,
                total=sum(findings.counts.values()),
                results=page,
                page_query=_query(form),
                kinds=[
                    {
                        "value": value,
                        "label": label,
                        "count": findings.counts[value] if value else None,
                        "current": filters.kind == value,
                        "url": f"?{_query(form, art=value)}",
                    }
                    for value, label in [("", _("Alles")), *EntryKind.choices]
                ],
                is_filtered=filters.any,
                unfiltered_url=f"?{urlencode({'frage': question.text})}",
            )
    return render(request, "cms/peer_finder.html", context, status=status)
