"""The results of a survey, its live count, the free text with moderation, the exports, and the
comparison across towns. Thin: the policy (``cms.surveys.rules``), the selectors and the
aggregates in ``cms.surveys.results`` decide.

Who sees what: the survey's consortium and admins see everything (``cms.see_survey_results``);
whoever may see its released results (``cms.see_released_results``: other consortia's members
and editors once released to the academy) sees the charted questions only, read-only: no free
text, no exports, no live count. Everyone else gets 404, as for a survey that does not exist;
anonymous visitors sign in first."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from forum import events
from forum import rules as policy
from forum.live import live_config

from .. import comparison, exports, results, selectors
from ..models import Answer, QuestionKind, QuestionTemplate, Survey, SurveyStatus
from ..services import results as moderation
from ..streams import ANSWERED_HINT_SECONDS, survey_stream

TEXTS_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _full_survey(request: HttpRequest, pk: int) -> Survey:
    """The survey with all of its results, or 404 alike for what does not exist and what the
    viewer may not see in full."""
    survey = selectors.survey_for_member(pk, request.user)
    if survey is None:
        raise Http404
    return survey


@login_required
@require_safe
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    survey = selectors.survey_for_member(pk, user)
    full = survey is not None
    if survey is None:
        survey = selectors.survey_for_released_results(pk, user)
    if survey is None:
        raise Http404
    live = full and survey.status == SurveyStatus.OPEN
    stream = survey_stream(survey.pk)
    # Read before the results, so that a response stored meanwhile still reaches the page.
    position = events.position_of(stream) if live else 0
    questions = selectors.questions_of(survey)
    filter_error, status = "", 200
    try:
        answer_filter = results.parse_filter(request.GET.get("filter", ""), questions)
    except results.FilterError as error:
        answer_filter, filter_error, status = None, str(error), 400
    can_moderate = full and policy.allowed(user, "cms.run_survey", survey)
    found = results.survey_results(
        survey, questions, answer_filter=answer_filter, with_texts=full, show_hidden=can_moderate
    )
    context: dict[str, Any] = {
        "survey": survey,
        "results": found,
        "full": full,
        "can_moderate": can_moderate,
        "filter_choices": results.filter_choices(questions),
        "filter_error": filter_error,
        "total_all": results.response_count(survey) if answer_filter else found.total,
        "is_open": survey.status == SurveyStatus.OPEN,
    }
    if live:
        context["live_config"] = live_config(
            stream,
            position,
            countUrl=reverse("cms:survey_response_count", kwargs={"pk": survey.pk}),
            hintSeconds=ANSWERED_HINT_SECONDS,
        )
        context["live_config"]["texts"]["surveyAnswered"] = _(
            "Neue Antworten sind eingegangen – Seite neu laden, um die Diagramme zu aktualisieren"
        )
    return render(request, "cms/surveys/results.html", context, status=status)


@login_required
@require_safe
def survey_response_count(request: HttpRequest, pk: int) -> JsonResponse:
    """The live count as a reload would show it; the page fetches it after each event."""
    survey = _full_survey(request, pk)
    return JsonResponse({"count": results.response_count(survey)})


@login_required
@require_safe
def survey_texts(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Every free-text answer to one question (or every "Sonstiges" text), newest first."""
    survey = _full_survey(request, pk)
    question = survey.questions.filter(pk=question_pk).first()
    if question is None or not (question.kind in QuestionKind.with_text() or question.has_other):
        raise Http404
    can_moderate = policy.allowed(request.user, "cms.run_survey", survey)
    texts = Answer.objects.filter(question=question, text__gt="").select_related("response")
    if not can_moderate:
        texts = texts.filter(hidden_at__isnull=True)
    page = Paginator(texts.order_by("-id"), TEXTS_PER_PAGE).get_page(request.GET.get("seite"))
    context = {
        "survey": survey,
        "question": question,
        "page": page,
        "texts": [
            results.TextAnswer(
                a.pk, a.text, a.response.submitted_on, a.is_other, a.hidden_at is not None
            )
            for a in page
        ],
        "can_moderate": can_moderate,
    }
    return render(request, "cms/surveys/texts.html", context)


def _moderate(request: HttpRequest, pk: int, answer_pk: int, *, hide: bool) -> HttpResponse:
    survey = _full_survey(request, pk)
    answer = Answer.objects.filter(pk=answer_pk, question__survey=survey).first()
    if answer is None:
        raise Http404
    service = moderation.hide_answer if hide else moderation.unhide_answer
    try:
        service(answer=answer, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Die Antwort ist ausgeblendet.") if hide else _("Die Antwort ist wieder sichtbar."),
        )
    back = request.POST.get("next", "")
    results_url = reverse("cms:survey_results", kwargs={"pk": survey.pk})
    if not back.startswith(results_url):
        back = f"{results_url}#frage-{answer.question_id}"
    return redirect(back)


@login_required
@require_POST
def hide_answer(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    return _moderate(request, pk, answer_pk, hide=True)


@login_required
@require_POST
def unhide_answer(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    return _moderate(request, pk, answer_pk, hide=False)


def _export_name(survey: Survey, extension: str) -> str:
    return f"befragung-{survey.pk}-{slugify(survey.title)[:40]}.{extension}"


@login_required
@require_safe
def export_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    survey = _full_survey(request, pk)
    questions = selectors.questions_of(survey)
    response = StreamingHttpResponse(
        exports.csv_chunks(survey, questions), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(survey, "csv")}"'
    return response


@login_required
@require_safe
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _full_survey(request, pk)
    questions = selectors.questions_of(survey)
    response = HttpResponse(exports.xlsx_bytes(survey, questions), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(survey, "xlsx")}"'
    return response


@login_required
@require_safe
def survey_comparison(request: HttpRequest) -> HttpResponse:
    """Pick a template question; see, per town, what people answered."""
    user = request.user
    if not policy.allowed(user, "cms.compare_surveys"):
        raise PermissionDenied
    groups = comparison.comparable_templates(user)
    offered = {template.key: template for _topic, templates in groups for template in templates}
    chosen_key = request.GET.get("vorlage", "")
    template: QuestionTemplate | None = offered.get(chosen_key)
    context: dict[str, Any] = {"groups": groups, "template": template, "chosen": chosen_key}
    status = 200
    if chosen_key and template is None:
        context["choice_error"] = _(
            "Diese Frage kann nicht verglichen werden. Bitte wählen Sie eine aus der Liste."
        )
        status = 400
    if template is not None:
        towns = comparison.compare(template, user)
        context["towns"] = towns
        context["few_answers"] = comparison.FEW_ANSWERS
        if template.kind == QuestionKind.NUMBER:
            context["means_chart"] = comparison.means_chart(towns)
    return render(request, "cms/surveys/comparison.html", context, status=status)


urlpatterns = [
    path("befragungen/vergleich/", survey_comparison, name="survey_comparison"),
    path("befragungen/<int:pk>/ergebnisse/", survey_results, name="survey_results"),
    path(
        "befragungen/<int:pk>/ergebnisse/anzahl/",
        survey_response_count,
        name="survey_response_count",
    ),
    path(
        "befragungen/<int:pk>/ergebnisse/frage/<int:question_pk>/",
        survey_texts,
        name="survey_texts",
    ),
    path(
        "befragungen/<int:pk>/antworten/<int:answer_pk>/ausblenden/",
        hide_answer,
        name="survey_hide_answer",
    ),
    path(
        "befragungen/<int:pk>/antworten/<int:answer_pk>/einblenden/",
        unhide_answer,
        name="survey_unhide_answer",
    ),
    path("befragungen/<int:pk>/export.csv", export_csv, name="survey_export_csv"),
    path("befragungen/<int:pk>/export.xlsx", export_xlsx, name="survey_export_xlsx"),
]
