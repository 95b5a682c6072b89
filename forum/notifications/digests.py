"""Daily and weekly digests: one email per person with what is new for that period, grouped by
space and topic, each notification in one digest at most, access checked when it is sent."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..mail import queue_email, site_url
from ..models import Delivery, Notification, NotificationKind
from .email import build_message, digest_unsubscribe_url, post_content_allowed
from .preferences import DIGEST_PERIODS, deliveries_by_user
from .visibility import visible_q

logger = logging.getLogger(__name__)

# People per batch: preferences for a batch in one query, IN lists below SQLite's limit.
DIGEST_BATCH = 1000
# Kinds about case pages: grouped under their own heading, not under a space.
CASE_KINDS = {NotificationKind.CASE_REVIEW, NotificationKind.CASE_DECISION}
TRANSFER_KINDS = {NotificationKind.TRANSFER_RECORDED, NotificationKind.TRANSFER_STATUS_CHANGED}


def send_digests(*, period: str, now: Any = None) -> int:
    """One email per person with something new for ``period`` (daily or weekly), grouped by
    space and topic; each notification goes into one digest at most. Returns the number of
    digests queued (each leaves after the commit that queued it)."""
    Delivery(period)
    now = now or timezone.now()
    # Bounded look-back: in-app-only notifications are never digested and must not pile up here.
    since = now - DIGEST_PERIODS[Delivery(period)] - timedelta(days=1)
    candidates = (
        Notification.objects.filter(
            digested_at__isnull=True,
            emailed_at__isnull=True,
            created_at__lte=now,
            created_at__gt=since,
        )
        .order_by()
        .values_list("recipient_id", "kind")
        .distinct()
    )
    wanted: dict[int, set[str]] = defaultdict(set)
    for user_id, kind in candidates:
        wanted[user_id].add(kind)
    sent = 0
    include_content = post_content_allowed()
    people = sorted(wanted)
    User = get_user_model()
    for start in range(0, len(people), DIGEST_BATCH):
        batch = people[start : start + DIGEST_BATCH]
        deliveries = deliveries_by_user(batch)
        people_batch = User.objects.filter(pk__in=batch, is_active=True)
        for user in people_batch.select_related("profile", "wagtail_userprofile"):
            kinds = [kind for kind in wanted[user.pk] if deliveries[user.pk][kind] == period]
            if not kinds:
                continue
            if _send_digest(
                user=user, kinds=kinds, period=period, now=now, include_content=include_content
            ):
                sent += 1
    return sent


def _send_digest(
    *, user: Any, kinds: list[str], period: str, now: Any, include_content: bool
) -> bool:
    # The entries are marked digested in the transaction that queues the digest: it leaves
    # once, retried while the mail server fails (``forum.mail.send_outgoing_email``).
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(
                recipient=user,
                kind__in=kinds,
                digested_at__isnull=True,
                emailed_at__isnull=True,
                created_at__lte=now,
            )
            .select_related("space", "topic", "actor__profile", "workshop")
            # Forum spaces first, then workshop and consortium news, on every database.
            .order_by(
                F("space__name").asc(nulls_last=True),
                F("topic__title").asc(nulls_last=True),
                "created_at",
            )
        )
        if not pending:
            return False
        visible = set(
            Notification.objects.filter(
                visible_q(user), pk__in=[n.pk for n in pending]
            ).values_list("pk", flat=True)
        )
        # What may not be seen now is left out and not offered again.
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(digested_at=now)
        items = [n for n in pending if n.pk in visible]
        if not items or not user.email:
            return False
        groups: dict[str, dict[str, list[Notification]]] = defaultdict(lambda: defaultdict(list))
        for item in items:
            if item.space:
                space_name = item.space.name
            elif item.kind in CASE_KINDS:
                space_name = _("Fallstudien")
            elif item.kind in TRANSFER_KINDS:
                space_name = _("Übertragungen")
            elif item.kind == NotificationKind.DATA_EXPORT_READY:
                space_name = _("Ihr Konto")
            else:
                space_name = _("Transferwerkstätten und Verbund")
            groups[space_name][item.title].append(item)
        message = build_message(
            user=user,
            subject=gettext_noop("Ihre Zusammenfassung: %(count)s Neuigkeiten"),
            template="digest",
            unsubscribe_link=digest_unsubscribe_url(user, period),
            include_content=include_content,
            context={
                "groups": {space: dict(topics) for space, topics in groups.items()},
                "period": period,
                "count": len(items),
                "site_url": site_url(""),
                "subject_args": {"count": len(items)},
            },
        )
        queue_email(kind=f"digest_{period}", message=message, recipient=user)
    return True
