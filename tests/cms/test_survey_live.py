"""The live count: a new response is announced on ``survey:<id>`` after the commit, to those
who see all results only; a response sent again is not announced."""

import time
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.surveys.models import AccessCode
from cms.surveys.services import answering
from cms.surveys.services.answering import Given, store_response
from forum.models import StreamEvent
from tests.helpers.cast import ROLES
from tests.helpers.realtime import connect, receive, subscribe, unexpected
from tests.helpers.surveys import make_survey

db = database_sync_to_async
SEES_ALL = {"member", "coach", "core_team", "admin"}


@pytest.fixture
def fresh_layer():
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def answer(built, submission=None):
    return store_response(
        survey=built.survey,
        given=[Given(built.commute, option=built.option(built.commute, "ja"))],
        submission=submission or uuid.uuid4(),
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
async def test_survey_stream_role_matrix(cast, fresh_layer, role):
    built = await db(make_survey)(cast.consortium)
    stream = f"survey:{built.survey.pk}"
    socket = await connect(cast.user(role))
    await socket.send_json_to({"type": "subscribe", "stream": stream})
    expected = "subscribed" if role in SEES_ALL else "refused"
    assert await receive(socket) == {"type": expected, "stream": stream}
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_member_hears_of_a_new_response_and_not_of_a_resend(cast, fresh_layer):
    built = await db(make_survey)(cast.consortium)
    stream = f"survey:{built.survey.pk}"
    socket = await connect(cast.user("member"))
    await subscribe(socket, stream)
    submission = uuid.uuid4()
    await db(answer)(built, submission)
    message = await receive(socket)
    assert message["kind"] == "survey.answered"
    assert message["position"] == 1
    assert message["payload"] == {
        "survey_id": built.survey.pk,
        "count_url": reverse("cms:survey_response_count", kwargs={"pk": built.survey.pk}),
    }
    await db(answer)(built, submission)  # the same form again: stored once, said once
    assert await unexpected(socket) == []
    await socket.disconnect()


@pytest.mark.django_db
def test_nothing_is_announced_when_storing_fails(cast, django_capture_on_commit_callbacks):
    built = make_survey(cast.consortium, status="closed")
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        answer(built)
    assert callbacks == []
    assert not StreamEvent.objects.filter(stream=f"survey:{built.survey.pk}").exists()


@pytest.mark.django_db
def test_answers_within_the_hint_window_are_hinted_once(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(answering, "ANSWERED_HINT_SECONDS", 1)
    built = make_survey(cast.consortium)
    stream = f"survey:{built.survey.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            answer(built)
    assert StreamEvent.objects.filter(stream=stream).count() == 1
    time.sleep(1.2)  # the window is over: the next answer is hinted again
    with django_capture_on_commit_callbacks(execute=True):
        answer(built)
    assert StreamEvent.objects.filter(stream=stream).count() == 2


@pytest.mark.django_db
def test_a_response_that_was_not_stored_opens_no_window(cast, django_capture_on_commit_callbacks):
    built = make_survey(cast.consortium, requires_code=True)
    AccessCode.objects.create(survey=built.survey, code="abcd2345")
    given = [Given(built.commute, option=built.option(built.commute, "ja"))]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        store_response(survey=built.survey, given=given, submission=uuid.uuid4(), code="x")
    with django_capture_on_commit_callbacks(execute=True):
        store_response(survey=built.survey, given=given, submission=uuid.uuid4(), code="abcd2345")
    assert StreamEvent.objects.filter(stream=f"survey:{built.survey.pk}").count() == 1


@pytest.mark.django_db
def test_the_results_page_is_told_the_hint_window(client, cast):
    built = make_survey(cast.consortium)
    client.force_login(cast.user("member"))
    page = client.get(reverse("cms:survey_results", kwargs={"pk": built.survey.pk}))
    assert page.context["live_config"]["hintSeconds"] == answering.ANSWERED_HINT_SECONDS
