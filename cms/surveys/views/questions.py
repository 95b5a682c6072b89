"""The question editor of a survey: add by kind, edit, delete, reorder, and questions from the
template library. Thin: ``cms.surveys.rules`` decides, ``services.authoring`` writes; once a
survey has answers its questions are fixed, and every page here says so."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum.forms import add_service_errors, posted

from .. import selectors
from ..forms.authoring import NewQuestionForm, QuestionForm, TemplatesForm, options_as_lines
from ..models import Question, QuestionKind, Survey
from ..services import authoring as services
from .staff import GET_POST, answered_page, confirm, runnable_survey


def _question(survey: Survey, question_pk: int) -> Question:
    question = next((q for q in survey.questions.all() if q.pk == question_pk), None)
    if question is None:
        raise Http404
    return question


def _question_form(
    request: HttpRequest, survey: Survey, kind: str, question: Question | None
) -> QuestionForm:
    position = question.position if question else float("inf")
    earlier = [q for q in survey.questions.all() if q.position < position]
    initial: dict[str, Any] = {}
    if question is not None:
        initial = {field: getattr(question, field) for field in services.QUESTION_FIELDS}
        initial["options"] = options_as_lines(question)
        initial["show_if"] = question.show_if_id
        initial["show_if_keys"] = [f"{question.show_if_id}:{k}" for k in question.show_if_keys]
    return QuestionForm(
        posted(request),
        initial=initial,
        kind=kind,
        earlier=earlier,
        english=survey.has_english,
    )


def _question_page(
    request: HttpRequest, survey: Survey, form: QuestionForm, question: Question | None
) -> HttpResponse:
    context = {
        "survey": survey,
        "form": form,
        "question": question,
        "kind_label": QuestionKind(form.kind).label,
    }
    return render(
        request,
        "cms/surveys/question_form.html",
        context,
        status=400 if form.is_bound else 200,
    )


def _refused(form: QuestionForm | TemplatesForm, error: ValidationError) -> bool:
    """Adds the service's refusal to the form; whether it was "the survey has answers"."""
    if getattr(error, "code", None) == "answered":
        return True
    add_service_errors(form, error)
    return False


@login_required
@GET_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = runnable_survey(request, pk)
    if survey.response_count:
        return answered_page(request, survey, status=200 if request.method == "GET" else 400)
    kind = request.GET.get("art", "")
    if kind not in QuestionKind.values:
        form = NewQuestionForm(request.GET if "art" in request.GET else None)
        form.is_valid()
        context = {"survey": survey, "form": form}
        return render(request, "cms/surveys/question_kind.html", context, status=200)
    form = _question_form(request, survey, kind, None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(
                actor=request.user, survey=survey, kind=kind, **form.service_arguments()
            )
        except ValidationError as error:
            if _refused(form, error):
                return answered_page(request, survey, status=400)
        else:
            messages.success(request, _("Die Frage ist hinzugefügt."))
            return redirect(survey.get_absolute_url() + "#fragen")
    return _question_page(request, survey, form, None)


@login_required
@GET_POST
def question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = runnable_survey(request, pk)
    question = _question(survey, question_pk)
    if survey.response_count:
        return answered_page(request, survey, status=200 if request.method == "GET" else 400)
    form = _question_form(request, survey, question.kind, question)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_question(
                actor=request.user, question=question, **form.service_arguments()
            )
        except ValidationError as error:
            if _refused(form, error):
                return answered_page(request, survey, status=400)
        else:
            messages.success(request, _("Die Frage ist gespeichert."))
            return redirect(survey.get_absolute_url() + f"#frage-{question.pk}")
    return _question_page(request, survey, form, question)


@login_required
@GET_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = runnable_survey(request, pk)
    question = _question(survey, question_pk)
    if request.method != "POST":
        return confirm(
            request,
            survey,
            title=_("Frage löschen"),
            text=_(
                "„%(text)s“ wird gelöscht. Fragen, die nur bei ihrer Antwort gestellt werden, "
                "werden dann immer gestellt."
            )
            % {"text": question.text},
            button=_("Frage löschen"),
        )
    try:
        services.delete_question(actor=request.user, question=question)
    except ValidationError:
        return answered_page(request, survey, status=400)
    messages.success(request, _("Die Frage ist gelöscht."))
    return redirect(survey.get_absolute_url() + "#fragen")


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = runnable_survey(request, pk)
    question = _question(survey, question_pk)
    try:
        services.move_question(
            actor=request.user, question=question, up=request.POST.get("richtung") == "hoch"
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "answered":
            return answered_page(request, survey, status=400)
        messages.error(request, " ".join(error.messages))
    return redirect(survey.get_absolute_url() + f"#frage-{question.pk}")


@login_required
@GET_POST
def templates_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = runnable_survey(request, pk)
    if survey.response_count:
        return answered_page(request, survey, status=200 if request.method == "GET" else 400)
    used = {q.template_id for q in survey.questions.all() if q.template_id}
    templates = [t for t in selectors.templates_by_topic() if t.pk not in used]
    form = TemplatesForm(posted(request), templates=templates)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_questions_from_templates(
                actor=request.user, survey=survey, templates=form.chosen()
            )
        except ValidationError as error:
            if _refused(form, error):
                return answered_page(request, survey, status=400)
        else:
            messages.success(
                request,
                _("%(count)s Fragen aus Vorlagen sind hinzugefügt.") % {"count": len(added)},
            )
            return redirect(survey.get_absolute_url() + "#fragen")
    context = {"survey": survey, "form": form, "none_left": not templates}
    return render(
        request, "cms/surveys/templates_add.html", context, status=400 if form.is_bound else 200
    )


urlpatterns = [
    path("befragungen/<int:pk>/fragen/neu/", question_add, name="survey_question_add"),
    path("befragungen/<int:pk>/fragen/vorlagen/", templates_add, name="survey_templates_add"),
    path(
        "befragungen/<int:pk>/fragen/<int:question_pk>/",
        question_edit,
        name="survey_question_edit",
    ),
    path(
        "befragungen/<int:pk>/fragen/<int:question_pk>/loeschen/",
        question_delete,
        name="survey_question_delete",
    ),
    path(
        "befragungen/<int:pk>/fragen/<int:question_pk>/verschieben/",
        question_move,
        name="survey_question_move",
    ),
]
