"""Hostile websocket frames: each is answered, the socket stays open, nothing crashes.

Frames that are not JSON, binary frames, wrong types and absurd values for every field used to
end the application with an exception (close code 1011, "Exception inside application").
"""

import json
import logging
import random

import pytest

from forum import consumers
from forum.models import Topic
from tests.helpers.realtime import WAIT, connect, db, receive, subscribe, unexpected

pytestmark = pytest.mark.django_db(transaction=True)

BIG = 10**30
VALUES = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    float("inf"),
    BIG,
    -BIG,
    2**63,
    -(2**63) - 1,
    "",
    "x" * 3000,
    "🙂" * 500,
    "\u0000",
    "\ud800",
    [],
    [1],
    ["topic:1"],
    {},
    {"stream": "topic:1"},
    [[[[[[[[[[[]]]]]]]]]]],
]
STREAMS = [
    "topic:",
    "topic:-1",
    "topic:1.5",
    "topic:99999999999999999999999",
    "topic:1\n",
    "topic: 1",
    "topic:١٢",
    "TOPIC:1",
    "space:0",
    "user:0",
    "workshop:999999999999999999",
    "post:1",
    "topic:1:2",
    "topic:0",
    "topic:01",
    "a" * 200,
    "topic:" + "9" * 60,
]
TYPES = ["subscribe", "unsubscribe", "typing", "ping", "pong", "event", "", "SUBSCRIBE", "🙂"]
# What a hostile frame may be answered with: never silence, never a crash.
ANSWERS = {"error", "refused", "unsubscribed", "pong"}


def _fixed_frames(readable: list[str]) -> list[str | bytes]:
    frames: list[str | bytes] = [
        b"",
        b"\x00\xff\xfe",
        b'{"type": "ping"}',
        "",
        " ",
        "{",
        "}",
        "ping",
        "{'type': 'ping'}",
        '{"type": "ping"',
        "\u0000",
        "\ud800",
        "NaN",
        "[" * 5000 + "]" * 5000,
        '{"type": "subscribe", "stream": ' + "[" * 1500 + "]" * 1500 + "}",
        '{"type": "subscribe", "stream": "topic:1", "after": ' + "9" * 5000 + "}",
        '{"type": "subscribe", "stream": "topic:1", "after": NaN}',
        '{"type": "subscribe", "stream": "topic:1", "after": -Infinity}',
        '{"type": "ping", "type": []}',
        json.dumps({"type": "ping", "x": "y" * 100_000}),
        json.dumps("x" * 100_000),
    ]
    for value in [*VALUES, *STREAMS]:
        frames.append(json.dumps(value))
        frames.append(json.dumps({"type": value}))
        for kind in ("subscribe", "unsubscribe", "typing"):
            frames.append(json.dumps({"type": kind, "stream": value}))
    for value in VALUES:
        if value is None or (type(value) is int and 0 <= value < 2**63):
            continue  # a valid position (or none): a plain subscription, not a hostile frame
        for stream in readable:
            frames.append(json.dumps({"type": "subscribe", "stream": stream, "after": value}))
    return frames


def _random_frames(readable: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    frames = []
    for _ in range(count):
        message = {"type": rng.choice([*TYPES, *VALUES])}
        if rng.random() < 0.9:
            message["stream"] = rng.choice([*STREAMS, *VALUES, *readable])
        if rng.random() < 0.7:
            message["after"] = rng.choice(VALUES)
        for _extra in range(rng.randrange(3)):
            message[rng.choice(["x", "stream", "after", "🙂", ""])] = rng.choice(VALUES)
        if message["type"] in ("ping", "pong") or message.get("after") is None:
            message["after"] = BIG  # keep every frame hostile
        if message["type"] == "ping":
            message["type"] = rng.choice(["pong", "PING"])
        if (
            message["type"] in ("subscribe", "unsubscribe", "typing")
            and message.get("stream") in readable
        ):
            message["stream"] = rng.choice(STREAMS)
        frames.append(json.dumps(message))
    return frames


async def _send(ws, frame: str | bytes) -> None:
    """Straight to the application (``send_to`` refuses empty frames)."""
    key = "bytes" if isinstance(frame, bytes) else "text"
    await ws.send_input({"type": "websocket.receive", key: frame})


async def test_every_hostile_frame_is_answered_and_the_socket_stays_open(world, caplog):
    caplog.set_level(logging.INFO)
    forum = world.forum
    readable = [f"topic:{forum.closed_topic.pk}", f"space:{forum.closed.pk}"]
    ws = await connect(world.member)
    frames = _fixed_frames(readable) + _random_frames(readable, count=300, seed=12)

    for frame in frames:
        await _send(ws, frame)
        answer = await receive(ws)
        assert answer["type"] in ANSWERS, (frame[:200], answer)
        if answer["type"] == "error":
            assert set(answer) == {"type", "error"}
            assert isinstance(answer["error"], str) and answer["error"]
    assert await unexpected(ws) == []

    await ws.send_json_to({"type": "ping"})
    assert await receive(ws) == {"type": "pong"}
    # Still a working socket: a valid subscription is served as before.
    await subscribe(ws, readable[0], after=2**63 - 1)
    assert not ws.future.done()
    assert "Exception inside application" not in caplog.text
    await ws.disconnect()


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        (b'{"type": "ping"}', "invalid_frame"),
        ("{", "invalid_json"),
        ("[" * 5000 + "]" * 5000, "too_large"),
        ('{"stream": ' + "[" * 1500 + "]" * 1500 + "}", "invalid_json"),
        ("[]", "invalid_message"),
        ('{"type": 1}', "invalid_message"),
        ('{"type": "dance"}', "unknown_message"),
        ('{"type": "subscribe", "stream": [1]}', "invalid_stream"),
        ('{"type": "subscribe", "stream": "' + "a" * 200 + '"}', "invalid_stream"),
        (
            '{"type": "subscribe", "stream": "topic:1", "after": 1000000000000000000000000000000}',
            "invalid_position",
        ),
        ('{"type": "subscribe", "stream": "topic:1", "after": -1}', "invalid_position"),
        ('{"type": "subscribe", "stream": "topic:1", "after": 1.5}', "invalid_position"),
        ('{"type": "subscribe", "stream": "topic:1", "after": true}', "invalid_position"),
        ('{"type": "unsubscribe", "stream": {}}', "invalid_stream"),
        ('{"type": "typing", "stream": null}', "invalid_stream"),
        ('{"type": "typing", "stream": "topic:1"}', "not_subscribed"),
    ],
)
async def test_each_kind_of_bad_frame_has_its_error_code(world, frame, error):
    ws = await connect(world.member)
    await _send(ws, frame)
    assert await receive(ws) == {"type": "error", "error": error}
    await ws.send_json_to({"type": "ping"})
    assert await receive(ws) == {"type": "pong"}
    await ws.disconnect()


@pytest.mark.parametrize("spelling", ["topic:{}\n", "topic:0{}", " topic:{}", "Topic:{}"])
async def test_a_stream_has_one_spelling_only(world, spelling):
    """Another spelling of a readable stream would join a second group (or crash on it)."""
    ws = await connect(world.member)
    stream = spelling.format(world.forum.closed_topic.pk)
    await ws.send_json_to({"type": "subscribe", "stream": stream})
    assert await receive(ws) == {"type": "refused", "stream": stream}
    await ws.disconnect()


async def test_the_personal_stream_cannot_be_left(world):
    ws = await connect(world.member)
    await ws.send_json_to({"type": "unsubscribe", "stream": f"user:{world.member.pk}"})
    assert await receive(ws) == {"type": "error", "error": "personal_stream"}
    await ws.disconnect()


@db
def _topics_in_closed_space(forum, count: int) -> list[int]:
    topics = Topic.objects.bulk_create(
        Topic(space=forum.closed, author=forum.closed_topic.author, title=f"Runde {n}")
        for n in range(count)
    )
    return [topic.pk for topic in topics]


async def test_a_socket_holds_at_most_max_streams_subscriptions(world):
    limit = consumers.MAX_STREAMS
    assert 10 <= limit <= 200
    topic_ids = await _topics_in_closed_space(world.forum, limit + 1)
    ws = await connect(world.member)
    for topic_id in topic_ids[:limit]:
        await subscribe(ws, f"topic:{topic_id}")

    await ws.send_json_to({"type": "subscribe", "stream": f"topic:{topic_ids[limit]}"})
    assert await receive(ws) == {"type": "error", "error": "too_many_streams"}
    # Subscribing again to a stream already held is no new subscription.
    await subscribe(ws, f"topic:{topic_ids[0]}")
    # After leaving one, there is room for another.
    await ws.send_json_to({"type": "unsubscribe", "stream": f"topic:{topic_ids[0]}"})
    assert (await receive(ws))["type"] == "unsubscribed"
    await subscribe(ws, f"topic:{topic_ids[limit]}")
    await ws.send_json_to({"type": "ping"})
    assert await receive(ws, timeout=WAIT) == {"type": "pong"}
    await ws.disconnect()
