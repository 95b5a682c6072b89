"""Live events that never silently go missing: every event of a stream has the next position,
a socket that sees a gap is given what it missed from the database, in order and once, and the
personal stream's hints are merged per commit and healed by reading the counters again."""

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction

from config.asgi import application
from forum import consumers, events, services
from forum.models import StreamEvent
from tests.helpers.realtime import (
    ORIGIN,
    WAIT,
    connect,
    db,
    receive,
    receive_many,
    reply,
    session_cookie,
    subscribe,
    unexpected,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lossy_layer(monkeypatch):
    """Drops the group sends a test chooses, as a full channel or a paused worker would."""
    dropped: list[tuple[str, str]] = []
    drop_next: list[str] = []
    original = events.send_now

    def send_now(stream, kind, payload, position=None):
        if stream in drop_next:
            drop_next.remove(stream)
            dropped.append((stream, kind))
            return
        original(stream, kind, payload, position)

    monkeypatch.setattr(events, "send_now", send_now)
    return drop_next, dropped


async def _reading_the_topic(world):
    """The member's socket on the closed topic, caught up: (topic, stream, socket, position)."""
    topic = world.forum.closed_topic
    stream = f"topic:{topic.pk}"
    ws = await connect(world.member)
    seen = await db(events.position_of)(stream)
    await subscribe(ws, stream, after=seen)
    return topic, stream, ws, seen


async def test_a_lost_event_is_healed_by_the_next_one_in_order_and_once(world, lossy_layer):
    drop_next, dropped = lossy_layer
    topic, stream, ws, seen = await _reading_the_topic(world)
    drop_next.append(stream)
    first = await reply(topic, world.coach, "Geht verloren")
    second = await reply(topic, world.coach, "Kommt an")
    assert dropped == [(stream, "post.created")]

    got = [m for m in await receive_many(ws, 4) if m.get("stream") == stream]
    got += [m for m in await unexpected(ws) if m.get("stream") == stream]
    assert [(m["position"], m["payload"]["post_id"]) for m in got] == [
        (seen + 1, first.pk),
        (seen + 2, second.pk),
    ]
    await ws.disconnect()


async def test_the_last_lost_event_is_healed_at_the_next_heartbeat(world, lossy_layer):
    drop_next, _dropped = lossy_layer
    topic, stream, ws, seen = await _reading_the_topic(world)
    drop_next.append(stream)
    lost = await reply(topic, world.coach, "Nichts danach")
    assert [m for m in await unexpected(ws) if m.get("stream") == stream] == []

    await ws.send_json_to({"type": "ping"})
    assert await receive(ws) == {"type": "pong"}
    healed = await receive(ws)
    assert (healed["stream"], healed["position"], healed["payload"]["post_id"]) == (
        stream,
        seen + 1,
        lost.pk,
    )
    await ws.disconnect()


async def test_an_event_committed_while_healing_is_delivered_not_taken_for_forgotten(
    world, lossy_layer, monkeypatch
):
    """The replay finds nothing more, then a reply commits before the stream head is read: the
    head is ahead of the replay without anything having been forgotten (no ``reset``)."""
    drop_next, _dropped = lossy_layer
    topic, stream, ws, seen = await _reading_the_topic(world)
    replayed_empty = []
    real_events_after = events.events_after

    def events_after_then_a_reply(stream_name, after, limit):
        found = real_events_after(stream_name, after, limit)
        if not found and not replayed_empty:
            replayed_empty.append(after)
            services.post_reply(topic=topic, author=world.coach, body="Während der Heilung")
        return found

    monkeypatch.setattr(events, "events_after", events_after_then_a_reply)
    drop_next.append(stream)
    await reply(topic, world.coach, "Geht verloren")
    await reply(topic, world.coach, "Zeigt die Lücke")

    got = [m for m in await receive_many(ws, 5) if m.get("stream") == stream]
    got += [m for m in await unexpected(ws) if m.get("stream") == stream]
    assert replayed_empty == [seen + 2]
    assert [(m["kind"], m["position"]) for m in got] == [
        ("post.created", seen + 1),
        ("post.created", seen + 2),
        ("post.created", seen + 3),
    ]
    await ws.disconnect()


async def test_a_gap_in_the_personal_stream_makes_the_client_read_its_counters(world, lossy_layer):
    drop_next, _dropped = lossy_layer
    personal = f"user:{world.member.pk}"
    topic = world.forum.closed_topic
    ws = await connect(world.member)

    # The reply's unread hint and, from the fan-out task, its notification: both get lost.
    drop_next.extend([personal, personal])
    await reply(topic, world.coach, "Hinweis geht verloren")
    assert [m for m in await unexpected(ws) if m.get("stream") == personal] == []
    await ws.send_json_to({"type": "ping"})
    assert await receive(ws) == {"type": "pong"}
    resync = await receive(ws)
    assert (resync["stream"], resync["kind"]) == (personal, "changed")
    assert resync["payload"]["counters"] == ["notifications"]
    assert resync["position"] == await db(events.position_of)(personal)
    await ws.disconnect()


async def test_hints_of_one_commit_reach_a_person_as_one_event(world):
    member = world.member
    personal = f"user:{member.pk}"
    ws = await connect(member)
    before = await db(events.position_of)(personal)

    @db
    def three_hints():
        with transaction.atomic():
            events.publish(personal, "unread.changed", {"space_id": 1})
            events.publish(personal, "notification.created", {})
            events.publish(personal, "unread.changed", {"space_id": 2})

    await three_hints()
    message = await receive(ws)
    assert message["kind"] == "changed"
    assert message["payload"] == {"counters": ["unread", "notifications"], "space_ids": [1, 2]}
    assert message["position"] == before + 1
    assert await unexpected(ws) == []
    await ws.disconnect()


async def test_a_rolled_back_transaction_takes_no_position(world):
    topic = world.forum.closed_topic
    stream = f"topic:{topic.pk}"
    before = await db(events.position_of)(stream)

    @db
    def fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.post_reply(topic=topic, author=world.coach, body="Zurückgerollt")
            raise RuntimeError

    await fail()
    assert await db(events.position_of)(stream) == before
    assert not await db(StreamEvent.objects.filter(stream=stream, position__gt=before).exists)()


async def test_a_gap_older_than_the_record_asks_for_a_reload(world):
    topic = world.forum.closed_topic
    stream = f"topic:{topic.pk}"
    seen = await db(events.position_of)(stream)
    await reply(topic, world.coach, "Alt")
    await reply(topic, world.coach, "Neu")
    await db(StreamEvent.objects.filter(stream=stream, position=seen + 1).delete)()

    ws = await connect(world.member)
    replay = await subscribe(ws, stream, after=seen)
    assert [(m["type"], m.get("kind"), m["position"]) for m in replay] == [
        ("event", "reset", seen + 2),
        ("caught_up", None, seen + 2),
    ]
    await ws.disconnect()


async def test_events_of_two_writers_on_one_topic_have_consecutive_positions(world):
    topic = world.forum.closed_topic
    stream = f"topic:{topic.pk}"
    before = await db(events.position_of)(stream)
    for index in range(3):
        await reply(topic, world.coach if index % 2 else world.member, f"Beitrag {index}")
    positions = await db(
        lambda: list(
            StreamEvent.objects.filter(stream=stream, position__gt=before)
            .order_by("position")
            .values_list("position", flat=True)
        )
    )()
    assert positions == [before + 1, before + 2, before + 3]


async def test_a_socket_the_channel_layer_cannot_serve_is_told_to_back_off(world, monkeypatch):
    layer = get_channel_layer()

    async def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(layer, "group_add", unreachable)
    ws = await _open_without_assert(world.member)
    closed = await ws.receive_output(timeout=WAIT)
    assert closed == {"type": "websocket.close", "code": consumers.TRY_AGAIN_LATER}


async def _open_without_assert(user):
    cookie = await session_cookie(user)
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _subprotocol = await communicator.connect(timeout=WAIT)
    assert connected  # accepted, then closed: the close code tells the client to wait
    return communicator
