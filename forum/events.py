"""The one exit to the channel layer. Only services call ``publish``.

An event is sent after the surrounding transaction commits, never inside it, and a failure to
reach the channel layer (Redis down) is logged, never raised: the database is the source of
truth and clients catch up from it.

Positions: every event of a stream has the next position of that stream (1, 2, 3, … without
holes, ``StreamHead``), so whoever sees 7 after 5 knows that 6 went missing on the way (a full
channel, a paused worker) and nothing is lost silently. Topic, space and workshop events are
recorded (``StreamEvent``) in the transaction of the change itself, so the consumer replays
what a socket missed, in order and once; they are kept ``STREAM_EVENT_DAYS``. Personal events
are hints to read counters again: they are numbered after the commit and not recorded, and a
gap makes the consumer re-check the session and access and tell the client to read its counters
again. Hints of one commit reach a person as one ``changed`` event, not one per kind and change.

Streams and their groups (names built by ``forum.streams``, one helper per stream)
    ``topic:<id>``  → group ``topic.<id>``   everyone reading the topic
    ``space:<id>``  → group ``space.<id>``   everyone looking at the space's topic list
    ``user:<id>``   → group ``user.<id>``    one person's sockets (personal stream)
    ``workshop:<id>`` → group ``workshop.<id>`` everyone looking at a workshop's idea board
    ``survey:<id>``  → group ``survey.<id>``  everyone looking at a survey's results (live count)

Envelope sent to a group: ``{"type": "stream.event", "stream", "kind", "payload", "position",
"sent_at"}``. ``position`` numbers the stream's events (``None`` only for typing and presence,
which are not stored); ``sent_at`` is the commit time (epoch seconds) for latency measurements,
``None`` on a replayed event.

Every kind and its payload keys are listed in ``KINDS`` below (a test fails for a kind sent
anywhere without an entry there). Payloads carry only what every reader of the stream may see;
anything that differs by viewer (hidden text, edit buttons) is fetched by the client over HTTP
from ``fragment_url``, rendered for that viewer. The payload builders shared by several
services are here too, next to the kinds they build.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from .models import Post, StreamEvent, StreamHead, Topic, display_name
from .streams import is_personal_stream, topic_stream

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    streams: str  # the streams it is sent on
    payload: str  # its payload keys
    meaning: str


KINDS: dict[str, Kind] = {
    "post.created": Kind("topic", "post_id, topic_id, fragment_url", "a post was added"),
    "post.changed": Kind(
        "topic",
        "post_id, topic_id, fragment_url, change ∈ edited/hidden/restored/deleted/removed",
        "a post changed; the client fetches it again (``removed``: its author took a shared "
        "copy back, the client drops it)",
    ),
    "topic.changed": Kind(
        "topic", "topic_id, is_locked, is_pinned, is_lesson", "a topic's flags changed"
    ),
    "topic.moved": Kind(
        "topic", "topic_id, space_id", "the topic moved to another space: access is re-checked"
    ),
    "typing": Kind("topic", "user_id, name", "someone writes a reply (not stored, no position)"),
    "presence": Kind(
        "topic", "topic_id, count", "the number of readers changed (not stored, no position)"
    ),
    "topic.created": Kind("space", "topic_id, space_id, title, url", "a topic was opened"),
    "topic.activity": Kind(
        "space",
        "topic_id, space_id, reply_count, last_post_id, last_activity_at, last_poster",
        "counters for topic lists after a reply",
    ),
    "idea.changed": Kind(
        "workshop",
        "workshop_id, card_id, change ∈ added/moved/removed",
        "the client fetches the changed card (the whole board after a reconnect)",
    ),
    "survey.answered": Kind(
        "survey",
        "survey_id, count_url",
        "a new response was stored: the results page fetches its count from ``count_url``, "
        "which asks the policy (a reload shows the same count)",
    ),
    "unread.changed": Kind(
        "personal",
        "space_id",
        "something new in a followed topic; sent merged into ``changed``",
    ),
    "notification.created": Kind(
        "personal",
        "notification_id, kind",
        "a notification for the person; sent merged into ``changed``",
    ),
    "notification.read": Kind(
        "personal", "(none)", "notifications were marked read; sent merged into ``changed``"
    ),
    "conversation.message": Kind(
        "personal",
        "conversation_id, message_id",
        "a new message in one of the person's conversations: an open conversation page "
        "fetches what follows its last message over HTTP",
    ),
    "changed": Kind(
        "personal",
        "counters ⊆ {unread, notifications}, space_ids, resync (after a gap only)",
        "read these counters again over HTTP: the counter hints of one commit as one event, "
        "or sent by the consumer after a gap in the personal stream",
    ),
    "access.changed": Kind(
        "personal; space and topic",
        "consortium_id (personal); space_id (space, topic)",
        "a membership in that consortium began, ended or changed (site or admin), or the space "
        "now belongs to another consortium (or none): the consumer re-checks every subscription",
    ),
    "session.ended": Kind(
        "personal",
        "session_key",
        "sockets of that session close (logout, or the session's row deleted by any path); "
        "not forwarded to the client",
    ),
    "session.check": Kind(
        "personal",
        "keep, renewed_from",
        "the account changed (password changed, set or reset, deactivated, deleted, edited in "
        "the admin, a session moved to a new key): every socket re-validates its session as "
        "Django would on the next request, closing with 4401 if it no longer signs in, then "
        "re-checks its subscriptions. ``keep`` (or ``None``) is the session that made the "
        "change and stays signed in; ``renewed_from`` its previous key, whose sockets follow "
        "it; not forwarded to the client",
    ),
    "reset": Kind(
        "topic, space, workshop, survey",
        "(none)",
        "sent by the consumer: the record no longer reaches back to what the client saw, it "
        "must load the page again",
    ),
}

# Personal hints that only say "read your counters again": one ``changed`` event per person
# and commit carries all of them (a reply used to send two per follower).
COUNTERS = {
    "unread.changed": "unread",
    "notification.created": "notifications",
    "notification.read": "notifications",
}
# After the channel layer failed, sends are skipped for this long (clients heal from positions).
LAYER_RETRY_SECONDS = 5.0
_layer_down_until = 0.0


def group_name(stream: str) -> str:
    """``topic:12`` → ``topic.12`` (channel layer group names allow no colon)."""
    return stream.replace(":", ".")


def publish(stream: str, kind: str, payload: dict[str, Any]) -> None:
    """Record the event in the current transaction and send it once the transaction commits;
    nothing is recorded or sent if it rolls back."""
    if is_personal_stream(stream):
        _personal_batch().add(stream, kind, payload)
        return
    position = _take_positions(Counter({stream: 1}))[stream]
    StreamEvent.objects.create(stream=stream, position=position, kind=kind, payload=payload)
    transaction.on_commit(lambda: send_now(stream, kind, payload, position))


def post_event_payload(post: Post) -> dict[str, Any]:
    """What every reader of a topic may learn about a post: where to fetch it for themselves."""
    return {
        "post_id": post.pk,
        "topic_id": post.topic_id,
        "fragment_url": reverse("forum:post_fragment", kwargs={"pk": post.pk}),
    }


def topic_activity_payload(topic: Topic) -> dict[str, Any]:
    """Counters for topic lists; ``topic.last_post`` with its author's profile must be loaded."""
    return {
        "topic_id": topic.pk,
        "space_id": topic.space_id,
        "reply_count": topic.reply_count,
        "last_post_id": topic.last_post_id,
        "last_activity_at": topic.last_activity_at.isoformat(),
        "last_poster": display_name(topic.last_post.author) if topic.last_post else "",
    }


def publish_post(post: Post, kind: str, change: str = "") -> None:
    """``post.created`` or ``post.changed`` (with ``change``) on the post's topic stream."""
    payload = post_event_payload(post)
    if change:
        payload["change"] = change
    publish(topic_stream(post.topic_id), kind, payload)


def publish_topic_changed(topic: Topic) -> None:
    publish(
        topic_stream(topic.pk),
        "topic.changed",
        {
            "topic_id": topic.pk,
            "is_locked": topic.is_locked,
            "is_pinned": topic.is_pinned,
            "is_lesson": topic.is_lesson,
        },
    )


def position_of(stream: str) -> int:
    """The stream's current position: pages read it before their content, so that anything
    after it reaches them live (and anything both rendered and sent is ignored once)."""
    head = StreamHead.objects.filter(stream=stream).values_list("position", flat=True).first()
    return head or 0


def positions_of(streams: list[str]) -> dict[str, int]:
    heads = dict(StreamHead.objects.filter(stream__in=streams).values_list("stream", "position"))
    return {stream: heads.get(stream, 0) for stream in streams}


def events_after(stream: str, after: int, limit: int) -> list[dict[str, Any]]:
    """The recorded events of a stream after ``after``, oldest first, as they were sent."""
    return [
        {"stream": stream, "kind": kind, "payload": payload, "position": position}
        for position, kind, payload in StreamEvent.objects.filter(stream=stream, position__gt=after)
        .order_by("position")
        .values_list("position", "kind", "payload")[:limit]
    ]


def prune(*, now: datetime | None = None) -> int:
    """Forget recorded events older than ``STREAM_EVENT_DAYS`` (retention)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.STREAM_EVENT_DAYS)
    deleted, _per_model = StreamEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _take_positions(counts: Counter) -> dict[str, int]:
    """Hand out ``counts[stream]`` positions on each stream in one statement; returns the last
    one per stream. Streams in name order, so concurrent writers lock heads in one order."""
    streams = sorted(counts)
    table = StreamHead._meta.db_table
    rows = ", ".join(["(%s, %s)"] * len(streams))
    params: list[Any] = []
    for stream in streams:
        params += [stream, counts[stream]]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (stream, position) VALUES {rows} "  # noqa: S608 (own table)
            f"ON CONFLICT (stream) DO UPDATE SET position = {table}.position + excluded.position "
            "RETURNING stream, position",
            params,
        )
        return dict(cursor.fetchall())


class _PersonalBatch:
    """The personal events of one transaction, sent together after it commits: counter hints
    merged into one ``changed`` event per person, the others (access, session) as they are."""

    def __init__(self) -> None:
        self.events: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.done = False

    def add(self, stream: str, kind: str, payload: dict[str, Any]) -> None:
        events = self.events.setdefault(stream, [])
        if kind in COUNTERS:
            merged = next((p for k, p in events if k == "changed"), None)
            if merged is None:
                merged = {"counters": [], "space_ids": []}
                events.append(("changed", merged))
            if COUNTERS[kind] not in merged["counters"]:
                merged["counters"].append(COUNTERS[kind])
            space_id = payload.get("space_id")
            if space_id is not None and space_id not in merged["space_ids"]:
                merged["space_ids"].append(space_id)
        else:
            events.append((kind, payload))

    def flush(self) -> None:
        """After the commit: positions in one short transaction of their own (a person's hint
        needs no record to be replayed from; a gap tells the socket to read everything again)."""
        self.done = True
        if not self.events:
            return
        try:
            last = _take_positions(Counter({s: len(e) for s, e in self.events.items()}))
        except Exception:
            logger.exception("Could not number personal events")
            return
        for stream, events in self.events.items():
            first = last[stream] - len(events) + 1
            for offset, (kind, payload) in enumerate(events):
                send_now(stream, kind, payload, first + offset)


def _personal_batch() -> _PersonalBatch:
    """The batch of the current transaction; outside one, a batch that is sent at once."""
    if not connection.in_atomic_block:
        return _ImmediateBatch()
    batch = getattr(connection, "_personal_event_batch", None)
    registered = (
        batch is not None
        and not batch.done
        and any(
            callback == batch.flush for _savepoints, callback, _robust in connection.run_on_commit
        )
    )
    if not registered:
        batch = _PersonalBatch()
        connection._personal_event_batch = batch
        transaction.on_commit(batch.flush)
    return batch


class _ImmediateBatch:
    """Outside a transaction there is nothing to wait for: add and send."""

    def add(self, stream: str, kind: str, payload: dict[str, Any]) -> None:
        batch = _PersonalBatch()
        batch.add(stream, kind, payload)
        batch.flush()


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
    """Send at once from synchronous code (after the commit). While the channel layer is
    unreachable, sends are skipped for a few seconds instead of each waiting for a timeout."""
    global _layer_down_until
    if time.monotonic() < _layer_down_until:
        return
    try:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(
                group_name(stream), _envelope(stream, kind, payload, position)
            )
    except Exception:
        # Realtime is a convenience on top of the database: never fail the write for it.
        _layer_down_until = time.monotonic() + LAYER_RETRY_SECONDS
        logger.exception("Could not publish %s on %s", kind, stream)


async def send_from_consumer(stream: str, kind: str, payload: dict[str, Any]) -> None:
    """Ephemeral events raised by a socket itself (typing, presence): no write, no position."""
    try:
        layer = get_channel_layer()
        if layer is not None:
            await layer.group_send(group_name(stream), _envelope(stream, kind, payload, None))
    except Exception:
        logger.exception("Could not publish %s on %s", kind, stream)
