"""Storage periods (``manage.py apply_retention``): for each kind of data, rows just inside and
just outside the period, and exactly the outside ones are gone afterwards."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from forum.models import (
    DataExport,
    Invitation,
    Notification,
    NotificationKind,
    OutgoingEmail,
    StreamEvent,
    TopicPresence,
)
from forum.privacy import retention
from forum.privacy.export import delete_expired_exports
from forum.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def person():
    return UserFactory()


def surviving(queryset) -> set[str]:
    return set(queryset.values_list("pk", flat=True))


def test_exports_past_expiry_go_with_their_files(
    person, now, settings, django_capture_on_commit_callbacks
):
    def export(**fields):
        item = DataExport.objects.create(user=person, **fields)
        if fields.get("finished_at"):
            item.file.save("export.zip", ContentFile(b"PK"), save=True)
        return item

    expired = export(finished_at=now - timedelta(days=8), expires_at=now - MINUTE)
    valid = export(finished_at=now - timedelta(days=7), expires_at=now + MINUTE)
    stale = now - timedelta(days=settings.DATA_EXPORT_VALID_DAYS)
    old_failure = export(requested_at=stale - MINUTE, failed_at=stale)
    lost = export(requested_at=stale - MINUTE, started_at=stale)
    new_failure = export(requested_at=stale + MINUTE, failed_at=stale + MINUTE)
    pending = export()
    storage = expired.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_expired_exports(now=now) == 3
    assert surviving(DataExport.objects.all()) == {valid.pk, new_failure.pk, pending.pk}
    assert not storage.exists(expired.file.name)
    assert storage.exists(valid.file.name)
    assert not DataExport.objects.filter(pk__in=[old_failure.pk, lost.pk]).exists()


def test_invitations_expired_revoked_or_accepted_before_the_period_go(cast, person, now, settings):
    cutoff = now - timedelta(days=settings.EXPIRED_INVITATION_DAYS)

    def invitation(name, **fields):
        fields.setdefault("expires_at", now + timedelta(days=3))
        return Invitation.objects.create(
            consortium=cast.consortium,
            email=f"{name}@example.org",
            invited_by=person,
            token_hash=name.ljust(64, "0"),
            **fields,
        )

    invitation("expired_long_ago", expires_at=cutoff - MINUTE)
    kept = {
        invitation("expired_lately", expires_at=cutoff + MINUTE).pk,
        invitation("revoked_lately", revoked_at=cutoff + MINUTE).pk,
        invitation("accepted_lately", accepted_at=cutoff + MINUTE).pk,
        invitation("pending").pk,
    }
    invitation("revoked_long_ago", revoked_at=cutoff - MINUTE)
    invitation("accepted_long_ago", accepted_at=cutoff - MINUTE)
    assert retention.delete_old_invitations(now=now) == 3
    assert surviving(Invitation.objects.all()) == kept


def test_read_notifications_older_than_the_period_go(person, now, settings):
    cutoff = now - timedelta(days=settings.READ_NOTIFICATION_DAYS)

    def notification(**fields):
        return Notification.objects.create(
            recipient=person, kind=NotificationKind.MENTION, title="t", url="/", **fields
        )

    notification(read_at=cutoff - MINUTE)
    kept = {
        notification(read_at=cutoff + MINUTE).pk,
        notification(created_at=cutoff - timedelta(days=30)).pk,  # old but unread
    }
    assert retention.delete_read_notifications(now=now) == 1
    assert surviving(Notification.objects.all()) == kept


def test_finished_task_rows_older_than_the_period_go(now, settings):
    cutoff = now - timedelta(days=settings.FINISHED_TASK_DAYS)

    def task_row(status, finished_at=None):
        return DBTaskResult.objects.create(
            status=status,
            finished_at=finished_at,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="forum.notifications.email.send_notification_email",
            backend_name="default",
            run_after=cutoff - timedelta(days=1),
        )

    task_row(TaskResultStatus.SUCCESSFUL, cutoff - MINUTE)
    task_row(TaskResultStatus.FAILED, cutoff - MINUTE)
    kept = {
        task_row(TaskResultStatus.SUCCESSFUL, cutoff + MINUTE).pk,
        task_row(TaskResultStatus.FAILED, cutoff + MINUTE).pk,
        task_row(TaskResultStatus.READY).pk,
        task_row(TaskResultStatus.RUNNING).pk,
    }
    assert retention.delete_finished_tasks(now=now) == 2
    assert surviving(DBTaskResult.objects.all()) == kept


def test_emails_sent_or_given_up_before_the_period_go(now, settings):
    cutoff = now - timedelta(days=settings.SENT_EMAIL_DAYS)

    def email(**fields):
        return OutgoingEmail.objects.create(
            kind="invitation", to="a@example.org", subject="s", text="", **fields
        )

    email(sent_at=cutoff - MINUTE)
    email(failed_at=cutoff - MINUTE)
    kept = {
        email(sent_at=cutoff + MINUTE).pk,
        email(failed_at=cutoff + MINUTE).pk,
        email(created_at=cutoff - timedelta(days=1)).pk,  # not sent yet
    }
    assert retention.delete_sent_emails(now=now) == 2
    assert surviving(OutgoingEmail.objects.all()) == kept


def test_presence_rows_not_seen_for_the_period_go(forum, person, now, settings):
    cutoff = now - timedelta(hours=settings.PRESENCE_HOURS)
    TopicPresence.objects.create(
        channel_name="old", topic=forum.closed_topic, user=person, seen_at=cutoff - MINUTE
    )
    kept = TopicPresence.objects.create(
        channel_name="new", topic=forum.closed_topic, user=person, seen_at=cutoff + MINUTE
    )
    assert retention.delete_stale_presence(now=now) == 1
    assert surviving(TopicPresence.objects.all()) == {kept.pk}


def test_sessions_past_their_expiry_go(person, now):
    for key, expires in (("expired", now - MINUTE), ("current", now + MINUTE)):
        store = SessionStore(session_key=None)
        store["_auth_user_id"] = str(person.pk)
        store.create()
        Session.objects.filter(session_key=store.session_key).update(
            session_key=key, expire_date=expires
        )
    assert retention.delete_expired_sessions(now=now) == 1
    assert surviving(Session.objects.all()) == {"current"}


def test_the_command_applies_every_period_and_prints_the_counts(person, settings):
    now = timezone.now()
    StreamEvent.objects.all().delete()
    cutoff = now - timedelta(days=settings.STREAM_EVENT_DAYS)
    StreamEvent.objects.create(
        stream="t-1", position=1, kind="k", payload={}, created_at=cutoff - timedelta(hours=1)
    )
    recent = StreamEvent.objects.create(
        stream="t-1", position=2, kind="k", payload={}, created_at=cutoff + timedelta(hours=1)
    )
    Notification.objects.create(
        recipient=person,
        kind=NotificationKind.MENTION,
        title="t",
        url="/",
        read_at=now - timedelta(days=settings.READ_NOTIFICATION_DAYS + 1),
    )
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert surviving(StreamEvent.objects.all()) == {recent.pk}
    assert not Notification.objects.exists()
    lines = out.getvalue().splitlines()
    assert "stream_events: 1" in lines
    assert "read_notifications: 1" in lines
    assert "data_exports: 0" in lines
