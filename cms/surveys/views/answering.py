"""The public form of a survey (no account), its thank-you page, and the QR code and A5 flyer
that lead to it (for the staff who run the survey). Thin: the form reads, the service stores,
the policy decides who gets the QR code and the flyer."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from forum import rules as policy
from forum.forms import add_service_errors, posted

from .. import flyer, selectors
from ..forms.answering import AnswerForm
from ..models import Survey, SurveyStatus
from ..services import answering as services
from ..throttle import consume_answer

QR_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def _public_survey(public_id: str) -> Survey:
    survey = selectors.survey_for_answering(public_id)
    if survey is None:
        raise Http404
    return survey


def _site_in_english() -> bool:
    return (get_language() or "").startswith("en")


def _state(survey: Survey) -> str:
    """Why a survey takes no answers today: "draft", "not_yet" or "ended"; "" if it does."""
    today = timezone.localdate()
    if survey.accepts_answers(today):
        return ""
    if survey.status == SurveyStatus.DRAFT:
        return "draft"
    if survey.status == SurveyStatus.OPEN and survey.opens_on and today < survey.opens_on:
        return "not_yet"
    return "ended"


def _closed_page(request: HttpRequest, survey: Survey, state: str, status: int) -> HttpResponse:
    context = {"survey": survey, "state": state, "title": survey.shown("title")}
    return render(request, "cms/surveys/answer_closed.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, public_id: str) -> HttpResponse:
    """The form. A filled trap field is thanked and stored nowhere; more answers from one
    network than ``SURVEY_ANSWERS_PER_NETWORK`` are refused with what was typed kept."""
    survey = _public_survey(public_id)
    state = _state(survey)
    if state:
        if request.method == "POST" and selectors.is_stored(survey, request.POST.get("submission")):
            # Sent again after the survey closed: it counted the first time.
            return redirect("cms:survey_thanks", public_id=survey.public_id)
        return _closed_page(request, survey, state, 200 if request.method != "POST" else 400)
    questions = selectors.questions_for_answering(survey)
    form = AnswerForm(posted(request), survey=survey, questions=questions)
    status = 200
    if request.method == "POST":
        if AnswerForm.is_trap_filled(request.POST):
            return redirect("cms:survey_thanks", public_id=survey.public_id)
        status = 400
        if form.is_valid():
            if not consume_answer(request, survey.pk):
                form.add_error(
                    None,
                    _(
                        "Aus Ihrem Netz kamen gerade sehr viele Antworten. Bitte versuchen Sie "
                        "es später noch einmal; Ihre Antworten bleiben hier stehen."
                    ),
                )
                status = 429
            else:
                data = form.cleaned_data
                try:
                    services.store_response(
                        survey=survey,
                        given=form.given(),
                        submission=data["submission"],
                        code=data.get("code", ""),
                        contact=data.get("contact", ""),
                        in_english=survey.in_english,
                    )
                except ValidationError as error:
                    if getattr(error, "code", None) == "closed":
                        return _closed_page(request, survey, _state(survey) or "ended", 400)
                    add_service_errors(form, error)
                else:
                    return redirect("cms:survey_thanks", public_id=survey.public_id)
    context = {
        "survey": survey,
        "shown": {field: survey.shown(field) for field in ("title", "intro", "privacy_note")},
        # The survey's own texts stay German for an English visitor when it has no English
        # version; the page around them follows the visitor's language.
        "survey_lang": "de" if _site_in_english() and not survey.in_english else "",
        "contact_days": settings.SURVEY_CONTACT_DAYS,
        "form": form,
        "asked": form.asked_questions(),
        "has_required": any(question.required for question in questions),
    }
    return render(request, "cms/surveys/answer.html", context, status=status)


@require_safe
def thanks(request: HttpRequest, public_id: str) -> HttpResponse:
    survey = _public_survey(public_id)
    context = {"survey": survey, "title": survey.shown("title")}
    return render(request, "cms/surveys/answer_thanks.html", context)


def _run_survey(request: HttpRequest, pk: int) -> Survey:
    """The survey, for the staff who run it: 404 outside its consortium, 403 to members who
    do not run it."""
    survey = selectors.survey_for_member(pk, request.user)
    if survey is None:
        raise Http404
    if not policy.allowed(request.user, "cms.run_survey", survey):
        raise PermissionDenied
    return survey


@login_required
@require_safe
def qr_code(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    survey = _run_survey(request, pk)
    url = request.build_absolute_uri(survey.get_public_url())
    response = HttpResponse(flyer.qr_image(url, ext), content_type=QR_TYPES[ext])
    response["Content-Disposition"] = (
        f'attachment; filename="befragung-{survey.public_id}-qr-code.{ext}"'
    )
    return response


@login_required
@require_safe
def flyer_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _run_survey(request, pk)
    url = request.build_absolute_uri(survey.get_public_url())
    response = HttpResponse(flyer.flyer_pdf(survey, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="befragung-{survey.public_id}-flyer.pdf"'
    return response


urlpatterns = [
    path("b/<str:public_id>/", answer, name="survey_answer"),
    path("b/<str:public_id>/danke/", thanks, name="survey_thanks"),
    re_path(r"^befragungen/(?P<pk>[0-9]+)/qr\.(?P<ext>svg|png)$", qr_code, name="survey_qr"),
    path("befragungen/<int:pk>/flyer.pdf", flyer_pdf, name="survey_flyer"),
]
