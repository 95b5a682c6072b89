"""Storage periods: what is removed once it is no longer needed, run daily by
``manage.py apply_retention``. The periods are the settings the privacy statement shows
(``config/settings/base.py``); every function removes rows older than its period ("older than"
is strict: a row exactly at the boundary stays until the next run).

- data exports past their expiry (rows and files), failed ones after as long;
- invitations that expired, were revoked or were accepted more than
  ``EXPIRED_INVITATION_DAYS`` ago. Accepted ones go too: they hold the invitee's address and
  the membership they led to exists on its own. Pending invitations stay;
- read notifications older than ``READ_NOTIFICATION_DAYS`` (unread ones stay);
- finished (succeeded or failed) task rows older than ``FINISHED_TASK_DAYS``;
- outgoing emails sent or given up more than ``SENT_EMAIL_DAYS`` ago (unsent ones stay: they
  are still to be sent);
- sessions past their expiry (``SESSION_COOKIE_AGE`` after the last request);
- presence rows of topic readers not seen for ``PRESENCE_HOURS`` (sockets that died without
  saying goodbye);
- recorded live events older than ``STREAM_EVENT_DAYS`` (``forum.events.prune``);
- proposals to share a topic, with their consents, ``SHARE_PROPOSAL_DAYS`` after they were
  refused or cancelled, or after sharing once the copy is gone (withdrawn or removed). A shared
  proposal whose copy exists stays: its consents are the proof that the authors agreed;
- and the steps higher apps register (``register_step``), e.g. answered barrier reports (cms).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .. import events
from ..models import Invitation, Notification, OutgoingEmail, ShareProposal, TopicPresence
from .export import delete_expired_exports


@transaction.atomic
def delete_old_invitations(*, now: datetime) -> int:
    cutoff = now - timedelta(days=settings.EXPIRED_INVITATION_DAYS)
    expired = Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lt=cutoff)
    deleted, _ = Invitation.objects.filter(
        expired | Q(revoked_at__lt=cutoff) | Q(accepted_at__lt=cutoff)
    ).delete()
    return deleted


@transaction.atomic
def delete_read_notifications(*, now: datetime) -> int:
    cutoff = now - timedelta(days=settings.READ_NOTIFICATION_DAYS)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def delete_finished_tasks(*, now: datetime) -> int:
    cutoff = now - timedelta(days=settings.FINISHED_TASK_DAYS)
    deleted, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=cutoff,
    ).delete()
    return deleted


@transaction.atomic
def delete_sent_emails(*, now: datetime) -> int:
    cutoff = now - timedelta(days=settings.SENT_EMAIL_DAYS)
    deleted, _ = OutgoingEmail.objects.filter(
        Q(sent_at__lt=cutoff) | Q(failed_at__lt=cutoff)
    ).delete()
    return deleted


@transaction.atomic
def delete_expired_sessions(*, now: datetime) -> int:
    """Sessions past their expiry (Django's ``clearsessions``, as one of the daily steps): the
    rows keep the signed-in person's id until they are removed."""
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted


@transaction.atomic
def delete_stale_presence(*, now: datetime) -> int:
    cutoff = now - timedelta(hours=settings.PRESENCE_HOURS)
    deleted, _ = TopicPresence.objects.filter(seen_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def delete_closed_share_proposals(*, now: datetime) -> int:
    cutoff = now - timedelta(days=settings.SHARE_PROPOSAL_DAYS)
    Status = ShareProposal.Status
    closed = Q(status__in=[Status.REFUSED, Status.CANCELLED]) | Q(
        status=Status.SHARED, copy__isnull=True
    )
    _, deleted = ShareProposal.objects.filter(closed, decided_at__lt=cutoff).delete()
    return deleted.get(ShareProposal._meta.label, 0)  # the consents go with them


_steps: dict[str, Callable[..., int]] = {}


def register_step(name: str, step: Callable[..., int]) -> None:
    """A higher app's storage period: ``step(now=...)`` removes what is older and returns how
    many rows it removed (called from the app's ``AppConfig.ready()``)."""
    _steps[name] = step


def apply_retention(*, now: datetime | None = None) -> dict[str, int]:
    """Every storage period at once; returns how many rows each removed. Each step commits on
    its own, so a failure in one leaves the others done."""
    now = now or timezone.now()
    return {
        "data_exports": delete_expired_exports(now=now),
        "invitations": delete_old_invitations(now=now),
        "read_notifications": delete_read_notifications(now=now),
        "finished_tasks": delete_finished_tasks(now=now),
        "sent_emails": delete_sent_emails(now=now),
        "sessions": delete_expired_sessions(now=now),
        "presence": delete_stale_presence(now=now),
        "stream_events": events.prune(now=now),
        "share_proposals": delete_closed_share_proposals(now=now),
        **{name: step(now=now) for name, step in _steps.items()},
    }
