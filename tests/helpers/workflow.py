"""Driving a case page through the review workflow as the admin's forms do: drafted and
submitted by the cast's member, acted on by a reviewer."""

import json

from django.urls import reverse
from wagtail.models import WorkflowState

from cms.models import LabCasePage


def rich_text(text: str) -> str:
    """The Draftail editor posts its content state as JSON."""
    block = {
        "key": "a1b2c",
        "text": text,
        "type": "unstyled",
        "depth": 0,
        "inlineStyleRanges": [],
        "entityRanges": [],
    }
    return json.dumps({"blocks": [block], "entityMap": {}})


def create_form(town, **overrides):
    data = {
        "title": "Co-Working im alten Bahnhof",
        "slug": "co-working-im-alten-bahnhof",
        "summary": "Probetage im Bahnhofsgebäude.",
        "town": town.pk,
        "period_start": "2022-05-02",
        "period_end": "",
        "visibility": "public",
        "goals": rich_text("Pendler vor Ort halten."),
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-submit": "1",
    }
    data.update(overrides)
    return data


def draft_by_member(client, cast, case_site):
    member = cast.user("member")
    client.force_login(member)
    url = reverse(
        "wagtailadmin_pages:add",
        args=["cms", "labcasepage", case_site.consortium_page.pk],
    )
    response = client.post(url, create_form(member.profile.town))
    assert response.status_code == 302, response.content.decode()[:2000]
    return LabCasePage.objects.get(slug="co-working-im-alten-bahnhof")


def act(client, user, page, action):
    client.force_login(user)
    state = WorkflowState.objects.get(
        object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, {}), task_state
