"""The websocket endpoint: one socket per browser tab, many streams over it.

Client → server messages (JSON text frames of at most ``MAX_FRAME_CHARS`` characters)
    ``{"type": "ping"}`` → ``{"type": "pong"}`` (heartbeat, every ~25 s; at most once per
        ``SESSION_CHECK_SECONDS`` it also re-validates the socket's session)
    ``{"type": "subscribe", "stream": "topic:5", "after": 123}`` — ``after`` is the last
        position the client saw; everything after it is replayed from the database first
        (``workshop:<id>`` has no positions: the idea board page reloads the board instead).
        A socket holds at most ``MAX_STREAMS`` subscriptions besides its personal stream.
    ``{"type": "unsubscribe", "stream": "topic:5"}`` (answered even if not subscribed)
    ``{"type": "typing", "stream": "topic:5"}`` (throttled to one event per 3 s per person)
Server → client messages
    ``subscribed`` / ``refused`` (same answer for forbidden and for non-existent streams) /
    ``caught_up`` (replay finished, with the position) / ``event`` (see ``forum.events``;
    besides those kinds ``reset``: the record no longer reaches back to what the client saw, it
    must load the page again) /
    ``unsubscribed`` (reason ``client``, or ``access`` when access ended while connected) /
    ``error`` — ``{"type": "error", "error": code}``; the socket stays open. Codes:
    ``invalid_frame`` (binary frame), ``too_large``, ``invalid_json``, ``invalid_message`` (not
    an object with a string ``type``), ``unknown_message``, ``invalid_stream`` (``stream`` not a
    string of 1–``MAX_STREAM_CHARS`` characters), ``invalid_position`` (``after`` not null or an
    integer 0 … 2⁶³−1), ``too_many_streams``, ``personal_stream`` (it cannot be left),
    ``not_subscribed`` (typing in a topic the socket does not follow).

Gaps: events carry their stream's position. One that skips a position makes the consumer
replay the missing ones from the database first (``_heal``); the heartbeat compares every
stream's head with what the socket saw, for losses at the end of a stream. So a socket that
stays connected ends exactly as a reload would show, whatever the channel layer dropped.

Close codes: 4401 the session no longer signs the user in (logout, password changed
elsewhere, account deactivated or deleted, session deleted or expired), 4403 the account is
gone, 4408 no heartbeat, 1013 the channel layer cannot be reached (try again later).

The consumer is thin: access questions go to ``forum.streams`` (which asks ``forum.rules``, and
the readers other apps registered for their streams), the session test to
``forum.sessions``, reads to the database through small functions below, writes (presence) to
``forum.services``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from django.core.cache import cache

from . import events, services, sessions, streams
from .models import display_name

MAX_FRAME_CHARS = 4096
MAX_STREAM_CHARS = 64
MAX_POSITION = 2**63 - 1  # positions are database ids: a signed 64-bit integer
MAX_STREAMS = 100
SESSION_CHECK_SECONDS = 60
IDLE_SECONDS = 75
TYPING_THROTTLE_SECONDS = 3
CATCH_UP_PAGE = 500
# Close code of a socket the channel layer cannot serve: "try again later" (RFC 6455).
TRY_AGAIN_LATER = 1013
# Personal events the consumer acts on itself instead of forwarding them.
CONSUMED_HERE = {"session.ended", "session.check"}
# After a gap in the personal stream: read the bell's count again.
RESYNC_PAYLOAD = {"counters": ["notifications"], "space_ids": [], "resync": True}

logger = logging.getLogger(__name__)


class BadFrame(Exception):
    """A frame the protocol cannot serve; ``code`` is sent back in an ``error`` message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class PlatformConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user = user
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.session_checked_at = time.monotonic()
        self.streams: dict[str, int | None] = {}
        self.last_seen = time.monotonic()
        self.display = await database_sync_to_async(_label_for)(user.pk)
        # The personal stream is always on: access changes and session ends arrive there. Its
        # position is read before joining, and both happen before the socket counts as open:
        # whatever comes later arrives live or shows up as a gap, nothing is taken as seen.
        personal = streams.personal_stream(user.pk)
        head = await database_sync_to_async(events.position_of)(personal)
        joined = await self._join(personal)
        await self.accept()
        if not joined:
            await self._end(TRY_AGAIN_LATER)
            return
        self.streams[personal] = head
        self.watchdog = asyncio.ensure_future(self._close_when_idle())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "watchdog"):
            self.watchdog.cancel()
        await self._leave_all()

    async def websocket_receive(self, message: dict) -> None:
        await self.receive(text_data=message.get("text"), bytes_data=message.get("bytes"))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Every frame is parsed and checked here; a bad one gets an ``error``, never a crash."""
        self.last_seen = time.monotonic()
        try:
            await self._handle(_parse(text_data))
        except BadFrame as bad:
            await self.send_json({"type": "error", "error": bad.code})

    async def _handle(self, message: dict) -> None:
        kind = message["type"]
        if kind == "ping":
            await self._ping()
        elif kind == "subscribe":
            await self._subscribe(_stream_of(message), _position_of(message))
        elif kind == "unsubscribe":
            await self._unsubscribe(_stream_of(message))
        elif kind == "typing":
            await self._typing(_stream_of(message))
        else:
            raise BadFrame("unknown_message")

    async def _ping(self) -> None:
        # Backstop for sessions that ended where no hook saw it (expiry, raw updates).
        due = time.monotonic() - self.session_checked_at >= SESSION_CHECK_SECONDS
        if due and not await self._session_still_signs_in():
            return
        await self.send_json({"type": "pong"})
        # Backstop for the last events of a stream lost on the way: nothing after them would
        # show the gap.
        heads = await database_sync_to_async(events.positions_of)(list(self.streams))
        for stream, head in heads.items():
            last = self.streams.get(stream)
            if last is not None and head > last:
                await self._heal(stream, last)
        if any(streams.is_topic_stream(stream) for stream in self.streams):
            await database_sync_to_async(services.refresh_presence)(channel_name=self.channel_name)

    # --- streams ----------------------------------------------------------------------------

    async def _subscribe(self, stream: str, after: int | None) -> None:
        if stream not in self.streams and len(self.streams) > MAX_STREAMS:
            raise BadFrame("too_many_streams")  # the personal stream is not counted
        if streams.parse(stream) is None or not await database_sync_to_async(_may_read)(
            self.user.pk, stream
        ):
            await self.send_json({"type": "refused", "stream": stream})
            return
        head = None
        if after is None:
            head = await database_sync_to_async(events.position_of)(stream)  # before joining
        if not await self._join(stream):
            await self._end(TRY_AGAIN_LATER)
            return
        await self.send_json({"type": "subscribed", "stream": stream})
        if after is None:
            self.streams[stream] = head
        else:
            # The client has seen everything up to ``after``; live events queue up while the
            # replay runs and are deduplicated by position afterwards.
            await self._heal(stream, after)
            if stream not in self.streams:
                return
            await self.send_json(
                {"type": "caught_up", "stream": stream, "position": self.streams[stream]}
            )
        if streams.is_topic_stream(stream):
            count, changed = await database_sync_to_async(services.enter_presence)(
                channel_name=self.channel_name, topic_id=_id(stream), user=self.user
            )
            payload = {"topic_id": _id(stream), "count": count}
            if changed:
                await events.send_from_consumer(stream, "presence", payload)
            else:
                await self._forward({"stream": stream, "kind": "presence", "payload": payload})

    async def _unsubscribe(self, stream: str) -> None:
        if stream == streams.personal_stream(self.user.pk):
            raise BadFrame("personal_stream")
        if stream in self.streams:
            await self._leave(stream)
        await self.send_json({"type": "unsubscribed", "stream": stream, "reason": "client"})

    async def _join(self, stream: str) -> bool:
        """Join the stream's group. ``False`` when the channel layer cannot be reached: the
        caller closes the socket with ``TRY_AGAIN_LATER``, so that the client backs off instead
        of reconnecting at once (an open socket that hears nothing would silently go stale)."""
        if stream in self.streams:
            return True
        try:
            await self.channel_layer.group_add(events.group_name(stream), self.channel_name)
        except Exception:
            logger.warning("Channel layer unreachable: socket closed with %s", TRY_AGAIN_LATER)
            return False
        self.streams[stream] = None
        return True

    async def _leave(self, stream: str) -> None:
        self.streams.pop(stream, None)
        try:
            await self.channel_layer.group_discard(events.group_name(stream), self.channel_name)
        except Exception:
            logger.warning("Channel layer unreachable while leaving %s", stream)
        if streams.is_topic_stream(stream):
            count, changed = await database_sync_to_async(services.leave_presence)(
                channel_name=self.channel_name, topic_id=_id(stream)
            )
            if changed:
                payload = {"topic_id": _id(stream), "count": count}
                await events.send_from_consumer(stream, "presence", payload)

    async def _leave_all(self) -> None:
        for stream in list(getattr(self, "streams", {})):
            await self._leave(stream)

    async def _typing(self, stream: str) -> None:
        if not streams.is_topic_stream(stream) or stream not in self.streams:
            raise BadFrame("not_subscribed")
        key = f"typing:{self.user.pk}:{stream}"
        if await cache.aadd(key, 1, TYPING_THROTTLE_SECONDS):
            await events.send_from_consumer(
                stream, "typing", {"user_id": self.user.pk, "name": self.display}
            )

    # --- events from the channel layer -------------------------------------------------------

    async def dispatch(self, message: dict) -> None:
        """Fan-out events skip Channels' per-message ``close_old_connections`` hop to the database
        thread (about half the dispatch time per socket): ``stream_event`` reaches the database
        only through ``database_sync_to_async``, which manages connections itself."""
        if message.get("type") == "stream.event":
            await self.stream_event(message)
        else:
            await super().dispatch(message)

    async def stream_event(self, event: dict) -> None:
        stream, kind, position = event["stream"], event["kind"], event.get("position")
        if stream not in self.streams:
            return
        if position is not None:
            last = self.streams[stream]
            if last is not None and position <= last:
                return  # already delivered (by a replay): exactly once
            if last is not None and position > last + 1:
                # Something between was lost on the way (a full channel, a paused worker).
                await self._heal(stream, last)
                if stream not in self.streams:
                    return
                # A personal event that acts here (a session change) still acts: healing
                # the personal stream only re-reads, it does not replay.
                if position <= (self.streams[stream] or 0) and kind not in CONSUMED_HERE:
                    return
            if kind in CONSUMED_HERE:
                self.streams[stream] = position
        if kind == "session.ended":
            if event["payload"].get("session_key") == self.session_key:
                await self._end(4401)
            return
        if kind == "session.check":
            await self._check_session(event["payload"])
            return
        if kind == "access.changed" or kind == "topic.moved":
            await self._recheck_access()
            if stream not in self.streams:
                return
        if kind == "typing" and event["payload"].get("user_id") == self.user.pk:
            return
        await self._forward(event)

    async def _forward(self, event: dict) -> None:
        stream, position = event["stream"], event.get("position")
        if position is not None:
            last = self.streams.get(stream)
            if last is not None and position <= last:
                return  # already delivered by the replay: exactly once
            self.streams[stream] = position
        await self.send_json(
            {
                "type": "event",
                "stream": stream,
                "kind": event["kind"],
                "payload": event["payload"],
                "position": position,
                "sent_at": event.get("sent_at"),
            }
        )

    async def _heal(self, stream: str, after: int) -> None:
        """Deliver what the stream carried after ``after``: recorded events in order, or for the
        personal stream (hints, not recorded) one ``changed`` that makes the client read its
        counters again, after re-checking the access a lost event may have ended (a lost
        session change is caught by the heartbeat's session check).
        Events older than the record get a ``reset``: the page must be loaded again."""
        if streams.is_personal_stream(stream):
            head = await database_sync_to_async(events.position_of)(stream)
            self.streams[stream] = max(head, after)
            if head > after:
                await self._recheck_access()
                if stream in self.streams:
                    await self._send_event(stream, "changed", RESYNC_PAYLOAD, head)
            return
        self.streams[stream] = max(after, self.streams.get(stream) or 0)
        while stream in self.streams:
            last = self.streams[stream]
            # The head first: every event up to it is committed, so one the replay then lacks
            # was forgotten, not written after the replay looked.
            head = await database_sync_to_async(events.position_of)(stream)
            replay = await database_sync_to_async(events.events_after)(stream, last, CATCH_UP_PAGE)
            if replay and replay[0]["position"] == last + 1:
                for replayed in replay:
                    await self._forward(replayed)
                continue
            if head > last:
                # Forgotten already (older than STREAM_EVENT_DAYS): only a reload is complete.
                self.streams[stream] = head
                await self._send_event(stream, "reset", {}, head)
            return

    async def _send_event(self, stream: str, kind: str, payload: dict, position: int) -> None:
        await self.send_json(
            {
                "type": "event",
                "stream": stream,
                "kind": kind,
                "payload": payload,
                "position": position,
                "sent_at": None,
            }
        )

    async def _recheck_access(self) -> None:
        """Drop every stream the user may no longer read, without waiting for a reconnect."""
        allowed = await database_sync_to_async(_still_readable)(self.user.pk, list(self.streams))
        if allowed is None:
            await self._end(4403)
            return
        for stream in list(self.streams):
            if stream not in allowed:
                await self._leave(stream)
                await self.send_json({"type": "unsubscribed", "stream": stream, "reason": "access"})

    async def _close_when_idle(self) -> None:
        """Heartbeat watchdog: a client that stopped pinging is gone; free its resources."""
        while True:
            await asyncio.sleep(IDLE_SECONDS / 3)
            if time.monotonic() - self.last_seen > IDLE_SECONDS:
                await self._end(4408)
                return

    # --- the session -------------------------------------------------------------------------

    async def _check_session(self, payload: dict) -> None:
        """The account changed (``session.check``): re-validate the session and every stream.

        ``keep`` is the session that made the change and that Django keeps signed in; its new
        hash is stored only when that request ends, so it is not tested now. If Django gave it
        a new key, ``renewed_from`` is the old one: the sockets opened with it follow."""
        keep = payload.get("keep")
        if keep and payload.get("renewed_from") == self.session_key:
            self.session_key = keep
        if self.session_key != keep and not await self._session_still_signs_in():
            return
        await self._recheck_access()

    async def _session_still_signs_in(self) -> bool:
        """Close the socket (4401) unless its session still signs the user in."""
        self.session_checked_at = time.monotonic()
        if await database_sync_to_async(sessions.signs_in)(
            session_key=self.session_key, user_id=self.user.pk
        ):
            return True
        await self._end(4401)
        return False

    async def _end(self, code: int) -> None:
        """Leave every stream first, so nothing more is forwarded while the close completes."""
        await self._leave_all()
        await self.close(code=code)


def _parse(text: str | None) -> dict:
    """A client message: a JSON object with a string ``type``, from a text frame."""
    if text is None:
        raise BadFrame("invalid_frame")
    if len(text) > MAX_FRAME_CHARS:
        raise BadFrame("too_large")
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):  # also numbers of 4,300+ digits and deep nesting
        raise BadFrame("invalid_json") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise BadFrame("invalid_message")
    return message


def _stream_of(message: dict) -> str:
    stream = message.get("stream")
    if not isinstance(stream, str) or not 0 < len(stream) <= MAX_STREAM_CHARS:
        raise BadFrame("invalid_stream")
    return stream


def _position_of(message: dict) -> int | None:
    after = message.get("after")
    if after is None:
        return None
    # ``bool`` is an ``int`` in Python, but ``true`` is no position.
    if type(after) is not int or not 0 <= after <= MAX_POSITION:
        raise BadFrame("invalid_position")
    return after


def _id(stream: str) -> int:
    return int(stream.split(":", 1)[1])


def _load_user(user_id: int) -> Any | None:
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def _may_read(user_id: int, stream: str) -> bool:
    user = _load_user(user_id)
    return user is not None and streams.may_read(user, stream)


def _still_readable(user_id: int, names: list[str]) -> set[str] | None:
    """The subset of ``names`` the user may still read; ``None`` if the account is gone."""
    if _load_user(user_id) is None:
        return None
    return {stream for stream in names if _may_read(user_id, stream)}


def _label_for(user_id: int) -> str:
    """„Anna Berger (Mölln)“ for the typing indicator."""
    user = get_user_model().objects.select_related("profile__town").get(pk=user_id)
    profile = getattr(user, "profile", None)
    name = display_name(user)
    if profile and profile.town:
        return f"{name} ({profile.town.name})"
    return name
