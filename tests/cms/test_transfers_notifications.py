"""Who of the origin town hears of a transfer: its staff and the case page's contact person,
each only while they may see the transfer; the bell, the list and the email ask again."""

import pytest
from django.core import mail
from django.test import Client

from cms.models import LabCasePage
from cms.transfers import services
from forum.models import Notification
from forum.notifications import unread_count
from forum.notifications.visibility import notifications_for
from tests.helpers.transfers import adopting

pytestmark = pytest.mark.django_db

ROLES = ["outsider", "member", "coach", "core_team", "editor", "admin"]


@pytest.fixture
def with_contact(cast, case_site):
    """The public case page names the coach as its contact person (they consented)."""
    coach = cast.user("coach")
    coach.profile.accepts_contact_requests = True
    coach.profile.save()
    LabCasePage.objects.filter(pk=case_site.public_case.pk).update(contact_person=coach)
    case_site.public_case.refresh_from_db()
    return case_site


@pytest.mark.parametrize(
    ("visibility", "consortium", "told"),
    [
        ("public", "own", {"member", "coach"}),
        ("internal", "own", {"member", "coach"}),
        ("public", "other", {"member", "coach"}),
        ("internal", "other", set()),
    ],
)
def test_recipients(run, cast, with_contact, visibility, consortium, told):
    adopting_consortium, town = adopting(cast, consortium)
    run(
        services.record_transfer,
        actor=cast.user("admin"),
        source=with_contact.public_case,
        town=town,
        consortium=adopting_consortium,
        visibility=visibility,
    )
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {cast.user(role).pk for role in told}
    assert {address for m in mail.outbox for address in m.to} == {
        cast.user(role).email for role in told
    }
    for role in ROLES:
        user = cast.user(role)
        shown = list(notifications_for(user))
        assert (len(shown) == 1) is (role in told)
        assert unread_count(user) == (1 if role in told else 0)


def test_the_notification_opens_the_transfer_page(run, cast, with_contact):
    consortium, town = adopting(cast, "own")
    transfer = run(
        services.record_transfer,
        actor=cast.user("core_team"),
        source=with_contact.public_case,
        town=town,
        consortium=consortium,
    )
    member = cast.user("member")
    notification = Notification.objects.get(recipient=member)
    client = Client()
    client.force_login(member)
    response = client.get(notification.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == transfer.get_absolute_url()
    assert "übernimmt" in client.get("/benachrichtigungen/").content.decode()


def test_an_internal_case_page_tells_nobody_outside_its_consortium(run, cast, case_site):
    consortium, town = adopting(cast, "own")
    run(
        services.record_transfer,
        actor=cast.user("coach"),
        source=case_site.internal_case,
        town=town,
        consortium=consortium,
    )
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        cast.user("member").pk
    }
