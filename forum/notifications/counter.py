"""The bell's number, maintained: pages read one row instead of counting notifications.

A write that may change what someone's bell shows calls ``touch`` for the people concerned,
inside its transaction: a notification written or read, a post hidden, restored or deleted, a
topic moved, a membership or an account's rights changed, a consortium, space or town deleted.
``visibility.unread_count`` returns the stored number while it is valid and otherwise counts the
truth and stores it, unless a write raised the generation meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F, Model, Q
from django.db.models.deletion import Collector

from ..models import Membership, Notification, UnreadCount


def touch(user_ids: Iterable[int]) -> None:
    """The bells of ``user_ids`` count again on their next read.

    Rows are created where missing (as not yet counted): otherwise a read that counted before
    this write committed could store its stale number afterwards."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    UnreadCount.objects.bulk_create(
        [UnreadCount(user_id=user_id) for user_id in ids], ignore_conflicts=True
    )
    UnreadCount.objects.filter(user_id__in=ids).update(generation=F("generation") + 1)


def touch_recipients(notifications: Q) -> None:
    """``touch`` everyone who has a notification matching ``notifications``."""
    touch(
        Notification.objects.filter(notifications)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def touch_before_deleting(instance: Model) -> None:
    """Before ``instance`` is deleted: the bells of everyone whose notifications or
    memberships go with it (as Django's deletion collects them)."""
    collector = Collector(using="default")
    collector.collect([instance])
    user_ids: set[int] = set()
    for rows in collector.fast_deletes:
        user_ids |= _people_in(rows.model, rows)
    for model, instances in collector.data.items():
        user_ids |= _people_in(model, instances)
    touch(user_ids)


def _people_in(model: Any, rows: Any) -> set[int]:
    if model is Notification:
        return {row.recipient_id for row in rows}
    if model is Membership:
        return {row.user_id for row in rows}
    return set()
