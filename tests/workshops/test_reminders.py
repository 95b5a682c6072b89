"""Reminder emails a few days before a workshop: once per person, only to seat holders who may
still see the workshop; the management command cron calls."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from forum import services as forum_services
from forum.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.workshops import SITE, plan_workshop, register
from workshops import services
from workshops.models import Registration, Workshop


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE


def reminders() -> list:
    return [message for message in mail.outbox if "Erinnerung" in message.subject]


def recipients() -> list[str]:
    return sorted(address for message in reminders() for address in message.to)


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def run(django_capture_on_commit_callbacks, *, now, days_ahead=services.REMINDER_DAYS_AHEAD):
    with django_capture_on_commit_callbacks(execute=True):
        return services.send_reminders(now=now, days_ahead=days_ahead)


def test_confirmed_participants_are_reminded_once(cast, django_capture_on_commit_callbacks):
    workshop = plan_workshop(cast, day=in_days(20), title="Werkstatt am Markt")
    member, coach = cast.user("member"), cast.user("coach")
    register(workshop, member)
    register(workshop, coach)
    now = workshop.starts_at - timedelta(days=2)

    assert run(django_capture_on_commit_callbacks, now=now) == 2
    assert run(django_capture_on_commit_callbacks, now=now + timedelta(hours=1)) == 0

    assert recipients() == sorted([member.email, coach.email])
    message = reminders()[0]
    assert "Werkstatt am Markt" in message.subject
    assert f"{SITE}{workshop.get_absolute_url()}" in message.body
    assert Registration.objects.filter(reminder_sent_at=now).count() == 2


def test_waitlisted_and_declined_are_not_reminded(cast, django_capture_on_commit_callbacks):
    workshop = plan_workshop(cast, day=in_days(20), capacity=1)
    register(workshop, cast.user("coach"))
    register(workshop, cast.user("member"))  # waiting list
    register(workshop, cast.user("core_team"), attending=False)
    assert set(workshop.registrations.values_list("status", flat=True)) == {
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
        Registration.Status.DECLINED,
    }

    assert run(django_capture_on_commit_callbacks, now=workshop.starts_at - timedelta(days=1)) == 1
    assert recipients() == [cast.user("coach").email]


def test_only_workshops_within_the_window_are_reminded(cast, django_capture_on_commit_callbacks):
    soon = plan_workshop(cast, day=in_days(20), title="Bald")
    later = plan_workshop(cast, day=in_days(25), title="Später")
    past = plan_workshop(cast, day=in_days(17), title="Schon begonnen")
    for workshop in (soon, later, past):
        register(workshop, cast.user("member"))
    # The first starts in two days; "Schon begonnen" started a day ago, "Später" is a week off.
    now = soon.starts_at - timedelta(days=2)

    assert run(django_capture_on_commit_callbacks, now=now) == 1
    assert ["Bald" in message.subject for message in reminders()] == [True]
    assert later.registrations.get().reminder_sent_at is None

    # Nearer to "Später" it gets its turn, and "Bald" is not sent again.
    assert run(django_capture_on_commit_callbacks, now=later.starts_at - timedelta(days=3)) == 1
    assert ["Später" in message.subject for message in reminders()] == [False, True]
    assert past.registrations.get().reminder_sent_at is None


def test_cancelled_workshop_is_not_reminded(cast, django_capture_on_commit_callbacks):
    workshop = plan_workshop(cast, day=in_days(20))
    register(workshop, cast.user("member"))
    services.set_status(
        workshop=workshop, actor=cast.user("coach"), status=Workshop.Status.CANCELLED
    )

    assert run(django_capture_on_commit_callbacks, now=workshop.starts_at - timedelta(days=1)) == 0
    assert reminders() == []


def test_removed_member_is_not_reminded(cast, django_capture_on_commit_callbacks):
    workshop = plan_workshop(cast, day=in_days(20))
    member = cast.user("member")
    colleague = UserFactory(profile__town=member.profile.town)
    MembershipFactory(user=colleague, consortium=cast.consortium, role=Role.MEMBER)
    register(workshop, member)
    register(workshop, colleague)
    forum_services.remove_member(
        membership=Membership.objects.get(user=member, consortium=cast.consortium),
        actor=cast.user("coach"),
    )

    assert run(django_capture_on_commit_callbacks, now=workshop.starts_at - timedelta(days=1)) == 1
    assert recipients() == [colleague.email]


def test_command_sends_due_reminders_and_reports_the_count(
    cast, django_capture_on_commit_callbacks
):
    # Starts the day after tomorrow at 13:00: within the default three days from any hour today.
    workshop = plan_workshop(cast, day=in_days(2), deadline=timezone.now() + timedelta(minutes=30))
    register(workshop, cast.user("member"))
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_workshop_reminders", "--days", "1", stdout=out)
    assert out.getvalue().strip() == "0 Erinnerung(en) verschickt."
    assert reminders() == []

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_workshop_reminders", stdout=out)
    assert out.getvalue().strip() == "1 Erinnerung(en) verschickt."
    assert recipients() == [cast.user("member").email]

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_workshop_reminders", stdout=out)
    assert out.getvalue().strip() == "0 Erinnerung(en) verschickt."
    assert len(reminders()) == 1


def test_command_rejects_a_window_below_one_day(db):
    with pytest.raises(CommandError):
        call_command("send_workshop_reminders", "--days", "0", stdout=StringIO())
