"""The "Fallstudien" page (``CaseIndexPage``): which filters it offers and what it lists, the
case pages the visitor may read (``cms.selectors.case_pages_visible_to``) narrowed by them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from forum.models import Challenge, Consortium, Format, State
from forum.numbers import page_number
from forum.text import GermanChoicesSelect

from . import selectors
from .models import Outcome, TownSize

CASES_PER_PAGE = 12


class CaseFilterForm(forms.Form):
    """The case index filters; GET parameters in German, like the rest of the site's URLs."""

    verbund = forms.ModelChoiceField(
        label=_("Verbund"),
        queryset=Consortium.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle Verbünde"),
        widget=GermanChoicesSelect,
    )
    thema = forms.ChoiceField(label=_("Themenfeld"), required=False, widget=GermanChoicesSelect)
    handlungsfeld = forms.ModelChoiceField(
        label=_("Handlungsfeld"),
        queryset=Challenge.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle Handlungsfelder"),
        widget=GermanChoicesSelect,
    )
    format = forms.ModelChoiceField(
        label=_("Format"),
        queryset=Format.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle Formate"),
        widget=GermanChoicesSelect,
    )
    ergebnis = forms.ChoiceField(
        label=_("Ergebnis"),
        choices=[("", _("Alle Ergebnisse")), *Outcome.choices],
        required=False,
    )
    land = forms.ChoiceField(
        label=_("Bundesland"), choices=[("", _("Alle Länder")), *State.choices], required=False
    )
    groesse = forms.ChoiceField(
        label=_("Größe der Kleinstadt"),
        choices=[("", _("Alle Größen")), *TownSize.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = Consortium.objects.order_by("theme").values_list("theme", flat=True).distinct()
        self.fields["thema"].choices = [("", _("Alle Themenfelder"))] + [(t, t) for t in themes]

    def filter(self, pages):
        data = self.cleaned_data
        if data.get("verbund"):
            pages = pages.filter(consortium=data["verbund"])
        if data.get("thema"):
            pages = pages.filter(consortium__theme=data["thema"])
        # One term per filter: each join matches a page at most once, so no duplicates.
        if data.get("handlungsfeld"):
            pages = pages.filter(challenges=data["handlungsfeld"])
        if data.get("format"):
            pages = pages.filter(formats=data["format"])
        if data.get("ergebnis"):
            pages = pages.filter(outcome=data["ergebnis"])
        if data.get("land"):
            pages = pages.filter(town__state=data["land"])
        if data.get("groesse"):
            low, high = TownSize.population_range(data["groesse"])
            if low is not None:
                pages = pages.filter(town__population__gte=low)
            if high is not None:
                pages = pages.filter(town__population__lt=high)
        return pages


def _filter_query(form: forms.Form) -> str:
    """The active filters as a query string, for pagination links."""
    if not form.is_valid():
        return ""
    values = {
        name: form.data[name] for name in form.fields if form.data.get(name) not in (None, "")
    }
    return urlencode(values)


def case_index_context(request: HttpRequest) -> dict[str, Any]:
    """The page's context: filters that do not validate list nothing."""
    form = CaseFilterForm(request.GET or None)
    pages = selectors.case_pages_visible_to(request.user)
    if form.is_bound and form.is_valid():
        pages = form.filter(pages)
    elif form.is_bound:
        pages = pages.none()
    page = Paginator(pages, CASES_PER_PAGE).get_page(page_number(request.GET))
    return {
        "filter_form": form,
        "cases": page,
        "filter_query": _filter_query(form),
        "is_filtered": bool(_filter_query(form)),
    }
