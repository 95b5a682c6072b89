"""Storing a response (``cms.surveys.services.answering.store_response``): once, whole or not
at all, and with nothing about its sender."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cms.surveys.models import AccessCode, Answer, ContactDetail, Option, Response, SurveyStatus
from cms.surveys.services.answering import Given, store_response, store_responses
from cms.surveys.services.authoring import add_question
from tests.helpers.surveys import make_survey

pytestmark = pytest.mark.django_db


def _given(built):
    return [
        Given(question=built.commute, option=built.option(built.commute, "nein")),
        Given(question=built.satisfaction, number=3),
    ]


def test_a_form_sent_twice_is_stored_once(cast):
    built = make_survey(cast.consortium)
    submission = uuid.uuid4()
    first, created = store_response(survey=built.survey, given=_given(built), submission=submission)
    again, created_again = store_response(
        survey=built.survey, given=_given(built), submission=submission
    )
    assert (created, created_again) == (True, False)
    assert first == again
    assert Response.objects.count() == 1 and Answer.objects.count() == 2


def test_a_form_sent_again_after_closing_returns_the_stored_response(cast):
    built = make_survey(cast.consortium)
    submission = uuid.uuid4()
    first, _created = store_response(
        survey=built.survey, given=_given(built), submission=submission
    )
    built.survey.status = SurveyStatus.CLOSED
    built.survey.save(update_fields=["status"])
    again, created = store_response(survey=built.survey, given=_given(built), submission=submission)
    assert (again, created) == (first, False)
    assert Response.objects.count() == 1 and Answer.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # foreign keys are checked at the real commit
def test_an_option_removed_while_the_form_was_sent_gets_a_message_and_stores_nothing(cast):
    built = make_survey(cast.consortium)
    given = _given(built)
    Option.objects.filter(pk=given[0].option.pk).delete()
    with pytest.raises(ValidationError) as changed:
        store_response(survey=built.survey, given=given, submission=uuid.uuid4())
    assert changed.value.code == "changed"
    assert not Response.objects.exists() and not Answer.objects.exists()


@pytest.mark.parametrize(
    ("status", "opens", "closes"),
    [
        (SurveyStatus.DRAFT, None, None),
        (SurveyStatus.CLOSED, None, None),
        (SurveyStatus.OPEN, 1, None),
        (SurveyStatus.OPEN, None, -1),
    ],
)
def test_a_survey_that_is_not_open_today_stores_nothing(cast, status, opens, closes):
    today = timezone.localdate()
    built = make_survey(
        cast.consortium,
        status=status,
        opens_on=today + timedelta(days=opens) if opens is not None else None,
        closes_on=today + timedelta(days=closes) if closes is not None else None,
    )
    with pytest.raises(ValidationError):
        store_response(survey=built.survey, given=_given(built), submission=uuid.uuid4())
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_the_closing_day_still_counts(cast):
    built = make_survey(cast.consortium, closes_on=timezone.localdate())
    store_response(survey=built.survey, given=_given(built), submission=uuid.uuid4())
    assert Response.objects.count() == 1


def test_an_answer_to_another_surveys_question_stores_nothing(cast):
    built = make_survey(cast.consortium)
    other = make_survey(cast.consortium, title="Andere")
    with pytest.raises(ValidationError):
        store_response(
            survey=built.survey,
            given=[*_given(built), Given(question=other.satisfaction, number=1)],
            submission=uuid.uuid4(),
        )
    assert not Response.objects.exists()


def test_a_one_time_code_is_used_up_with_the_response(cast):
    built = make_survey(cast.consortium, requires_code=True)
    AccessCode.objects.create(survey=built.survey, code="abcd2345")
    store_response(
        survey=built.survey, given=_given(built), submission=uuid.uuid4(), code="ABCD-2345"
    )
    with pytest.raises(ValidationError) as used:
        store_response(
            survey=built.survey, given=_given(built), submission=uuid.uuid4(), code="abcd2345"
        )
    assert used.value.message_dict == {"code": ["Dieser Code wurde schon benutzt."]}
    with pytest.raises(ValidationError) as unknown:
        store_response(survey=built.survey, given=_given(built), submission=uuid.uuid4())
    assert "code" in unknown.value.message_dict
    assert Response.objects.count() == 1


def test_a_contact_address_is_stored_apart_and_only_when_asked(cast):
    asking = make_survey(cast.consortium, asks_contact=True)
    silent = make_survey(cast.consortium, title="Ohne Kontakt")
    store_response(
        survey=asking.survey, given=_given(asking), submission=uuid.uuid4(), contact=" a@b.de "
    )
    store_response(
        survey=silent.survey, given=_given(silent), submission=uuid.uuid4(), contact="c@d.de"
    )
    assert list(ContactDetail.objects.values_list("survey_id", "text")) == [
        (asking.survey.pk, "a@b.de")
    ]
    # The response holds nothing that points to the contact or its sender.
    fields = {field.name for field in Response._meta.get_fields()}
    assert fields == {"id", "survey", "submission", "submitted_on", "in_english", "answers"}


def test_a_batch_of_generated_responses_is_stored_whole_or_not_at_all(cast, monkeypatch):
    """``store_responses`` (the demo's path): refused before anything is written when one
    answer is not the survey's, and no response is left behind when writing the answers fails."""
    built = make_survey(cast.consortium)
    other = make_survey(cast.consortium, title="Andere")
    good = (_given(built), timezone.localdate())
    foreign = ([Given(question=other.satisfaction, number=1)], timezone.localdate())
    with pytest.raises(ValidationError):
        store_responses(survey=built.survey, batch=[good, good, foreign])
    assert not Response.objects.exists()

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(Answer.objects, "bulk_create", broken)
        with pytest.raises(DatabaseError):
            store_responses(survey=built.survey, batch=[good, good])
    assert not Response.objects.exists()
    assert len(store_responses(survey=built.survey, batch=[good, good])) == 2
    assert Answer.objects.count() == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_question_change_waits_for_a_response_being_stored_and_is_refused(cast):
    """The public form keeps an answered survey's questions in memory; that is safe only if no
    question changes once a response is stored, also while one is being stored."""
    built = make_survey(cast.consortium)
    admin = cast.user("admin")
    stored, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def answer() -> None:
        with transaction.atomic():
            store_response(survey=built.survey, given=_given(built), submission=uuid.uuid4())
            stored.set()
            release.wait(10)
        connection.close()

    def change() -> None:
        try:
            add_question(actor=admin, survey=built.survey, kind="short_text", text="Neu?")
        except ValidationError as error:
            outcome["refused"] = error.code
        except Exception as error:
            outcome["other"] = repr(error)
        finally:
            connection.close()

    answering_thread = threading.Thread(target=answer)
    answering_thread.start()
    assert stored.wait(10)
    changing_thread = threading.Thread(target=change)
    changing_thread.start()
    changing_thread.join(0.5)
    assert changing_thread.is_alive(), outcome  # waits for the response's commit
    release.set()
    answering_thread.join(10)
    changing_thread.join(10)
    assert outcome == {"refused": "answered"}
    assert not built.survey.questions.filter(text="Neu?").exists()
