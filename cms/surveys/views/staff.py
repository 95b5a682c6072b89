"""What the staff pages of a survey share (``authoring`` and ``questions``): the survey for
those who may see it (404 outside its consortium) or run it (403 for the other members), the
page that says its questions are fixed by answers, and the confirm step of a deletion."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from forum import rules as policy

from .. import selectors
from ..models import Survey
from ..services import authoring as services

GET_POST = require_http_methods(["GET", "POST"])


def survey_page(request: HttpRequest, pk: int) -> Survey:
    survey = selectors.survey_with_questions(pk, request.user)
    if survey is None:
        raise Http404
    return survey


def runnable_survey(request: HttpRequest, pk: int) -> Survey:
    survey = survey_page(request, pk)
    if not policy.allowed(request.user, "cms.run_survey", survey):
        raise PermissionDenied
    return survey


def answered_page(request: HttpRequest, survey: Survey, *, status: int = 200) -> HttpResponse:
    context = {"survey": survey, "message": services.answered_message()}
    return render(request, "cms/surveys/answered.html", context, status=status)


def confirm(
    request: HttpRequest, survey: Survey, *, title: str, text: str, button: str
) -> HttpResponse:
    context = {"survey": survey, "title": title, "text": text, "button": button}
    return render(request, "cms/surveys/confirm.html", context)
