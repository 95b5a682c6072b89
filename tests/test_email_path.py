"""Every email leaves by one path: queued in the transaction of the change, sent by a task, retried
while the mail server refuses, sent once, its content dropped after it left.

One test per kind of email, each with the database task backend and the worker run in this
process: the first attempt fails, nothing is sent, a retry is due minutes later; when it is due,
the email goes out exactly once.
"""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cms import services as cms_services
from cms.models import ForumQuote
from forum import mail as mail_path
from forum import notifications
from forum import services as forum_services
from forum.models import Delivery, Notification, OutgoingEmail, Role
from forum.models import NotificationKind as Kind
from tests.helpers.site_tree import ensure_site_tree
from tests.helpers.tasks import DATABASE_TASKS, run_worker
from tests.helpers.workshops import make_workshop
from workshops import services as workshop_services
from workshops.services import RegistrationDetails

pytestmark = pytest.mark.django_db(transaction=True)

# For setting a scene: whatever it would send is dropped.
NO_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


@pytest.fixture
def quiet(cast, forum):
    """The Wagtail tree back (transactional tests flush it), nothing left from the set-up."""
    home = ensure_site_tree()
    Notification.objects.all().delete()
    DBTaskResult.objects.all().delete()
    OutgoingEmail.objects.all().delete()
    mail.outbox.clear()
    return home


def _convert(cast, forum, home):
    consortium_page = cms_services.create_consortium_page(consortium=cast.consortium, parent=home)
    return cms_services.convert_topic_to_case_page(
        topic=forum.closed_topic,
        actor=cast.user("coach"),
        post_ids=[forum.closed_post.pk],
        title="Co-Working im Rathaus",
        town=cast.consortium.lead_town,
        parent=consortium_page,
    )


def invitation(cast, forum, home) -> str:
    address = "neu@example.org"
    forum_services.invite_member(
        consortium=cast.consortium,
        inviter=cast.user("coach"),
        email=address,
        role=Role.MEMBER,
        town=cast.consortium.lead_town,
    )
    return address


def invitation_sent_again(cast, forum, home) -> str:
    with override_settings(TASKS=NO_TASKS):
        issued = forum_services.invite_member(
            consortium=cast.consortium,
            inviter=cast.user("coach"),
            email="nochmal@example.org",
            role=Role.MEMBER,
            town=cast.consortium.lead_town,
        )
    forum_services.resend_invitation(invitation=issued.invitation, actor=cast.user("coach"))
    return "nochmal@example.org"


def quote_notice(cast, forum, home) -> str:
    _convert(cast, forum, home)
    return cast.user("member").email  # the author of the quoted post


def quote_objection(cast, forum, home) -> str:
    with override_settings(TASKS=NO_TASKS):
        page = _convert(cast, forum, home)
    quote = ForumQuote.objects.get(page=page)
    cms_services.object_to_quote(quote=quote, user=cast.user("member"))
    return cast.user("coach").email  # the page's owner


def notification(cast, forum, home) -> str:
    coach = cast.user("coach")
    forum_services.post_reply(
        topic=forum.closed_topic, author=cast.user("member"), body=f"Bitte @{coach.username}"
    )
    return coach.email


def digest(cast, forum, home) -> str:
    member = cast.user("member")
    notifications.set_preferences(user=member, deliveries={Kind.REPLY: Delivery.DAILY})
    with override_settings(TASKS=NO_TASKS):
        post = forum_services.post_reply(
            topic=forum.closed_topic, author=cast.user("coach"), body="Neu."
        )
        notifications.fan_out_reply.call(post.pk)
    Notification.objects.exclude(recipient=member).delete()
    assert notifications.send_digests(period=Delivery.DAILY) == 1
    return member.email


def password_reset(cast, forum, home) -> str:
    member = cast.user("member")
    response = Client().post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    return member.email


def address_confirmation(cast, forum, home) -> str:
    client = Client()
    client.force_login(cast.user("member"))
    response = client.post(reverse("account_email"), {"action_add": "", "email": "neu@example.org"})
    assert response.status_code == 302
    return "neu@example.org"


def workshop_moved(cast, forum, home) -> str:
    member = cast.user("member")
    with override_settings(TASKS=NO_TASKS):
        workshop = make_workshop(cast, days_ahead=20, title="Werkstatt am Markt")
        workshop_services.register(
            workshop=workshop, user=member, details=RegistrationDetails(attending=True)
        )
    Notification.objects.all().delete()
    workshop_services.update_venue(
        workshop=workshop,
        actor=cast.user("coach"),
        venue_name="Alte Schule",
        venue_address="Schulstraße 1",
        directions="",
    )
    return member.email


KINDS = [
    invitation,
    invitation_sent_again,
    quote_notice,
    quote_objection,
    notification,
    digest,
    password_reset,
    address_confirmation,
    workshop_moved,
]


@pytest.mark.parametrize("trigger", KINDS, ids=[kind.__name__ for kind in KINDS])
def test_an_smtp_failure_is_retried_and_the_email_goes_out_once(quiet, cast, forum, trigger):
    real_send = EmailBackend.send_messages
    refused: list[str] = []

    def refuse_the_first_attempt(backend, messages):
        if not refused:
            refused.extend(messages[0].to)
            raise smtplib.SMTPServerDisconnected("Verbindung verloren")
        return real_send(backend, messages)

    with (
        override_settings(TASKS=DATABASE_TASKS),
        mock.patch.object(EmailBackend, "send_messages", refuse_the_first_attempt),
    ):
        address = trigger(cast, forum, quiet)
        run_worker()
        assert refused == [address]
        assert sent_to(address) == []
        [retry] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        assert retry.run_after > timezone.now() + timedelta(minutes=1)

        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        run_worker()

    assert len(sent_to(address)) == 1
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_a_queued_email_leaves_nothing_behind_when_the_change_rolls_back(quiet, cast, forum):
    with override_settings(TASKS=DATABASE_TASKS), pytest.raises(RuntimeError), transaction.atomic():
        invitation(cast, forum, quiet)
        raise RuntimeError
    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_sent_email_keeps_only_its_record(quiet, cast, forum):
    with override_settings(TASKS=DATABASE_TASKS):
        address = invitation(cast, forum, quiet)
        [queued] = OutgoingEmail.objects.all()
        assert "/einladung/" in queued.text or "einladung" in queued.text.lower()
        run_worker()
    queued.refresh_from_db()
    assert queued.sent_at is not None
    assert (queued.kind, queued.to, queued.attempts) == ("invitation", address, 1)
    assert (queued.subject, queued.text, queued.html, queued.headers) == ("", "", "", {})
    assert len(sent_to(address)) == 1


def test_giving_up_after_the_last_attempt_drops_the_content(quiet, cast, forum):
    with (
        override_settings(TASKS=DATABASE_TASKS),
        mock.patch.object(
            EmailBackend, "send_messages", side_effect=smtplib.SMTPException("kaputt")
        ),
    ):
        invitation(cast, forum, quiet)
        for _attempt in range(mail_path.MAX_ATTEMPTS):
            DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
                run_after=timezone.now()
            )
            run_worker()
        assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    [given_up] = OutgoingEmail.objects.all()
    assert given_up.attempts == mail_path.MAX_ATTEMPTS
    assert given_up.sent_at is None and given_up.failed_at is not None
    assert given_up.text == ""
    assert mail.outbox == []
