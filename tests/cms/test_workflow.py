"""Editorial workflow: town staff drafts → coach of the consortium approves → editor publishes."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, TaskState, WorkflowState

from cms.models import CaseDiscussion, ConsortiumReviewTask, Visibility
from forum.models import Membership, Role
from forum.rules import allowed
from forum.services import remove_member
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cases import add_case_page
from tests.helpers.cast import ROLES
from tests.helpers.workflow import act, draft_by_member


def test_staff_drafts_coach_approves_editor_publishes(client, cast, case_site):
    page = draft_by_member(client, cast, case_site)
    assert not page.live
    assert page.consortium_id == cast.consortium.pk
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert isinstance(state.current_task_state.task.specific, ConsortiumReviewTask)

    # The member who drafted cannot approve their own consortium's review step.
    response, task_state = act(client, cast.user("member"), page, "approve")
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS

    # An editor cannot skip the consortium's review either.
    act(client, cast.user("editor"), page, "approve")
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS

    response, task_state = act(client, cast.user("coach"), page, "approve")
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    page.refresh_from_db()
    assert not page.live

    # The coach's approval does not publish: the second step belongs to the editors.
    response, task_state = act(client, cast.user("coach"), page, "approve")
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS

    act(client, cast.user("editor"), page, "approve")
    page.refresh_from_db()
    assert page.live
    assert page.visibility == Visibility.PUBLIC
    discussion = CaseDiscussion.objects.get(page=page)
    assert discussion.topic.space.slug == "erfahrungsaustausch"


def test_coach_may_request_changes(client, cast, case_site):
    page = draft_by_member(client, cast, case_site)
    response, task_state = act(client, cast.user("coach"), page, "reject")
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    page.refresh_from_db()
    assert not page.live


@pytest.mark.parametrize("role", ["member", "coach", "core_team"])
def test_staff_of_another_consortium_cannot_see_or_edit_the_draft(client, cast, case_site, role):
    page = draft_by_member(client, cast, case_site)
    stranger = UserFactory()
    MembershipFactory(user=stranger, consortium=cast.other_consortium, role=Role(role))
    from cms.services import sync_consortium_editors

    sync_consortium_editors(consortium=cast.other_consortium)
    client.force_login(stranger)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code != 200
    explorer = client.get(reverse("wagtailadmin_explore", args=[case_site.consortium_page.pk]))
    assert page.title not in explorer.content.decode()
    assert client.get(page.url or "/verbund/co-working-im-alten-bahnhof/").status_code == 404
    task = WorkflowState.objects.get(object_id=str(page.pk)).current_task_state.task.specific
    assert task.get_actions(page, stranger) == []
    assert not task.user_can_access_editor(page, stranger)


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_reviewers_see_the_review_on_their_dashboard(cast, case_site, client, role):
    """The review step, per role: on the dashboard and with actions exactly for those
    ``cms.review_case_page`` lets review (coach and core team of the consortium, admins)."""
    page = draft_by_member(client, cast, case_site)
    task = WorkflowState.objects.get(object_id=str(page.pk)).current_task_state.task.specific
    user = cast.user(role)
    reviews = role in {"coach", "core_team", "admin"}
    assert allowed(user, "cms.review_case_page", page) is reviews
    assert task.get_task_states_user_can_moderate(user).count() == (1 if reviews else 0)
    assert bool(task.get_actions(page, user)) is reviews


def test_admin_group_follows_membership(cast, case_site):
    member = cast.user("member")
    from cms.models import ConsortiumEditing

    group = ConsortiumEditing.objects.get(consortium=cast.consortium).group
    assert group.user_set.filter(pk=member.pk).exists()
    membership = Membership.objects.get(user=member, consortium=cast.consortium)
    remove_member(membership=membership, actor=cast.user("coach"))
    assert not group.user_set.filter(pk=member.pk).exists()


def test_scheduled_publishing_publishes_and_opens_the_discussion(cast, case_site):
    member = cast.user("member")
    page = add_case_page(
        case_site.consortium_page,
        town=member.profile.town,
        title="Themenwoche im Herbst",
        visibility=Visibility.INTERNAL,
        owner=member,
        publish=False,
    )
    page.go_live_at = timezone.now() + timedelta(days=2)
    revision = page.save_revision(user=member)
    revision.publish()
    page.refresh_from_db()
    assert not page.live
    assert revision.approved_go_live_at is not None
    assert not CaseDiscussion.objects.filter(page=page).exists()

    later = timezone.now() + timedelta(days=2, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("publish_scheduled")
    page = Page.objects.get(pk=page.pk).specific
    assert page.live
    topic = CaseDiscussion.objects.get(page=page).topic
    assert topic.space.consortium_id == cast.consortium.pk


def test_making_a_page_public_moves_its_discussion(client, cast, case_site):
    page = case_site.internal_case
    topic = CaseDiscussion.objects.get(page=page).topic
    assert topic.space.consortium_id == cast.consortium.pk
    page.visibility = Visibility.PUBLIC
    page.save_revision().publish()
    topic.refresh_from_db()
    assert topic.space.slug == "erfahrungsaustausch"
    assert client.get(page.url).status_code == 200  # anonymous visitors may read it now
