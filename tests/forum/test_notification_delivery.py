"""Getting notification emails out: the durable queue and its worker (`manage.py db_worker`),
the access check at send time, SMTP retries, worker restarts, and the digests with their
command.

Tests with the database task backend run the worker in this process on committed rows, so they
are transactional (which flushes the Wagtail tree: ``ensure_site_tree`` puts it back).
"""

import signal
import smtplib
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from forum import mail as mail_path
from forum import notifications, services
from forum.models import Delivery, Membership, Notification, Role
from forum.models import NotificationKind as Kind
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.tasks import DATABASE_TASKS, run_worker
from tests.helpers.workshops import make_workshop
from workshops import services as workshop_services
from workshops.services import RegistrationDetails

SITE = "https://akademie.example.org"
SEND_EMAIL = "forum.notifications.email.send_notification_email"


def send_digests(**kwargs) -> int:
    """A digest run as cron starts it, outside any transaction: each digest leaves after the
    commit that queued it (in a test, its on-commit callbacks run at the end of the block)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return notifications.send_digests(**kwargs)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE


def queued_emails():
    return DBTaskResult.objects.ready().filter(task_path=SEND_EMAIL)


def fresh(user):
    """The user as the next request would load them (no cached roles)."""
    return get_user_model().objects.get(pk=user.pk)


def new_member(consortium, role=Role.MEMBER):
    user = UserFactory()
    MembershipFactory(user=user, consortium=consortium, role=role)
    return user


def emails_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def mention(topic, author, *people):
    return services.post_reply(
        topic=topic,
        author=author,
        body="Bitte ansehen: " + " ".join(f"@{person.username}" for person in people),
    )


# --- the durable queue ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_email_waits_for_a_worker(quiet, cast, forum):
    coach = cast.user("coach")
    with override_settings(TASKS=DATABASE_TASKS):
        post = mention(forum.closed_topic, cast.user("member"), coach)
        notice = Notification.objects.get(recipient=coach, post=post)

        assert queued_emails().count() == 1
        assert queued_emails().get().args_kwargs == {"args": [notice.pk], "kwargs": {}}
        assert mail.outbox == []

        run_worker()

    [message] = mail.outbox
    assert message.to == [coach.email]
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert DBTaskResult.objects.successful().filter(task_path=SEND_EMAIL).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_task_behind(quiet, cast, forum):
    with override_settings(TASKS=DATABASE_TASKS):
        with pytest.raises(RuntimeError), transaction.atomic():
            mention(forum.closed_topic, cast.user("member"), cast.user("coach"))
            assert queued_emails().count() == 1  # stored with the change …
            raise RuntimeError
        assert not queued_emails().exists()  # … and gone with it
        assert not Notification.objects.filter(kind=Kind.MENTION).exists()


# --- the send-time re-check -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_email_queued_before_a_removal_is_not_sent_and_the_notice_stays_hidden(
    quiet, cast, forum
):
    leaver = new_member(cast.consortium)
    stays = new_member(cast.consortium)
    coach = cast.user("coach")
    with override_settings(TASKS=DATABASE_TASKS):
        mention(forum.closed_topic, coach, leaver, stays)
        assert queued_emails().count() == 2
        gone = Notification.objects.get(recipient=leaver)

        services.remove_member(
            membership=Membership.objects.get(user=leaver, consortium=cast.consortium),
            actor=coach,
        )
        # In the app it is gone at once, before any worker ran.
        assert not notifications.notifications_for(fresh(leaver)).exists()

        run_worker()

    assert emails_to(leaver) == []
    assert len(emails_to(stays)) == 1
    assert not notifications.notifications_for(fresh(leaver)).filter(pk=gone.pk).exists()
    results = DBTaskResult.objects.filter(task_path=SEND_EMAIL)
    assert sorted(result.return_value for result in results) == ["sent", "withdrawn"]


@pytest.mark.django_db(transaction=True)
def test_an_email_about_a_post_hidden_meanwhile_is_not_sent(quiet, cast, forum):
    coach, reader = cast.user("coach"), new_member(cast.consortium)
    with override_settings(TASKS=DATABASE_TASKS):
        post = mention(forum.closed_topic, cast.user("member"), reader)
        services.hide_post(post=post, moderator=coach, reason="Persönliche Daten")
        run_worker()

    assert emails_to(reader) == []
    assert not notifications.notifications_for(fresh(reader)).exists()


@pytest.mark.django_db(transaction=True)
def test_a_preference_changed_to_a_digest_meanwhile_holds_the_email_for_it(quiet, cast, forum):
    core = cast.user("core_team")
    with override_settings(TASKS=DATABASE_TASKS):
        mention(forum.closed_topic, cast.user("member"), core)
        notifications.set_preferences(user=core, deliveries={Kind.MENTION: Delivery.DAILY})
        run_worker()
        assert mail.outbox == []

        assert send_digests(period=Delivery.DAILY) == 1
        run_worker()
    [digest] = emails_to(core)
    assert forum.closed_topic.title in digest.body
    assert "Erwähnung" in digest.body


# --- SMTP failures ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_smtp_failure_is_retried_later_and_the_email_goes_out_once(quiet, cast, forum):
    coach = cast.user("coach")
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
        mention(forum.closed_topic, cast.user("member"), coach)
        notice = Notification.objects.get(recipient=coach)

        run_worker()

        notice.refresh_from_db()
        assert mail.outbox == []
        assert notice.emailed_at is None
        assert notice.email_attempts == 1
        [retry] = DBTaskResult.objects.filter(task_path=SEND_EMAIL, status=TaskResultStatus.READY)
        assert retry.run_after > timezone.now() + timedelta(minutes=1)
        assert retry.args_kwargs["args"] == [notice.pk]

        run_worker()  # not due yet
        assert mail.outbox == []

        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        run_worker()

    assert len(emails_to(coach)) == 1
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert notice.email_attempts == 2
    assert calls == [1, 1]


@pytest.mark.django_db(transaction=True)
def test_giving_up_after_the_last_attempt(quiet, cast, forum):
    coach = cast.user("coach")
    with (
        override_settings(TASKS=DATABASE_TASKS),
        mock.patch.object(
            EmailBackend, "send_messages", side_effect=smtplib.SMTPException("kaputt")
        ),
    ):
        mention(forum.closed_topic, cast.user("member"), coach)
        notice = Notification.objects.get(recipient=coach)
        for _attempt in range(mail_path.MAX_ATTEMPTS):
            # Each retry waits longer; here it is due at once.
            DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
                run_after=timezone.now()
            )
            run_worker()

        assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    notice.refresh_from_db()
    assert notice.email_attempts == mail_path.MAX_ATTEMPTS
    assert notice.emailed_at is None
    assert mail.outbox == []


def test_the_embedded_default_sends_after_the_commit_without_a_worker(
    cast, forum, django_capture_on_commit_callbacks
):
    coach = cast.user("coach")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mention(forum.closed_topic, cast.user("member"), coach)
    assert mail.outbox == []  # nothing inside the transaction
    for callback in callbacks:
        callback()
    assert len(emails_to(coach)) == 1
    assert not DBTaskResult.objects.exists()


# --- worker restart (acceptance 4) ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_emails_queued_before_a_worker_restart_are_delivered_once_after_it(quiet, cast, forum):
    coach = cast.user("coach")
    people = [new_member(cast.consortium) for _index in range(4)]
    with override_settings(TASKS=DATABASE_TASKS):
        # Committed work while no worker runs (it is stopped for a deployment).
        mention(forum.closed_topic, coach, *people[:2])
        mention(forum.academy_topic, coach, *people[2:])
        services.create_topic(
            space=forum.closed, author=coach, title="Protokoll der Sitzung", body="Anbei."
        )
        notifications.set_preferences(
            user=people[0], deliveries={Kind.NEW_TOPIC: Delivery.IMMEDIATE}
        )
        waiting = DBTaskResult.objects.ready().count()
        assert waiting == 7  # four emails, the two replies' and the new topic's fan-outs
        assert mail.outbox == []

        # A worker that stops after one task, as if restarted in the middle of the queue …
        run_worker("--max-tasks", "1")
        assert DBTaskResult.objects.ready().count() == waiting - 1

        # … and the worker after the restart does the rest, including what the fan-out queued.
        run_worker()
        delivered = {person.pk: len(emails_to(person)) for person in people}
        assert delivered == {people[0].pk: 2, people[1].pk: 1, people[2].pk: 1, people[3].pk: 1}

        # Nothing is delivered twice: not by another run, not by a task that comes again.
        run_worker()
        for notice in Notification.objects.filter(emailed_at__isnull=False):
            notifications.send_notification_email.enqueue(notice.pk)
        run_worker()

    assert {person.pk: len(emails_to(person)) for person in people} == delivered
    assert len(mail.outbox) == 5
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_worker_finish_the_running_email_and_the_next_worker_does_the_rest(
    quiet, cast, forum
):
    people = [new_member(cast.consortium) for _index in range(3)]
    real_send = EmailBackend.send_messages
    stops = []

    def send_during_shutdown(backend, messages):
        if not stops:  # systemd stops the worker while it is sending the first email
            stops.append(messages[0].to)
            signal.raise_signal(signal.SIGTERM)
        return real_send(backend, messages)

    with override_settings(TASKS=DATABASE_TASKS):
        mention(forum.closed_topic, cast.user("coach"), *people)
        with mock.patch.object(EmailBackend, "send_messages", send_during_shutdown):
            run_worker()
        assert [message.to for message in mail.outbox] == stops  # finished, then stopped
        assert queued_emails().count() == 2

        run_worker()

    assert sorted(len(emails_to(person)) for person in people) == [1, 1, 1]
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_was_killed_is_requeued_and_delivered_once(quiet, cast, forum):
    member = new_member(cast.consortium)
    with override_settings(TASKS=DATABASE_TASKS):
        mention(forum.closed_topic, cast.user("coach"), member)
        # A worker claims the email and is killed (SIGKILL) before it finishes: the row stays
        # "running" and no other worker would ever take it.
        [task] = queued_emails()
        task.claim("killed-worker")
        run_worker()
        assert mail.outbox == []

        out = StringIO()
        call_command("requeue_stuck_tasks", stdout=out)  # started just now: left alone
        assert "0 Aufgabe(n)" in out.getvalue()
        DBTaskResult.objects.filter(pk=task.pk).update(
            started_at=timezone.now() - timedelta(minutes=31)
        )
        call_command("requeue_stuck_tasks", stdout=out)
        assert "1 Aufgabe(n) wieder in die Warteschlange gestellt." in out.getvalue()

        run_worker()
        call_command("requeue_stuck_tasks", "--minutes", "0", stdout=StringIO())
        run_worker()

    assert len(emails_to(member)) == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids[0] == "killed-worker" and len(task.worker_ids) == 2


# --- digests ----------------------------------------------------------------------------------


def _digest_of(user):
    [message] = emails_to(user)
    return message


def test_a_digest_is_grouped_by_space_then_topic(cast, forum, django_capture_on_commit_callbacks):
    member, coach, core = cast.user("member"), cast.user("coach"), cast.user("core_team")
    second = services.create_topic(
        space=forum.closed, author=coach, title="Anfang: Haushalt", body="Zahlen."
    )
    services.set_subscription(topic=second, user=member, subscribed=True)
    workshop = make_workshop(cast, days_ahead=20, title="Werkstatt am Markt")
    workshop_services.register(
        workshop=workshop, user=member, details=RegistrationDetails(attending=True)
    )
    notifications.set_preferences(user=member, deliveries={Kind.WORKSHOP_REMINDER: Delivery.DAILY})
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(topic=forum.closed_topic, author=coach, body="Erste Antwort.")
        services.post_reply(topic=second, author=core, body="Zweite Antwort.")
        services.post_reply(topic=forum.academy_topic, author=coach, body="Dritte Antwort.")
        services.post_reply(topic=forum.closed_topic, author=core, body="Vierte Antwort.")
        workshop_services.send_reminders(now=workshop.starts_at - timedelta(days=2))
    mail.outbox.clear()

    assert send_digests(period=Delivery.DAILY) >= 1

    digest = _digest_of(member)
    assert digest.subject == "[Kleinstadtakademie] Ihre Zusammenfassung: 5 Neuigkeiten"
    lines = [line.strip() for line in digest.body.splitlines() if line.strip()]
    headings = [line for line in lines if line.startswith(("==", "* "))]
    assert headings == [
        f"== {forum.academy.name} ==",
        f"* {forum.academy_topic.title}",
        f"== {forum.closed.name} ==",
        "* Anfang: Haushalt",
        f"* {forum.closed_topic.title}",
        "== Transferwerkstätten und Verbund ==",
        "* Werkstatt am Markt",
    ]
    body = digest.body
    # Each reply under its topic, oldest first, with its excerpt and link.
    assert body.index("Zweite Antwort.") < body.index("Erste Antwort.")
    assert body.index("Erste Antwort.") < body.index("Vierte Antwort.")
    assert f"{SITE}{workshop.get_absolute_url()}" in body
    # The token carries the time it was signed: compare what it says, not its bytes (a digest
    # signed a second later than this test's own token is just as right).
    unsubscribe = digest.extra_headers["List-Unsubscribe"].strip("<>")
    prefix = f"{SITE}/benachrichtigungen/abbestellen/"
    assert unsubscribe.startswith(prefix)
    token = unsubscribe.removeprefix(prefix).strip("/")
    assert notifications.read_unsubscribe_token(token) == (member.pk, None, Delivery.DAILY)
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Diese Zusammenfassung abbestellen: {unsubscribe}" in body
    html = digest.alternatives[0][0]
    assert f'href="{unsubscribe}"' in html
    assert (
        html.index(f">{forum.academy.name}</h2>")
        < html.index(f">{forum.closed.name}</h2>")
        < html.index(">Anfang: Haushalt</h3>")
        < html.index(f">{forum.closed_topic.title}</h3>")
        < html.index(">Transferwerkstätten und Verbund</h2>")
    )


def test_no_digest_when_nothing_is_new_and_none_twice(
    cast, forum, django_capture_on_commit_callbacks
):
    assert send_digests(period=Delivery.DAILY) == 0
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(topic=forum.closed_topic, author=cast.user("coach"), body="Neu.")
    assert send_digests(period=Delivery.DAILY) == 1
    assert send_digests(period=Delivery.DAILY) == 0
    assert send_digests(period=Delivery.DAILY, now=timezone.now() + timedelta(days=1)) == 0
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(digested_at__isnull=True, kind=Kind.REPLY).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(topic=forum.closed_topic, author=cast.user("coach"), body="Noch was.")
    assert send_digests(period=Delivery.DAILY) == 1
    second = mail.outbox[-1]
    assert "Noch was." in second.body and "Neu." not in second.body


def test_daily_and_weekly_digests_are_kept_apart(cast, forum, django_capture_on_commit_callbacks):
    daily, weekly = cast.user("member"), cast.user("core_team")
    services.set_subscription(topic=forum.closed_topic, user=weekly, subscribed=True)
    notifications.set_preferences(user=weekly, deliveries={Kind.REPLY: Delivery.WEEKLY})
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(topic=forum.closed_topic, author=cast.user("coach"), body="Neu.")

    assert send_digests(period=Delivery.DAILY) == 1
    assert [message.to for message in mail.outbox] == [[daily.email]]
    assert "täglichen" in mail.outbox[0].body

    assert send_digests(period=Delivery.WEEKLY) == 1
    assert [message.to for message in mail.outbox] == [[daily.email], [weekly.email]]
    assert "wöchentlichen" in mail.outbox[1].body
    assert send_digests(period=Delivery.WEEKLY) == 0


@pytest.mark.django_db(transaction=True)
def test_a_digest_that_fails_to_send_is_retried_and_others_still_get_theirs(quiet, cast, forum):
    member, core = cast.user("member"), cast.user("core_team")
    services.set_subscription(topic=forum.closed_topic, user=core, subscribed=True)
    services.post_reply(topic=forum.closed_topic, author=cast.user("coach"), body="Neu.")
    mail.outbox.clear()
    real_send = EmailBackend.send_messages
    refused = []

    def refuse_member_once(backend, messages):
        if messages[0].to == [member.email] and not refused:
            refused.append(member.email)
            raise smtplib.SMTPRecipientsRefused({member.email: (450, b"try later")})
        return real_send(backend, messages)

    with (
        override_settings(TASKS=DATABASE_TASKS),
        mock.patch.object(EmailBackend, "send_messages", refuse_member_once),
    ):
        assert notifications.send_digests(period=Delivery.DAILY) == 2
        run_worker()
        assert [message.to for message in mail.outbox] == [[core.email]]
        [retry] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        assert retry.run_after > timezone.now() + timedelta(minutes=1)
        assert send_digests(period=Delivery.DAILY) == 0  # nothing is digested twice

        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()

    assert refused == [member.email]
    assert len(emails_to(member)) == 1
    assert len(emails_to(core)) == 1


def test_the_digest_command_sends_and_reports_the_number(
    cast, forum, django_capture_on_commit_callbacks
):
    core = cast.user("core_team")
    services.set_subscription(topic=forum.closed_topic, user=core, subscribed=True)
    notifications.set_preferences(user=core, deliveries={Kind.REPLY: Delivery.WEEKLY})
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(topic=forum.closed_topic, author=cast.user("coach"), body="Neu.")

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notification_digests", "--period", "weekly", stdout=out)
    assert out.getvalue().strip() == "1 Zusammenfassung(en) verschickt."
    assert [message.to for message in mail.outbox] == [[core.email]]

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notification_digests", stdout=out)  # daily by default
    assert out.getvalue().strip() == "1 Zusammenfassung(en) verschickt."
    call_command("send_notification_digests", "--period", "daily", stdout=out)
    assert out.getvalue().strip().endswith("0 Zusammenfassung(en) verschickt.")

    with pytest.raises(CommandError):
        call_command("send_notification_digests", "--period", "monthly")


def test_digest_queries_per_person_stay_constant(cast, forum, django_capture_on_commit_callbacks):
    """Preferences and the academy setting are loaded per run (batch), not per person and
    kind: each further person costs the same few queries for their own digest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def digest_for(count: int) -> int:
        Notification.objects.all().delete()
        people = [new_member(cast.consortium) for _index in range(count)]
        for person in people:
            services.set_subscription(topic=forum.closed_topic, user=person, subscribed=True)
            notifications.set_preferences(user=person, deliveries={Kind.MENTION: Delivery.DAILY})
        with django_capture_on_commit_callbacks(execute=True):
            mention(forum.closed_topic, cast.user("coach"), *people)
        mail.outbox.clear()
        with (
            django_capture_on_commit_callbacks() as sending,
            CaptureQueriesContext(connection) as queries,
        ):
            notifications.send_digests(period=Delivery.DAILY)
        for send in sending:
            send()
        assert all(len(emails_to(person)) == 1 for person in people)
        return len(queries)

    two, six = digest_for(2), digest_for(6)
    per_person = (six - two) / 4
    print(f"digest run: {two} queries for 2 people, {six} for 6 ({per_person:g} per person)")
    # Its own notifications, roles, visibility, mark, savepoints, and the queued email.
    assert per_person <= 11
