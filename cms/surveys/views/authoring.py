"""The staff pages of a survey: the list, creating and editing, its page with questions,
state and release, copies and one-time codes (the question editor: ``questions``).
Thin: ``cms.surveys.rules`` decides, ``services.authoring`` writes. Pages of a survey answer
404 to people outside its consortium and 403 to members who may see but not run it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from forum import rules as policy
from forum.forms import add_service_errors, posted
from forum.models import Consortium, Town

from ...rules import towns_acted_for
from .. import selectors
from ..forms.authoring import (
    CodesForm,
    NewQuestionForm,
    ReleaseForm,
    SurveyForm,
)
from ..models import Survey, SurveyStatus
from ..services import authoring as services
from .staff import GET_POST, confirm, runnable_survey, survey_page


def _town_choices(user: Any) -> list[tuple[str, str]]:
    """The (town, consortium) pairs the user acts for, as "town id:consortium id"."""
    pairs = sorted(towns_acted_for(user))
    towns = Town.objects.in_bulk({town for town, _c in pairs})
    consortia = Consortium.objects.in_bulk({consortium for _t, consortium in pairs})
    several = len({consortium for _t, consortium in pairs}) > 1
    choices = [
        (
            f"{town}:{consortium}",
            f"{towns[town].name} ({consortia[consortium].name})" if several else towns[town].name,
        )
        for town, consortium in pairs
    ]
    return sorted(choices, key=lambda choice: choice[1])


# --- the list and the survey ------------------------------------------------------------------

STATE_FILTERS = [("", gettext_lazy("Alle")), *SurveyStatus.choices]
SURVEYS_PER_PAGE = 25


@login_required
@require_safe
def survey_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("stand", "")
    surveys = selectors.survey_overview(request.user)
    if state in SurveyStatus.values:
        surveys = surveys.filter(status=state)
    else:
        state = ""
    page = Paginator(surveys, SURVEYS_PER_PAGE).get_page(request.GET.get("seite"))
    context = {
        "surveys": list(page),
        "page": page,
        "query": urlencode({"stand": state}) if state else "",
        "state": state,
        "state_filters": [(value, str(label)) for value, label in STATE_FILTERS],
        "can_add": policy.allowed(request.user, "cms.create_survey"),
    }
    return render(request, "cms/surveys/list.html", context)


@login_required
@GET_POST
def survey_create(request: HttpRequest) -> HttpResponse:
    if not policy.allowed(request.user, "cms.create_survey"):
        raise PermissionDenied
    form = SurveyForm(posted(request), town_choices=_town_choices(request.user))
    if request.method == "POST" and form.is_valid():
        town_id, consortium_id = (int(part) for part in form.cleaned_data["town"].split(":"))
        try:
            survey = services.create_survey(
                actor=request.user,
                town=Town.objects.get(pk=town_id),
                consortium=Consortium.objects.get(pk=consortium_id),
                **form.survey_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Die Befragung ist als Entwurf angelegt."))
            return redirect(survey.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, "cms/surveys/form.html", {"form": form}, status=status)


def _transitions(survey: Survey) -> list[tuple[str, str]]:
    if survey.status == SurveyStatus.DRAFT:
        return [(SurveyStatus.OPEN, _("Befragung öffnen"))]
    if survey.status == SurveyStatus.OPEN:
        return [(SurveyStatus.CLOSED, _("Befragung beenden"))]
    return [(SurveyStatus.OPEN, _("Wieder öffnen"))]


def _detail(
    request: HttpRequest,
    survey: Survey,
    *,
    release_form: ReleaseForm | None = None,
    http_status: int = 200,
) -> HttpResponse:
    can_run = policy.allowed(request.user, "cms.run_survey", survey)
    answered = survey.response_count > 0
    questions = list(survey.questions.all())
    # A skip rule names its options by key; the page shows their labels.
    by_pk = {question.pk: question for question in questions}
    for question in questions:
        condition = by_pk.get(question.show_if_id)
        question.condition_labels = [
            option.label
            for option in (condition.options.all() if condition else [])
            if option.key in question.show_if_keys
        ]
    context = {
        "survey": survey,
        "questions": questions,
        "can_run": can_run,
        "answered": answered,
        "can_change_questions": can_run and not answered,
        "can_delete": can_run and not answered and survey.status == SurveyStatus.DRAFT,
        "transitions": _transitions(survey) if can_run else [],
        "answered_message": services.answered_message(),
        "new_question_form": NewQuestionForm(),
    }
    if can_run:
        context["release_form"] = release_form or ReleaseForm(
            initial={"release": survey.results_release}
        )
    return render(request, "cms/surveys/detail.html", context, status=http_status)


@login_required
@require_safe
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, survey_page(request, pk))


def _survey_initial(survey: Survey) -> dict[str, Any]:
    return {field: getattr(survey, field) for field in services.SURVEY_TEXT_FIELDS}


@login_required
@GET_POST
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = runnable_survey(request, pk)
    form = SurveyForm(posted(request), initial=_survey_initial(survey))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_survey(actor=request.user, survey=survey, **form.survey_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Die Befragung ist gespeichert."))
            return redirect(survey.get_absolute_url())
    status = 400 if form.is_bound else 200
    context = {"form": form, "survey": survey}
    return render(request, "cms/surveys/form.html", context, status=status)


@login_required
@GET_POST
def survey_delete(request: HttpRequest, pk: int) -> HttpResponse:
    survey = runnable_survey(request, pk)
    if request.method != "POST":
        return confirm(
            request,
            survey,
            title=_("Entwurf löschen"),
            text=_(
                "Der Entwurf und seine Fragen werden gelöscht. Das lässt sich nicht rückgängig "
                "machen."
            ),
            button=_("Endgültig löschen"),
        )
    try:
        services.delete_survey(actor=request.user, survey=survey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(survey.get_absolute_url())
    messages.success(request, _("Der Entwurf ist gelöscht."))
    return redirect("cms:survey_list")


@login_required
@GET_POST
def survey_copy(request: HttpRequest, pk: int) -> HttpResponse:
    survey = runnable_survey(request, pk)
    if request.method != "POST":
        return confirm(
            request,
            survey,
            title=_("Kopie anlegen"),
            text=_(
                "Die Kopie ist ein neuer Entwurf mit denselben Texten, Fragen, "
                "Antwortmöglichkeiten und Bedingungen, aber ohne Antworten und Codes. Ihre "
                "Fragen können Sie ändern."
            ),
            button=_("Kopie anlegen"),
        )
    copy = services.copy_survey(actor=request.user, survey=survey)
    messages.success(request, _("Die Kopie ist als Entwurf angelegt."))
    return redirect(copy.get_absolute_url())


STATUS_TEXTS = {
    SurveyStatus.OPEN: (
        gettext_lazy("Befragung öffnen"),
        gettext_lazy(
            "Ab jetzt nimmt die Befragung über ihren öffentlichen Link Antworten an (innerhalb "
            "ihres Zeitraums). Sobald die erste Antwort da ist, lassen sich die Fragen nicht mehr "
            "ändern."
        ),
    ),
    SurveyStatus.CLOSED: (
        gettext_lazy("Befragung beenden"),
        gettext_lazy(
            "Die Befragung nimmt keine Antworten mehr an. Solange ihr letzter Tag nicht vorbei "
            "ist, können Sie sie wieder öffnen."
        ),
    ),
}


@login_required
@GET_POST
def survey_status(request: HttpRequest, pk: int, status: str) -> HttpResponse:
    survey = runnable_survey(request, pk)
    if status not in STATUS_TEXTS:
        raise Http404
    title, text = STATUS_TEXTS[status]
    if request.method != "POST":
        return confirm(request, survey, title=title, text=text, button=title)
    try:
        services.change_status(actor=request.user, survey=survey, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Die Befragung ist geöffnet.")
            if status == SurveyStatus.OPEN
            else _("Die Befragung ist beendet."),
        )
    return redirect(survey.get_absolute_url())


@login_required
@require_POST
def survey_release(request: HttpRequest, pk: int) -> HttpResponse:
    survey = runnable_survey(request, pk)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        services.release_results(
            actor=request.user, survey=survey, release=form.cleaned_data["release"]
        )
        messages.success(request, _("Die Freigabe der Ergebnisse ist gespeichert."))
        return redirect(survey.get_absolute_url() + "#freigabe")
    return _detail(request, survey, release_form=form, http_status=400)


# --- one-time codes ---------------------------------------------------------------------------


@login_required
@GET_POST
def codes(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable list of codes, and the form for more. Which response used which code is
    not stored, so not shown either."""
    survey = runnable_survey(request, pk)
    if not survey.requires_code:
        raise Http404
    form = CodesForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.generate_codes(
                actor=request.user, survey=survey, count=form.cleaned_data["count"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(count)s neue Codes.") % {"count": len(made)})
            return redirect("cms:survey_codes", pk=survey.pk)
    all_codes = list(survey.codes.order_by("pk").values_list("code", "used_at"))
    context = {
        "survey": survey,
        "form": form,
        "codes": [code for code, used_at in all_codes if used_at is None],
        "used": sum(1 for _code, used_at in all_codes if used_at is not None),
        "total": len(all_codes),
    }
    return render(request, "cms/surveys/codes.html", context, status=400 if form.is_bound else 200)


urlpatterns = [
    path("befragungen/", survey_list, name="survey_list"),
    path("befragungen/neu/", survey_create, name="survey_create"),
    path("befragungen/<int:pk>/", survey_detail, name="survey_detail"),
    path("befragungen/<int:pk>/bearbeiten/", survey_edit, name="survey_edit"),
    path("befragungen/<int:pk>/loeschen/", survey_delete, name="survey_delete"),
    path("befragungen/<int:pk>/kopieren/", survey_copy, name="survey_copy"),
    path("befragungen/<int:pk>/stand/<str:status>/", survey_status, name="survey_status"),
    path("befragungen/<int:pk>/freigabe/", survey_release, name="survey_release"),
    path("befragungen/<int:pk>/codes/", codes, name="survey_codes"),
]
