"""Storing one response: once, whole or not at all, and without anything about its sender."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import events

from ..models import (
    AccessCode,
    Answer,
    ContactDetail,
    Option,
    Question,
    Response,
    Survey,
    SurveyStatus,
)
from ..streams import ANSWERED_HINT_SECONDS, survey_stream


@dataclass(frozen=True)
class Given:
    """One answer as the public form read it, already checked against its question by the
    form: a chosen option, "other" with its text, a number, or a text."""

    question: Question
    option: Option | None = None
    is_other: bool = False
    number: Decimal | None = None
    text: str = ""


def store_response(
    *,
    survey: Survey,
    given: list[Given],
    submission: uuid.UUID,
    code: str = "",
    contact: str = "",
    in_english: bool = False,
    on: date | None = None,
) -> tuple[Response, bool]:
    """Store a response once; returns it and whether it is new. A form sent again with the
    same ``submission`` (double click, resend, also after the survey closed) returns the stored
    response and changes nothing.

    Checked here, in one transaction: ``survey`` (as the caller read it) takes answers, every
    answer belongs to one of its questions, and a one-time code (for surveys that require one)
    is unused; the code is used up with the same commit. Raises ``ValidationError`` with the
    field named (``code``) or without (the survey is not open). ``on`` is the day it came in,
    today unless given (only the demo data, spread over weeks, gives it)."""
    try:
        return _store_new(survey, given, submission, code, contact, in_english, on), True
    except IntegrityError as error:
        # The response's insert comes first, so a form stored before (or by a request running
        # at the same moment) fails on the unique submission before anything else is written.
        stored = Response.objects.filter(survey=survey, submission=submission).first()
        if stored is not None:
            return stored, False
        # Otherwise an answer's question or option went away while the form was being sent
        # (the survey had no responses yet, so its questions could still change).
        raise ValidationError(
            _(
                "Die Fragen dieser Befragung wurden eben geändert. Bitte prüfen Sie Ihre "
                "Antworten und senden Sie sie noch einmal."
            ),
            code="changed",
        ) from error


@transaction.atomic
def _store_new(
    survey: Survey,
    given: list[Given],
    submission: uuid.UUID,
    code: str,
    contact: str,
    in_english: bool,
    on: date | None,
) -> Response:
    day = on or timezone.localdate()
    response = Response.objects.create(
        survey=survey, submission=submission, in_english=in_english, submitted_on=day
    )
    survey = _held(survey)
    _check(survey, given, on)
    if survey.requires_code:
        _use_code(survey, code)
    Answer.objects.bulk_create(_answer_rows(response, given))
    if survey.asks_contact and contact.strip():
        ContactDetail.objects.create(survey=survey, text=contact.strip(), given_on=day)
    transaction.on_commit(lambda: _hint_answered(survey), robust=True)
    return response


def _hint_answered(survey: Survey) -> None:
    """Hint that ``survey`` has a new response, unless a hint went out in the last
    ``ANSWERED_HINT_SECONDS``. Run after the commit, so a response that was not stored
    suppresses nothing."""
    # The public id is random: a survey id reused by a test database never inherits a window.
    if not cache.add(f"survey-answered:{survey.public_id}", True, ANSWERED_HINT_SECONDS):
        return
    with transaction.atomic():
        events.publish(
            survey_stream(survey.pk),
            "survey.answered",
            {
                "survey_id": survey.pk,
                "count_url": reverse("cms:survey_response_count", kwargs={"pk": survey.pk}),
            },
        )


def _held(survey: Survey) -> Survey:
    """``survey`` with its state read again in this transaction, and its row held with a
    key-share lock to the commit (foreign keys are checked only at the commit, so the insert
    alone holds nothing): a change of questions (``refuse_if_answered`` locks the row for
    update) waits for this response and then refuses, while responses do not wait for each
    other."""
    lock = " FOR KEY SHARE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, opens_on, closes_on FROM {Survey._meta.db_table} "  # noqa: S608
            f"WHERE id = %s{lock}",
            [survey.pk],
        )
        row = cursor.fetchone()
    current = copy.copy(survey)
    if row is None:  # deleted meanwhile: takes no answers
        current.status = SurveyStatus.CLOSED
    else:
        current.status, current.opens_on, current.closes_on = row
    return current


def _answer_rows(response: Response, given: list[Given]) -> list[Answer]:
    return [
        Answer(
            response=response,
            question=item.question,
            option=item.option,
            is_other=item.is_other,
            number=item.number,
            text=item.text,
        )
        for item in given
    ]


def _check(survey: Survey, given: list[Given], day: date | None) -> None:
    """The survey takes answers on ``day`` (today if ``None``), and every answer belongs to one
    of its questions (and a chosen option to that question)."""
    if not survey.accepts_answers(day):
        raise ValidationError(_("Diese Befragung nimmt keine Antworten an."), code="closed")
    for item in given:
        if item.question.survey_id != survey.pk or (
            item.option is not None and item.option.question_id != item.question.pk
        ):
            raise ValidationError(_("Diese Antwort gehört nicht zu dieser Befragung."))


def _use_code(survey: Survey, code: str) -> None:
    normalised = code.strip().lower().replace(" ", "").replace("-", "")
    access = (
        AccessCode.objects.select_for_update().filter(survey=survey, code=normalised).first()
        if normalised
        else None
    )
    if access is None:
        raise ValidationError(
            {"code": _("Diesen Code gibt es für diese Befragung nicht. Bitte prüfen Sie ihn.")}
        )
    if access.used_at is not None:
        raise ValidationError({"code": _("Dieser Code wurde schon benutzt.")})
    access.used_at = timezone.now()
    access.save(update_fields=["used_at"])


@transaction.atomic
def remove_old_contact_details(*, closed_before: datetime) -> int:
    """Retention: the contact details of surveys that closed before ``closed_before`` (by
    their closing date or by being closed, whichever came first); returns how many went."""
    deleted, _per_model = ContactDetail.objects.filter(
        Q(survey__closed_at__lt=closed_before)
        | Q(survey__closes_on__lt=timezone.localdate(closed_before))
    ).delete()
    return deleted


@transaction.atomic
def store_responses(*, survey: Survey, batch: list[tuple[list[Given], date]]) -> list[Response]:
    """Many responses at once, each with the day it came in: generated data (the demo, load
    tests), not the public form. Checked as ``store_response`` checks one (the survey takes
    answers on each day, every answer belongs to it); surveys with one-time codes take answers
    through the form only."""
    survey = Survey.objects.get(pk=survey.pk)
    if survey.requires_code:
        raise ValidationError(_("Diese Befragung nimmt Antworten nur mit Einmal-Code an."))
    for given, day in batch:
        _check(survey, given, day)
    responses = Response.objects.bulk_create(
        Response(survey=survey, submitted_on=day) for _given, day in batch
    )
    Answer.objects.bulk_create(
        (
            row
            for response, (given, _day) in zip(responses, batch, strict=True)
            for row in _answer_rows(response, given)
        ),
        batch_size=2000,
    )
    return responses
