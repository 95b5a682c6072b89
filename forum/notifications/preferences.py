"""Who wants which kind of notification how: each person's delivery per kind (their choice, else
the default), the digest periods, and the spaces they muted or follow completely."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction

from .. import rules as policy
from ..models import (
    DEFAULT_DELIVERY,
    Delivery,
    NotificationKind,
    NotificationPreference,
    Space,
    SpaceNotificationLevel,
)

DIGEST_PERIODS = {Delivery.DAILY: timedelta(days=1), Delivery.WEEKLY: timedelta(days=7)}


def deliveries_for(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each person's delivery for ``kind``: their preference, else the default."""
    user_ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    default = DEFAULT_DELIVERY[kind]
    return {user_id: chosen.get(user_id, default) for user_id in user_ids}


def delivery_of(user: Any, kind: str) -> str:
    return deliveries_for([user.pk], kind)[user.pk]


def deliveries_by_user(user_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Every kind's delivery for each person, in one query (digests, preferences)."""
    user_ids = list(user_ids)
    chosen: dict[int, dict[str, str]] = {user_id: dict(DEFAULT_DELIVERY) for user_id in user_ids}
    for user_id, kind, delivery in NotificationPreference.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "kind", "delivery"):
        chosen[user_id][kind] = delivery
    return chosen


@transaction.atomic
def set_preferences(*, user: Any, deliveries: dict[str, str]) -> None:
    for kind, delivery in deliveries.items():
        NotificationKind(kind)
        Delivery(delivery)
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


@transaction.atomic
def set_space_level(*, user: Any, space: Space, level: str) -> None:
    if not policy.allowed(user, "forum.read_space", space):
        raise PermissionError
    SpaceNotificationLevel.Level(level)
    SpaceNotificationLevel.objects.update_or_create(
        user=user, space=space, defaults={"level": level}
    )


def muted(user_ids: Iterable[int], space: Space | None) -> set[int]:
    """Those of ``user_ids`` who muted ``space``."""
    if space is None:
        return set()
    return set(
        SpaceNotificationLevel.objects.filter(
            space=space, user_id__in=list(user_ids), level=SpaceNotificationLevel.Level.MUTE
        ).values_list("user_id", flat=True)
    )
