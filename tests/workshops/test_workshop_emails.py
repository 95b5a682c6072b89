"""Telling registered people when a workshop is cancelled or moves: who hears of it (seats and
the waiting list, not those who said no, not someone removed from the consortium meanwhile),
in which language, and through the durable queue (retried when the mail server fails)."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.users.models import UserProfile

from forum.models import Membership, Notification, NotificationKind
from forum.services import remove_member
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.tasks import DATABASE_TASKS, run_worker
from tests.helpers.workshops import make_workshop
from workshops import services
from workshops.models import Workshop
from workshops.services import RegistrationDetails, WorkshopData

SEND = "forum.notifications.email.send_notification_email"
PREFIX = "[Kleinstadtakademie] "


def people(cast, count):
    users = [UserFactory() for _index in range(count)]
    for user in users:
        MembershipFactory(user=user, consortium=cast.consortium)
    return users


def register(workshop, user, attending=True):
    services.register(
        workshop=workshop, user=user, details=RegistrationDetails(attending=attending)
    )


def moved(workshop, days=7) -> WorkshopData:
    values = {field: getattr(workshop, field) for field in WorkshopData.__dataclass_fields__}
    later = workshop.starts_at + timedelta(days=days)
    return WorkshopData(
        **{
            **values,
            "starts_at": later,
            "ends_at": later + timedelta(hours=25),
            "registration_deadline": later - timedelta(days=7),
        }
    )


def test_a_cancellation_reaches_seats_and_waiting_list_not_those_who_said_no(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = make_workshop(cast, capacity=1)
    seat, waiting, declined = people(cast, 3)
    register(workshop, seat)
    register(workshop, waiting)
    register(workshop, declined, attending=False)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.set_status(
            workshop=workshop, actor=cast.user("coach"), status=Workshop.Status.CANCELLED
        )

    assert sorted(message.to[0] for message in mailoutbox) == sorted([seat.email, waiting.email])
    message = mailoutbox[0]
    assert message.subject == f"{PREFIX}Abgesagt: {workshop.title}"
    assert "ist abgesagt" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert set(
        Notification.objects.filter(kind=NotificationKind.WORKSHOP_CANCELLED).values_list(
            "recipient_id", flat=True
        )
    ) == {seat.pk, waiting.pk}


def test_moving_twice_tells_twice_in_the_readers_language(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = make_workshop(cast)
    english, german = people(cast, 2)
    profile = UserProfile.get_for_user(english)
    profile.preferred_language = "en"
    profile.save()
    register(workshop, english)
    register(workshop, german)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(workshop=workshop, actor=cast.user("coach"), data=moved(workshop))

    subjects = {message.to[0]: message.subject for message in mailoutbox}
    assert subjects == {
        english.email: f"{PREFIX}New date or venue: {workshop.title}",
        german.email: f"{PREFIX}Neuer Termin oder Ort: {workshop.title}",
    }
    [to_german] = [message for message in mailoutbox if message.to == [german.email]]
    workshop.refresh_from_db()
    when = timezone.localtime(workshop.starts_at)
    assert f"{when:%d}".lstrip("0") + "." in to_german.body and f"{when:%H:%M}" in to_german.body

    workshop = Workshop.objects.get(pk=workshop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(workshop=workshop, actor=cast.user("coach"), data=moved(workshop))
    assert len(mailoutbox) == 4


@pytest.mark.django_db(transaction=True)
def test_someone_removed_before_the_worker_runs_hears_nothing(quiet, cast):
    workshop = make_workshop(cast)
    stays, leaves = people(cast, 2)
    register(workshop, stays)
    register(workshop, leaves)
    mail.outbox.clear()

    with override_settings(TASKS=DATABASE_TASKS):
        services.update_workshop(workshop=workshop, actor=cast.user("coach"), data=moved(workshop))
        remove_member(
            membership=Membership.objects.get(user=leaves, consortium=cast.consortium),
            actor=cast.user("coach"),
        )
        run_worker()

    assert [message.to for message in mail.outbox] == [[stays.email]]


@pytest.mark.django_db(transaction=True)
def test_a_change_email_waits_for_the_worker_and_is_retried_when_smtp_fails(quiet, cast):
    workshop = make_workshop(cast)
    [person] = people(cast, 1)
    register(workshop, person)
    mail.outbox.clear()  # "registration open" notices of the setup
    DBTaskResult.objects.all().delete()
    real_send = EmailBackend.send_messages
    calls = []

    def flaky_send(backend, messages):
        calls.append(len(messages))
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("Verbindung verloren")
        return real_send(backend, messages)

    with (
        override_settings(TASKS=DATABASE_TASKS),
        mock.patch.object(EmailBackend, "send_messages", flaky_send),
    ):
        services.update_workshop(workshop=workshop, actor=cast.user("coach"), data=moved(workshop))
        assert DBTaskResult.objects.ready().filter(task_path=SEND).count() == 1
        assert mail.outbox == []

        run_worker()
        assert mail.outbox == []
        [retry] = DBTaskResult.objects.filter(task_path=SEND, status=TaskResultStatus.READY)
        assert retry.run_after > timezone.now() + timedelta(minutes=1)

        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        run_worker()

    assert [message.to for message in mail.outbox] == [[person.email]]
    assert calls == [1, 1]
