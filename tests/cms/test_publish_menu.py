"""The editor's action menu on a page in review offers each role what it should do at that
step; "Veröffentlichen" (which cancels the review) is not among them."""

import re

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from tests.helpers.workflow import act, create_form, draft_by_member


def _menu(client, user, page) -> set[str]:
    client.force_login(user)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    footer = html[html.find("<footer") : html.find("</footer>")]
    names = set(re.findall(r'<button[^>]*name="(action-[a-z-]+)"', footer))
    labels = re.findall(r"<button[^>]*data-workflow-action-name[^>]*>(.*?)</button>", footer, re.S)
    return names | {re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in labels}


REVIEW_STEP = {
    "member": {"action-cancel-workflow"},
    "coach": {"Änderungen anfordern", "Freigeben", "Mit Kommentar freigeben"},
    "core_team": {"Änderungen anfordern", "Freigeben", "Mit Kommentar freigeben"},
    "admin": {"Änderungen anfordern", "Freigeben", "Mit Kommentar freigeben"},
}


@pytest.mark.parametrize("role", sorted(REVIEW_STEP))
def test_review_step_menu_offers_only_withdraw_or_decide_never_publish(
    client, cast, case_site, role
):
    page = draft_by_member(client, cast, case_site)
    menu = _menu(client, cast.user(role), page)
    assert "action-publish" not in menu
    assert {item for item in menu if item != "action-submit"} >= REVIEW_STEP[role]
    if role != "member":
        assert "action-cancel-workflow" not in menu


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_publish_step_menu_offers_approve_and_publish_but_not_publish_alone(
    client, cast, case_site, role
):
    page = draft_by_member(client, cast, case_site)
    act(client, cast.user("coach"), page, "approve")
    menu = _menu(client, cast.user(role), page)
    assert "action-publish" not in menu
    assert "action-cancel-workflow" not in menu
    assert "Freigeben und Veröffentlichen" in menu
    assert "Änderungen anfordern" in menu


def test_publishing_past_the_review_saves_a_draft_and_keeps_the_review(client, cast, case_site):
    page = draft_by_member(client, cast, case_site)
    act(client, cast.user("coach"), page, "approve")
    client.force_login(cast.user("editor"))
    data = create_form(cast.user("member").profile.town, title="Neuer Titel")
    del data["action-submit"]
    data["action-publish"] = "1"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert page.draft_title == "Neuer Titel"
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_editor_may_still_publish_a_page_outside_any_review(client, cast, case_site):
    client.force_login(cast.user("editor"))
    menu = _menu(client, cast.user("editor"), case_site.public_case)
    assert "action-publish" in menu
