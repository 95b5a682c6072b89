"""Stream names and who may read a stream.

Every stream name is built by one helper here, so no module spells ``f"topic:{id}"`` itself.
The consumer asks ``may_read`` before a socket joins a stream and again whenever access may
have changed. Apps above the forum register the readers of their own streams in
``AppConfig.ready()`` (workshops: ``workshop:<id>``), so the forum never imports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import rules as policy
from .models import Space, Topic

TOPIC = "topic"
SPACE = "space"
PERSONAL = "user"

# Matched with ``fullmatch`` (``$`` would also accept a trailing newline); one spelling per
# stream (no leading zeros), so "topic:05" cannot join a second group for topic 5.
NAME = re.compile(r"([a-z]+):([1-9][0-9]{0,17})")

# A stream kind's reader: may this active user read the stream of the object with this id?
Reader = Callable[[Any, int], bool]
STREAM_READERS: dict[str, Reader] = {}


def topic_stream(topic_id: int) -> str:
    """Everyone reading the topic."""
    return f"{TOPIC}:{topic_id}"


def space_stream(space_id: int) -> str:
    """Everyone looking at the space's topic list."""
    return f"{SPACE}:{space_id}"


def personal_stream(user_id: int) -> str:
    """One person's sockets: counters, access and session changes."""
    return f"{PERSONAL}:{user_id}"


def is_topic_stream(stream: str) -> bool:
    return stream.startswith(f"{TOPIC}:")


def is_personal_stream(stream: str) -> bool:
    return stream.startswith(f"{PERSONAL}:")


def register_reader(kind: str, reader: Reader) -> None:
    """Let ``reader`` decide who may read the streams ``<kind>:<id>``."""
    STREAM_READERS[kind] = reader


def parse(stream: str) -> tuple[str, int] | None:
    """``("topic", 5)`` for ``"topic:5"``; ``None`` for a name no reader knows."""
    match = NAME.fullmatch(stream)
    if match is None or match.group(1) not in STREAM_READERS:
        return None
    return match.group(1), int(match.group(2))


def may_read(user: Any, stream: str) -> bool:
    """Whether ``user`` (active, signed in) may read ``stream``; the same answer for a stream
    that is forbidden and one that does not exist."""
    parsed = parse(stream)
    if parsed is None:
        return False
    kind, pk = parsed
    return STREAM_READERS[kind](user, pk)


def _reads_own(user: Any, user_id: int) -> bool:
    return user_id == user.pk


def _reads_space(user: Any, space_id: int) -> bool:
    space = Space.objects.filter(pk=space_id).first()
    return space is not None and policy.allowed(user, "forum.read_space", space)


def _reads_topic(user: Any, topic_id: int) -> bool:
    topic = Topic.objects.select_related("space").filter(pk=topic_id).first()
    return topic is not None and policy.allowed(user, "forum.read_space", topic)


register_reader(PERSONAL, _reads_own)
register_reader(SPACE, _reads_space)
register_reader(TOPIC, _reads_topic)
