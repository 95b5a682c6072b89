"""Case pages in review: the consortium's reviewers are told that a page waits for them, the
author is told how it went, and Wagtail's own emails speak our language."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from cms.services import sync_default_site
from forum.models import Delivery, Notification, NotificationKind, Role
from forum.notifications import send_digests, set_preferences
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cast import ROLES
from tests.helpers.workflow import act, draft_by_member


def _kinds_for(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_reviewers_of_the_consortium_are_told_a_case_page_waits_for_review(
    client, cast, case_site, role, django_capture_on_commit_callbacks
):
    """Role matrix: coach and core team of the page's consortium, nobody else (not the author,
    not editors, not admins of every consortium, not the other consortium)."""
    with django_capture_on_commit_callbacks(execute=True):
        page = draft_by_member(client, cast, case_site)
    told = _kinds_for(cast.user(role), NotificationKind.CASE_REVIEW)
    assert bool(told) is (role in {"coach", "core_team"})
    if told:
        assert told[0].title == page.draft_title
        assert told[0].url == reverse("wagtailadmin_pages:edit", args=[page.pk])
        assert told[0].consortium_id == cast.consortium.pk


@pytest.mark.parametrize("role", [Role.COACH, Role.CORE_TEAM])
def test_reviewers_of_another_consortium_are_not_told_of_a_case_page(client, cast, case_site, role):
    stranger = UserFactory()
    MembershipFactory(user=stranger, consortium=cast.other_consortium, role=role)
    draft_by_member(client, cast, case_site)
    assert not Notification.objects.filter(recipient=stranger).exists()


def test_coach_sees_the_review_request_in_the_bell(client, cast, case_site):
    page = draft_by_member(client, cast, case_site)
    client.force_login(cast.user("coach"))
    response = client.get(reverse("forum:notifications"))
    assert page.draft_title in response.content.decode()


def test_reviewer_is_emailed_of_the_review_request_by_default(
    client, cast, case_site, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = draft_by_member(client, cast, case_site)
    coach = cast.user("coach")
    to_coach = [message for message in mail.outbox if coach.email in message.to]
    assert len(to_coach) == 1
    assert page.draft_title in to_coach[0].subject
    assert "Fallstudie zur Prüfung" in to_coach[0].subject


def test_author_is_told_when_the_consortium_approves_the_case_page(client, cast, case_site):
    page = draft_by_member(client, cast, case_site)
    act(client, cast.user("coach"), page, "approve")
    (notice,) = _kinds_for(cast.user("member"), NotificationKind.CASE_DECISION)
    assert notice.title.startswith("Vom Verbund freigegeben")
    assert notice.actor == cast.user("coach")


def test_author_is_told_when_the_case_page_is_sent_back(client, cast, case_site):
    page = draft_by_member(client, cast, case_site)
    act(client, cast.user("coach"), page, "reject")
    (notice,) = _kinds_for(cast.user("member"), NotificationKind.CASE_DECISION)
    assert notice.title.startswith("Zurückgeschickt")


def test_author_is_told_when_the_case_page_is_published(client, cast, case_site):
    page = draft_by_member(client, cast, case_site)
    act(client, cast.user("coach"), page, "approve")
    act(client, cast.user("editor"), page, "approve")
    page.refresh_from_db()
    notices = _kinds_for(cast.user("member"), NotificationKind.CASE_DECISION)
    assert notices[0].title.startswith("Veröffentlicht")
    assert notices[0].actor == cast.user("editor")
    assert notices[1].title.startswith("Vom Verbund freigegeben")
    assert len(notices) == 2
    assert notices[0].url == page.url
    # Nobody outside the consortium hears of the page's decisions.
    for role in ("outsider", "editor", "admin"):
        assert not _kinds_for(cast.user(role), NotificationKind.CASE_DECISION)


def test_author_gets_no_second_wagtail_email_about_the_case_page_decision(
    client, cast, case_site, django_capture_on_commit_callbacks
):
    page = draft_by_member(client, cast, case_site)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, cast.user("coach"), page, "reject")
    member = cast.user("member")
    assert len([m for m in mail.outbox if member.email in m.to]) == 1


def test_wagtail_workflow_emails_greet_formally_in_our_layout(
    client, cast, case_site, django_capture_on_commit_callbacks
):
    """The editors' publishing step is announced by Wagtail's own email: "Guten Tag", not
    "Hallo Anna,", with our sign-off."""
    editor = cast.user("editor")
    page = draft_by_member(client, cast, case_site)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, cast.user("coach"), page, "approve")
    (message,) = [m for m in mail.outbox if editor.email in m.to]
    assert message.body.startswith("Guten Tag")
    assert "Hallo" not in message.body and "Hello" not in message.body
    assert "Ihre Kleinstadtakademie" in message.body
    html = message.alternatives[0][0]
    assert "Guten Tag" in html and "email-header.jpg" not in html


@override_settings(WAGTAILADMIN_BASE_URL="https://akademie.example")
def test_wagtail_site_address_and_name_come_from_site_url(db, home_page):
    sync_default_site()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.site_name) == (
        "akademie.example",
        443,
        "Kleinstadtakademie",
    )
    assert site.root_url == "https://akademie.example"


@override_settings(WAGTAILADMIN_BASE_URL="https://akademie.example")
def test_admin_dashboard_is_titled_with_the_site_name_not_localhost(client, cast, home_page):
    sync_default_site()
    client.force_login(cast.user("admin"))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Kleinstadtakademie" in html
    assert "localhost" not in html


def test_review_request_in_a_daily_digest_is_listed_under_fallstudien(
    client, cast, case_site, django_capture_on_commit_callbacks
):
    coach = cast.user("coach")
    set_preferences(user=coach, deliveries={NotificationKind.CASE_REVIEW: Delivery.DAILY})
    with django_capture_on_commit_callbacks(execute=True):
        page = draft_by_member(client, cast, case_site)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(period=Delivery.DAILY, now=timezone.now() + timedelta(minutes=1))
    (message,) = [m for m in mail.outbox if coach.email in m.to]
    assert "Fallstudien" in message.body
    assert "Transferwerkstätten und Verbund" not in message.body
    assert page.draft_title in message.body
