"""The websocket endpoint: one socket per browser tab, many streams over it.

Client → server messages
    ``{"type": "ping"}`` → ``{"type": "pong"}`` (heartbeat, every ~25 s)
    ``{"type": "subscribe", "stream": "topic:5", "after": 123}`` — ``after`` is the last
        position the client saw; everything after it is replayed from the database first
        (``workshop:<id>`` has no positions: the idea board page reloads the board instead)
    ``{"type": "unsubscribe", "stream": "topic:5"}``
    ``{"type": "typing", "stream": "topic:5"}`` (throttled to one event per 3 s per person)
Server → client messages
    ``subscribed`` / ``refused`` (same answer for forbidden and for non-existent streams) /
    ``caught_up`` (replay finished, with the position) / ``event`` (see ``forum.events``) /
    ``unsubscribed`` (access ended while connected)

The consumer is thin: access questions go to ``forum.rules``, reads to the database through
small functions below, writes (presence) to ``forum.services``.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from django.core.cache import cache

from . import events, services
from . import rules as policy
from .models import Post, Space, Topic, display_name

STREAM = re.compile(r"^(topic|space|user|workshop):(\d{1,18})$")
IDLE_SECONDS = 75
TYPING_THROTTLE_SECONDS = 3
CATCH_UP_PAGE = 500


class PlatformConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user = user
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.streams: dict[str, int | None] = {}
        self.last_seen = time.monotonic()
        self.display = await database_sync_to_async(_label_for)(user.pk)
        await self.accept()
        # The personal stream is always on: access changes and logout arrive there.
        await self._join(f"user:{user.pk}")
        self.watchdog = asyncio.ensure_future(self._close_when_idle())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "watchdog"):
            self.watchdog.cancel()
        for stream in list(getattr(self, "streams", {})):
            await self._leave(stream)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        self.last_seen = time.monotonic()
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
            if any(stream.startswith("topic:") for stream in self.streams):
                await database_sync_to_async(services.refresh_presence)(
                    channel_name=self.channel_name
                )
        elif kind == "subscribe":
            await self._subscribe(content.get("stream"), content.get("after"))
        elif kind == "unsubscribe":
            stream = content.get("stream")
            if stream in self.streams and not stream.startswith("user:"):
                await self._leave(stream)
                await self.send_json({"type": "unsubscribed", "stream": stream, "reason": "client"})
        elif kind == "typing":
            await self._typing(content.get("stream"))
        else:
            await self.send_json({"type": "error", "error": "unknown_message"})

    # --- streams ----------------------------------------------------------------------------

    async def _subscribe(self, stream: Any, after: Any) -> None:
        if not isinstance(stream, str) or not await database_sync_to_async(_may_read)(
            self.user.pk, stream
        ):
            await self.send_json({"type": "refused", "stream": str(stream)[:40]})
            return
        await self._join(stream)
        await self.send_json({"type": "subscribed", "stream": stream})
        if isinstance(after, int) and after >= 0:
            # The client has seen everything up to ``after``; live events queue up while the
            # replay runs and are deduplicated by position afterwards.
            self.streams[stream] = max(after, self.streams.get(stream) or 0)
            while replay := await database_sync_to_async(_events_after)(
                stream, self.streams[stream]
            ):
                for event in replay:
                    await self._forward(event)
            await self.send_json(
                {"type": "caught_up", "stream": stream, "position": self.streams.get(stream)}
            )
        if stream.startswith("topic:"):
            count, changed = await database_sync_to_async(services.enter_presence)(
                channel_name=self.channel_name, topic_id=_id(stream), user=self.user
            )
            payload = {"topic_id": _id(stream), "count": count}
            if changed:
                await events.send_from_consumer(stream, "presence", payload)
            else:
                await self._forward({"stream": stream, "kind": "presence", "payload": payload})

    async def _join(self, stream: str) -> None:
        if stream not in self.streams:
            self.streams[stream] = None
            await self.channel_layer.group_add(events.group_name(stream), self.channel_name)

    async def _leave(self, stream: str) -> None:
        self.streams.pop(stream, None)
        await self.channel_layer.group_discard(events.group_name(stream), self.channel_name)
        if stream.startswith("topic:"):
            count, changed = await database_sync_to_async(services.leave_presence)(
                channel_name=self.channel_name, topic_id=_id(stream)
            )
            if changed:
                payload = {"topic_id": _id(stream), "count": count}
                await events.send_from_consumer(stream, "presence", payload)

    async def _typing(self, stream: Any) -> None:
        if not isinstance(stream, str) or not stream.startswith("topic:"):
            return
        if stream not in self.streams:
            return
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
        stream, kind = event["stream"], event["kind"]
        if stream not in self.streams:
            return
        if kind == "session.ended":
            if event["payload"].get("session_key") == self.session_key:
                await self.close(code=4401)
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

    async def _recheck_access(self) -> None:
        """Drop every stream the user may no longer read, without waiting for a reconnect."""
        allowed = await database_sync_to_async(_still_readable)(self.user.pk, list(self.streams))
        if allowed is None:
            await self.close(code=4403)
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
                await self.close(code=4408)
                return


def _id(stream: str) -> int:
    return int(stream.split(":", 1)[1])


def _load_user(user_id: int) -> Any | None:
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def _may_read(user_id: int, stream: str) -> bool:
    match = STREAM.match(stream)
    user = _load_user(user_id)
    if match is None or user is None:
        return False
    kind, pk = match.group(1), int(match.group(2))
    if kind == "user":
        return pk == user.pk
    if kind == "space":
        space = Space.objects.filter(pk=pk).first()
        return space is not None and policy.allowed(user, "forum.read_space", space)
    if kind == "workshop":
        from workshops.models import Workshop  # the workshops app builds on the forum

        workshop = Workshop.objects.filter(pk=pk).first()
        return workshop is not None and policy.allowed(user, "workshops.see_idea_board", workshop)
    topic = Topic.objects.select_related("space").filter(pk=pk).first()
    return topic is not None and policy.allowed(user, "forum.read_space", topic)


def _still_readable(user_id: int, streams: list[str]) -> set[str] | None:
    """The subset of ``streams`` the user may still read; ``None`` if the account is gone."""
    if _load_user(user_id) is None:
        return None
    return {stream for stream in streams if _may_read(user_id, stream)}


def _label_for(user_id: int) -> str:
    """„Anna Berger (Mölln)“ for the typing indicator."""
    user = get_user_model().objects.select_related("profile__town").get(pk=user_id)
    profile = getattr(user, "profile", None)
    name = display_name(user)
    if profile and profile.town:
        return f"{name} ({profile.town.name})"
    return name


def _events_after(stream: str, after: int) -> list[dict]:
    """What the stream carried after ``after``, rebuilt from the database, oldest first."""
    kind, pk = stream.split(":", 1)[0], _id(stream)
    if kind == "topic":
        posts = Post.objects.filter(topic_id=pk, pk__gt=after).order_by("pk")[:CATCH_UP_PAGE]
        return [
            {
                "stream": stream,
                "kind": "post.created",
                "payload": services.post_event_payload(post),
                "position": post.pk,
            }
            for post in posts
        ]
    if kind == "space":
        topics = (
            Topic.objects.filter(space_id=pk, last_post_id__gt=after)
            .select_related("last_post__author__profile")
            .order_by("last_post_id")[:CATCH_UP_PAGE]
        )
        return [
            {
                "stream": stream,
                "kind": "topic.activity",
                "payload": services.topic_activity_payload(topic),
                "position": topic.last_post_id,
            }
            for topic in topics
        ]
    return []
