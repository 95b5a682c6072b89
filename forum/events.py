"""The one exit to the channel layer. Only services call ``publish``.

An event is sent after the surrounding transaction commits, never inside it, and a failure to
reach the channel layer (Redis down) is logged, never raised: the database is the source of
truth and clients catch up from it when they reconnect.

Streams and their groups
    ``topic:<id>``  → group ``topic.<id>``   everyone reading the topic
    ``space:<id>``  → group ``space.<id>``   everyone looking at the space's topic list
    ``user:<id>``   → group ``user.<id>``    one person's sockets (personal stream)
    ``workshop:<id>`` → group ``workshop.<id>`` everyone looking at a workshop's idea board

Envelope sent to a group: ``{"type": "stream.event", "stream", "kind", "payload", "position",
"sent_at"}``. ``position`` orders a stream (the post id where there is one, else ``None``);
``sent_at`` is the commit time (epoch seconds) for latency measurements.

Kinds and payload keys. Payloads carry only what every reader of the stream may see; anything
that differs by viewer (hidden text, edit buttons) is fetched by the client over HTTP from
``fragment_url``, rendered for that viewer.
    topic stream
        ``post.created``   post_id, topic_id, fragment_url            (position = post_id)
        ``post.changed``   post_id, topic_id, fragment_url, change ∈ edited/hidden/restored/deleted
        ``topic.changed``  topic_id, is_locked, is_pinned, is_lesson
        ``topic.moved``    topic_id, space_id — subscribers re-check their access
        ``typing``         user_id, name                              (not stored, no position)
        ``presence``       topic_id, count                            (not stored, no position)
    space stream
        ``topic.created``  topic_id, space_id, title, url             (position = first post id)
        ``topic.activity`` topic_id, space_id, reply_count, last_post_id, last_activity_at,
                           last_poster                                (position = last_post_id)
    workshop stream
        ``idea.changed``   workshop_id, card_id, change ∈ added/moved/removed — the client
                           fetches the board again (no position; a reconnect does the same)
    personal stream
        ``unread.changed`` space_id — the client refreshes its counters over HTTP
        ``access.changed`` consortium_id — a membership in that consortium began, ended or
                           changed (site or admin): the consumer re-checks every subscription
        ``session.ended``  session_key — sockets of that session close (logout, or the
                           session's row deleted by any path; not forwarded to the client)
        ``session.check``  keep, renewed_from — the account changed (password changed, set or
                           reset, deactivated, deleted, edited in the admin, a session moved
                           to a new key): every socket re-validates its session as Django
                           would on the next request, closing with 4401 if it no longer signs
                           in, then re-checks its subscriptions. ``keep`` (or ``None``) is the
                           session that made the change and stays signed in; ``renewed_from``
                           its previous key, whose sockets follow it (not forwarded)
    space and topic streams
        ``access.changed`` space_id — the space now belongs to another consortium (or none):
                           subscribers re-check their access
"""

from __future__ import annotations

import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def group_name(stream: str) -> str:
    """``topic:12`` → ``topic.12`` (channel layer group names allow no colon)."""
    return stream.replace(":", ".")


def publish(stream: str, kind: str, payload: dict[str, Any], position: int | None = None) -> None:
    """Send the event once the current transaction commits; nothing if it rolls back."""
    transaction.on_commit(lambda: send_now(stream, kind, payload, position))


def _envelope(stream: str, kind: str, payload: dict[str, Any], position: int | None) -> dict:
    return {
        "type": "stream.event",
        "stream": stream,
        "kind": kind,
        "payload": payload,
        "position": position,
        "sent_at": time.time(),
    }


def send_now(stream: str, kind: str, payload: dict[str, Any], position: int | None = None) -> None:
    """Send at once from synchronous code (used by ``publish`` after commit)."""
    try:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(
                group_name(stream), _envelope(stream, kind, payload, position)
            )
    except Exception:
        # Realtime is a convenience on top of the database: never fail the write for it.
        logger.exception("Could not publish %s on %s", kind, stream)


async def send_from_consumer(stream: str, kind: str, payload: dict[str, Any]) -> None:
    """Ephemeral events raised by a socket itself (typing, presence): no write, no position."""
    try:
        layer = get_channel_layer()
        if layer is not None:
            await layer.group_send(group_name(stream), _envelope(stream, kind, payload, None))
    except Exception:
        logger.exception("Could not publish %s on %s", kind, stream)
