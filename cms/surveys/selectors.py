"""Reads of surveys that depend on who asks, filtered as ``cms.surveys.rules`` decides (a test
asserts that both agree for every role)."""

from __future__ import annotations

import copy
import functools
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from forum import rules as policy
from forum.models import Role

from .models import Question, QuestionTemplate, Response, ResultsRelease, Survey

NOTHING = Q(pk__in=[])


def member_surveys_q(user: Any) -> Q:
    """Surveys whose full results ``user`` sees: those of their consortia (all for admins)."""
    if policy.is_admin(user):
        return ~NOTHING
    consortia = list(policy.consortium_roles(user))
    return Q(consortium_id__in=consortia) if consortia else NOTHING


def released_surveys_q(user: Any) -> Q:
    """Surveys whose charted results ``user`` sees: their consortia's, the academy's released
    ones for members and editors, the public ones for everyone."""
    released = Q(results_release=ResultsRelease.PUBLIC)
    if policy.allowed(user, "cms.compare_surveys"):
        released |= Q(results_release=ResultsRelease.ACADEMY)
    return member_surveys_q(user) | released


def surveys_of_member(user: Any) -> QuerySet[Survey]:
    return Survey.objects.filter(member_surveys_q(user)).select_related("town", "consortium")


def survey_for_member(pk: Any, user: Any) -> Survey | None:
    """The survey, for its consortium's members; ``None`` (answered with 404) for everyone else
    exactly as for a survey that does not exist."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return surveys_of_member(user).filter(pk=pk).first()


def survey_for_answering(public_id: str) -> Survey | None:
    """The survey behind a public link, whatever its state (a draft or closed survey says so),
    with ``has_responses``."""
    return (
        Survey.objects.select_related("town")
        .annotate(has_responses=Exists(Response.objects.filter(survey=OuterRef("pk"))))
        .filter(public_id=public_id)
        .first()
    )


def questions_of(survey: Survey) -> list[Question]:
    """The survey's questions in order, with their options (two queries)."""
    return list(survey.questions.prefetch_related("options").order_by("position", "pk"))


def questions_for_answering(survey: Survey) -> list[Question]:
    """``questions_of`` the survey (from ``survey_for_answering``). Once a survey has responses
    its questions cannot change any more (``refuse_if_answered``), so each process reads them
    once instead of with every form."""
    if not survey.has_responses:
        return questions_of(survey)
    # Copies: the kept ones are shared by the process's threads and stay untouched.
    questions = [copy.copy(kept) for kept in _answered_questions(survey.pk, survey.public_id)]
    for question in questions:
        question.survey = survey  # texts in this request's language (``Question.shown``)
    return questions


@functools.lru_cache(maxsize=64)
def _answered_questions(survey_id: int, public_id: str) -> tuple[Question, ...]:
    # The random public id in the key: a survey id that a test database hands out again
    # never finds another survey's questions.
    return tuple(questions_of(Survey(pk=survey_id, public_id=public_id)))


def is_stored(survey: Survey, submission: Any) -> bool:
    """Whether the form with this ``submission`` id was stored already (any text is safe)."""
    try:
        submission = uuid.UUID(str(submission))
    except ValueError:
        return False
    return Response.objects.filter(survey=survey, submission=submission).exists()


def survey_for_released_results(pk: Any, user: Any) -> Survey | None:
    """The survey, for those who see at least its released results (charted questions);
    ``None`` (404) for everyone else."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Survey.objects.filter(released_surveys_q(user), pk=pk)
        .select_related("town", "consortium")
        .first()
    )


def released_beyond_consortium() -> QuerySet[Survey]:
    """Surveys whose results are released to the academy or as public, by town: what an editor
    may place in a case page's results block."""
    return (
        Survey.objects.filter(results_release__in=[ResultsRelease.ACADEMY, ResultsRelease.PUBLIC])
        .select_related("town")
        .order_by("town__name", "title", "pk")
    )


def survey_for_case_block(pk: Any, page: Any, user: Any) -> Survey | None:
    """The survey a case page's results block shows to ``user``, or ``None`` (the block shows
    nothing). A public page shows only results released as public; an internal page (read by
    its consortium, editors, admins) results released to the academy or the page consortium's
    own; and the viewer must see the released results in any case."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    survey = Survey.objects.select_related("town").filter(pk=pk).first()
    if survey is None:
        return None
    if getattr(page, "is_internal", False):
        fits_page = survey.results_release != ResultsRelease.CONSORTIUM or (
            survey.consortium_id == getattr(page, "consortium_id", None)
        )
    else:
        fits_page = survey.results_release == ResultsRelease.PUBLIC
    if not fits_page or not policy.allowed(user, "cms.see_released_results", survey):
        return None
    return survey


def survey_overview(user: Any) -> QuerySet[Survey]:
    """The surveys of ``user``'s consortia with their number of responses, in one query."""
    # Newest first, said again: a grouped query does not use the model's default order.
    return (
        surveys_of_member(user)
        .annotate(response_count=Count("responses"))
        .order_by("-created_at", "-pk")
    )


def survey_with_questions(pk: Any, user: Any) -> Survey | None:
    """As ``survey_for_member``, with its questions, options, skip rules and response count
    fetched in a fixed number of queries."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        survey_overview(user)
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.select_related("show_if", "template").prefetch_related(
                    "options"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def templates_by_topic() -> QuerySet[QuestionTemplate]:
    return QuestionTemplate.objects.order_by("topic", "position", "pk")


def question_template_keepers() -> QuerySet[Any]:
    """Who keeps the template library: the queryset side of ``cms.manage_question_templates``
    (core team of any consortium, editors, admins)."""
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True)
            | Q(groups__name=policy.EDITOR_GROUP)
            | Q(memberships__role=Role.CORE_TEAM),
            is_active=True,
        )
        .distinct()
    )
