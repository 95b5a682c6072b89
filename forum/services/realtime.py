"""Realtime: who reads a topic right now (presence), and telling a person's open sockets that
a session ended or must be checked again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from .. import events
from ..models import (
    TopicPresence,
)
from ..streams import personal_stream

PRESENCE_TIMEOUT = timedelta(seconds=90)


def _present_count(topic_id: int) -> int:
    since = timezone.now() - PRESENCE_TIMEOUT
    return (
        TopicPresence.objects.filter(topic_id=topic_id, seen_at__gte=since)
        .values("user")
        .distinct()
        .count()
    )


def _counted(topic_id: int) -> tuple[int, bool]:
    """The number of readers, and whether it differs from the last one announced.

    Announcing only changes keeps a topic with N readers from costing N² presence frames when
    several tabs of the same people join."""
    count = _present_count(topic_id)
    key = f"presence-count:{topic_id}"
    if cache.get(key) == count:
        return count, False
    cache.set(key, count, int(PRESENCE_TIMEOUT.total_seconds()))
    return count, True


def enter_presence(*, channel_name: str, topic_id: int, user: Any) -> tuple[int, bool]:
    """Record that a socket reads a topic; returns the reader count and whether it changed."""
    TopicPresence.objects.update_or_create(
        channel_name=channel_name,
        defaults={"topic_id": topic_id, "user": user, "seen_at": timezone.now()},
    )
    return _counted(topic_id)


def refresh_presence(*, channel_name: str) -> None:
    TopicPresence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def leave_presence(*, channel_name: str, topic_id: int) -> tuple[int, bool]:
    TopicPresence.objects.filter(channel_name=channel_name, topic_id=topic_id).delete()
    return _counted(topic_id)


def end_realtime_session(*, user_id: Any, session_key: str) -> None:
    """A session ended (logout, or its row deleted by any path): its sockets close."""
    events.publish(personal_stream(user_id), "session.ended", {"session_key": session_key})


def check_realtime_sessions(
    *, user_id: Any, keep: str | None = None, renewed_from: str | None = None
) -> None:
    """The account changed in a way that may end its sessions or change its rights (password
    changed, set or reset, deactivated, deleted, edited by an admin, a session renewed): every
    socket of the user re-validates its session (closing if it no longer signs in) and
    re-checks its subscriptions. ``keep`` is the session that made the change, which Django
    keeps signed in; ``renewed_from`` its previous key when Django gave it a new one."""
    events.publish(
        personal_stream(user_id), "session.check", {"keep": keep, "renewed_from": renewed_from}
    )
