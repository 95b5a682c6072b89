"""Storing one response: once, whole or not at all, and without anything about its sender."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import events

from ..models import AccessCode, Answer, ContactDetail, Option, Question, Response, Survey
from ..streams import survey_stream


@dataclass(frozen=True)
class Given:
    """One answer as the public form read it, already checked against its question by the
    form: a chosen option, "other" with its text, a number, or a text."""

    question: Question
    option: Option | None = None
    is_other: bool = False
    number: Decimal | None = None
    text: str = ""


@transaction.atomic
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
    same ``submission`` (double click, resend) returns the stored response and changes nothing.

    Checked here, in the transaction: the survey takes answers today, every answer belongs to
    one of its questions, and a one-time code (for surveys that require one) is unused; the
    code is used up with the same commit. Raises ``ValidationError`` with the field named
    (``code``) or without (the survey is not open). ``on`` is the day it came in, today unless
    given (only the demo data, spread over weeks, gives it)."""
    stored = Response.objects.filter(survey=survey, submission=submission).first()
    if stored is not None:
        return stored, False
    survey = Survey.objects.get(pk=survey.pk)
    _check(survey, given, on)
    if survey.requires_code:
        _use_code(survey, code)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                submission=submission,
                in_english=in_english,
                submitted_on=on or timezone.localdate(),
            )
    except IntegrityError:  # the same form, sent twice at once: the other request stored it
        return Response.objects.get(survey=survey, submission=submission), False
    Answer.objects.bulk_create(_answer_rows(response, given))
    if survey.asks_contact and contact.strip():
        ContactDetail.objects.create(
            survey=survey, text=contact.strip(), given_on=on or timezone.localdate()
        )
    # Last, so the stream's head stays locked only for the end of the transaction.
    events.publish(
        survey_stream(survey.pk),
        "survey.answered",
        {
            "survey_id": survey.pk,
            "count_url": reverse("cms:survey_response_count", kwargs={"pk": survey.pk}),
        },
    )
    return response, True


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
