"""Realtime end to end: services publish after commit, the consumer delivers to the right sockets.

Everything goes through the real ASGI stack (origin check, session cookie) and the configured
channel layer: in-memory by default, Redis when ``REDIS_URL`` is set. ``presence`` events are
legitimate background chatter of the topic streams (every subscribe and leave sends one), so the
helpers of tests/helpers/realtime.py skip them; every other message is asserted.
"""

import json
import logging
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from config.asgi import application
from forum import events, services
from forum.models import Membership, Post, Space
from tests.helpers.realtime import (
    ORIGIN,
    QUIET,
    SECRET,
    WAIT,
    connect,
    db,
    is_presence,
    receive,
    receive_many,
    reply,
    subscribe,
    unexpected,
)

pytestmark = pytest.mark.django_db(transaction=True)

POST_KEYS = {"post_id", "topic_id", "fragment_url"}


# --- helpers -----------------------------------------------------------------------------------


def counters_told(messages: list[dict], stream: str) -> set[str]:
    """What the personal ``changed`` events among ``messages`` asked to read again."""
    return {
        counter
        for m in messages
        if m.get("stream") == stream and m.get("kind") == "changed"
        for counter in m["payload"]["counters"]
    }


def only(messages: list[dict], stream: str, kind: str) -> dict:
    matching = [m for m in messages if m.get("stream") == stream and m.get("kind") == kind]
    assert len(matching) == 1, (stream, kind, messages)
    return matching[0]


def fragment_url(post_id: int) -> str:
    return reverse("forum:post_fragment", kwargs={"pk": post_id})


# --- 1. access ---------------------------------------------------------------------------------


async def test_outsider_and_nonexistent_topic_get_the_same_refusal(world):
    topic, space = world.forum.closed_topic, world.forum.closed
    outsider = await connect(world.outsider)

    await outsider.send_json_to({"type": "subscribe", "stream": f"topic:{topic.pk}"})
    forbidden = await receive(outsider)
    await outsider.send_json_to({"type": "subscribe", "stream": "topic:999999"})
    missing = await receive(outsider)
    await outsider.send_json_to({"type": "subscribe", "stream": f"space:{space.pk}"})
    closed_space = await receive(outsider)
    await outsider.send_json_to({"type": "subscribe", "stream": f"user:{world.member.pk}"})
    someone_else = await receive(outsider)

    assert forbidden == {"type": "refused", "stream": f"topic:{topic.pk}"}
    assert missing == {"type": "refused", "stream": "topic:999999"}
    assert closed_space == {"type": "refused", "stream": f"space:{space.pk}"}
    assert someone_else == {"type": "refused", "stream": f"user:{world.member.pk}"}

    # A refused subscription delivers nothing from the closed topic.
    await reply(topic, world.coach, SECRET)
    assert await unexpected(outsider) == []
    await outsider.disconnect()


async def test_anonymous_connection_is_closed(world):
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN])
    connected, code = await communicator.connect(timeout=WAIT)
    assert not connected
    assert code == 4401
    await communicator.disconnect()


# --- 2. every event kind -----------------------------------------------------------------------


async def test_member_receives_every_event_kind_on_topic_space_and_personal_streams(world):
    forum, member, coach = world.forum, world.member, world.coach
    topic = forum.closed_topic
    t, s, u = f"topic:{topic.pk}", f"space:{forum.closed.pk}", f"user:{member.pk}"
    ws = await connect(member)
    await subscribe(ws, t)
    await subscribe(ws, s)
    t_head, s_head = await db(lambda: (events.position_of(t), events.position_of(s)))()

    # A reply by someone else: post.created (topic), topic.activity (space), and on the
    # personal stream "read your counters again" (unread and notifications: the member is
    # subscribed to the topic they opened).
    new = await reply(topic, coach, SECRET)
    got = await receive_many(ws, 3)
    got += await unexpected(ws)
    created = only(got, t, "post.created")
    assert created["type"] == "event"
    assert created["position"] == t_head + 1
    assert created["payload"] == {
        "post_id": new.pk,
        "topic_id": topic.pk,
        "fragment_url": fragment_url(new.pk),
    }
    activity = only(got, s, "topic.activity")
    assert set(activity["payload"]) == {
        "topic_id",
        "space_id",
        "reply_count",
        "last_post_id",
        "last_activity_at",
        "last_poster",
    }
    assert activity["position"] == s_head + 1
    assert activity["payload"]["last_post_id"] == new.pk
    assert activity["payload"]["reply_count"] == 1
    assert counters_told(got, u) == {"unread", "notifications"}
    assert SECRET not in json.dumps(got)  # the text is fetched over HTTP, per viewer
    position = created["position"]

    # post.changed for each change: the next position, no text.
    hidden = forum.closed_post
    changes = [
        ("edited", new, lambda: services.edit_post(post=new, editor=coach, body=SECRET + "!")),
        ("hidden", hidden, lambda: services.hide_post(post=hidden, moderator=coach, reason="DS")),
        ("restored", hidden, lambda: services.restore_post(post=hidden, moderator=coach)),
        ("deleted", new, lambda: services.delete_post(post=new, actor=coach)),
    ]
    for change, post, call in changes:
        await db(call)()
        # Hiding and restoring the member's own post also tells them (personal stream).
        told = change in ("hidden", "restored")
        got = await receive_many(ws, 2 if told else 1)
        if told:
            assert only(got, u, "changed")["payload"]["counters"] == ["notifications"]
        message = only(got, t, "post.changed")
        position += 1
        assert message["position"] == position
        assert message["payload"] == {
            "post_id": post.pk,
            "topic_id": topic.pk,
            "fragment_url": fragment_url(post.pk),
            "change": change,
        }
        assert SECRET not in json.dumps(message)

    # topic.changed: mark as lesson (author), lock (moderator).
    await db(services.set_lesson)(topic=topic, user=member, value=True)
    message = await receive(ws)
    assert (message["stream"], message["kind"]) == (t, "topic.changed")
    assert message["payload"] == {
        "topic_id": topic.pk,
        "is_locked": False,
        "is_pinned": False,
        "is_lesson": True,
    }
    await db(services.set_topic_flag)(topic=topic, moderator=coach, flag="locked", value=True)
    message = await receive(ws)
    assert (message["stream"], message["kind"]) == (t, "topic.changed")
    assert message["payload"] == {
        "topic_id": topic.pk,
        "is_locked": True,
        "is_pinned": False,
        "is_lesson": True,
    }

    # topic.created on the space stream, position = its first post.
    opened = await db(services.create_topic)(
        space=forum.closed, author=coach, title="Neue Runde", body=SECRET
    )
    # The member reads the space: a new-topic notification arrives on the personal stream too.
    got = await receive_many(ws, 2)
    assert only(got, u, "changed")["payload"]["counters"] == ["notifications"]
    message = only(got, s, "topic.created")
    assert (message["stream"], message["kind"]) == (s, "topic.created")
    assert message["position"] == s_head + 2
    assert message["payload"] == {
        "topic_id": opened.pk,
        "space_id": forum.closed.pk,
        "title": "Neue Runde",
        "url": opened.get_absolute_url(),
    }

    # topic.moved: to another space of the consortium, which the member still reads.
    second = await db(Space.objects.create)(
        consortium=world.cast.consortium, name="Arbeitsgruppe", slug="arbeitsgruppe"
    )
    await db(services.move_topic)(topic=topic, moderator=world.core_team, target=second)
    message = await receive(ws)
    assert (message["stream"], message["kind"]) == (t, "topic.moved")
    assert message["payload"] == {"topic_id": topic.pk, "space_id": second.pk}
    assert message["position"] == position + 3  # after the two topic.changed

    # access.changed on the personal stream: removed from the consortium, the member reads
    # neither the closed space nor (without any membership) the academy-wide topic.
    membership = await db(Membership.objects.get)(user=member, consortium=world.cast.consortium)
    await db(services.remove_member)(membership=membership, actor=coach)
    got = await receive_many(ws, 3)
    assert {m["stream"] for m in got if m["type"] == "unsubscribed"} == {t, s}
    assert all(m["reason"] == "access" for m in got if m["type"] == "unsubscribed")
    access = only(got, u, "access.changed")
    assert access["payload"] == {"consortium_id": world.cast.consortium.pk}
    assert got[-1] is access  # the consumer re-checks before it forwards
    assert await unexpected(ws) == []
    await ws.disconnect()


# --- 3. rollback -------------------------------------------------------------------------------


async def test_rolled_back_service_call_sends_nothing(world):
    topic = world.forum.closed_topic
    ws = await connect(world.member)
    await subscribe(ws, f"topic:{topic.pk}")
    await subscribe(ws, f"space:{topic.space_id}")

    @db
    def reply_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.post_reply(topic=topic, author=world.coach, body=SECRET)
            services.set_topic_flag(topic=topic, moderator=world.coach, flag="locked", value=True)
            raise RuntimeError("später Fehler")

    await reply_then_fail()
    assert await unexpected(ws) == []
    assert not await db(Post.objects.filter(body=SECRET).exists)()

    # The socket is alive: a committed reply does arrive, at the next position (the rolled
    # back reply took none).
    head = await db(events.position_of)(f"topic:{topic.pk}")
    await reply(topic, world.coach)
    assert (await receive(ws))["position"] == head + 1
    await ws.disconnect()


# --- 4. typing ---------------------------------------------------------------------------------


async def test_typing_is_throttled_not_echoed_and_names_the_town(world):
    topic, member, coach = world.forum.closed_topic, world.member, world.coach
    stream = f"topic:{topic.pk}"
    writer = await connect(member)
    reader = await connect(coach)
    await subscribe(writer, stream)
    await subscribe(reader, stream)

    await writer.send_json_to({"type": "typing", "stream": stream})
    await writer.send_json_to({"type": "typing", "stream": stream})

    @db
    def label(user):
        return f"{user.profile.display_name} ({user.profile.town.name})"

    message = await receive(reader)
    assert message["kind"] == "typing"
    assert message["stream"] == stream
    assert message["position"] is None
    assert message["payload"] == {"user_id": member.pk, "name": await label(member)}
    assert "(" in message["payload"]["name"]  # the member has a town
    assert await unexpected(reader) == []  # the second one within 3 s is swallowed
    assert await unexpected(writer) == []  # never echoed to the sender

    # Someone without a town is named by their display name alone.
    await reader.send_json_to({"type": "typing", "stream": stream})
    message = await receive(writer)
    coach_name = await db(lambda: coach.profile.display_name)()
    assert message["payload"] == {"user_id": coach.pk, "name": coach_name}
    await writer.disconnect()
    await reader.disconnect()


# --- 5. removal --------------------------------------------------------------------------------


async def test_removed_member_is_unsubscribed_within_two_seconds_and_gets_no_more_replies(world):
    topic, member, coach = world.forum.closed_topic, world.member, world.coach
    stream = f"topic:{topic.pk}"
    ws = await connect(member)
    await subscribe(ws, stream)
    membership = await db(Membership.objects.get)(user=member, consortium=world.cast.consortium)

    started = time.monotonic()
    await db(services.remove_member)(membership=membership, actor=coach)
    message = await receive(ws, timeout=2)
    elapsed = time.monotonic() - started

    assert message == {"type": "unsubscribed", "stream": stream, "reason": "access"}
    assert elapsed < 2, f"access ended after {elapsed:.3f} s"
    print(f"removal → unsubscribed after {elapsed * 1000:.1f} ms")
    access = await receive(ws)
    assert (access["stream"], access["kind"]) == (f"user:{member.pk}", "access.changed")

    # A new reply in the closed topic is not delivered on the topic stream.
    await reply(topic, coach, SECRET)
    leaked = [m for m in await unexpected(ws) if m.get("stream") == stream]
    assert leaked == []
    await ws.disconnect()


@pytest.mark.parametrize("how", ["removed from the consortium", "space closed to the consortium"])
async def test_who_lost_access_gets_no_unread_hints_about_the_topic(world, how):
    """Following a topic (a ``Subscription`` row) must not outlive the right to read it.

    Product bug: ``services.post_reply`` sends ``unread.changed`` to every subscriber of the
    topic without asking whether they may still read its space, so a removed member (or an
    outsider whose academy-wide space was closed to one consortium) keeps learning when and
    in which closed space people reply.
    """
    forum, coach = world.forum, world.coach
    if how == "removed from the consortium":
        person, topic = world.member, forum.closed_topic  # follows the topic they opened
        membership = await db(Membership.objects.get)(user=person, consortium=world.cast.consortium)
        lose_access = db(services.remove_member)(membership=membership, actor=coach)
    else:
        person, topic = world.outsider, forum.academy_topic
        await reply(topic, person)  # replying makes the outsider follow the topic
        lose_access = db(services.change_space)(
            space=forum.academy,
            actor=world.admin,
            name=forum.academy.name,
            slug=forum.academy.slug,
            consortium=world.cast.consortium,
            description="",
        )
    ws = await connect(person)
    await lose_access
    await unexpected(ws)  # access.changed for the removed member; nothing for the outsider

    await reply(topic, coach, SECRET)
    leaked = await unexpected(ws)
    assert leaked == [], (
        f"{how}: the person may no longer read space {forum.closed.pk} but still receives "
        f"{leaked} — forum/services/posting.py post_reply must send unread.changed only to "
        "subscribers who may read the topic's space"
    )
    await ws.disconnect()


# --- 6. logout ---------------------------------------------------------------------------------


async def test_logout_closes_the_sockets_of_that_session_only(world):
    member = world.member
    browser = await db(Client)()
    ws = await connect(member, client=browser)
    other_device = await connect(member)

    response = await sync_to_async(browser.post)("/konto/logout/")
    assert response.status_code == 302

    closed = await ws.receive_output(timeout=WAIT)
    assert closed["type"] == "websocket.close"
    assert closed["code"] == 4401

    await other_device.send_json_to({"type": "ping"})
    assert await receive(other_device) == {"type": "pong"}
    await ws.disconnect()
    await other_device.disconnect()


# --- 8. catch-up -------------------------------------------------------------------------------


async def test_reconnect_replays_missed_posts_once_in_order(world):
    topic = world.forum.closed_topic
    stream = f"topic:{topic.pk}"
    seen = await db(events.position_of)(stream)

    ws = await connect(world.member)
    replay = await subscribe(ws, stream, after=seen)
    assert replay == [{"type": "caught_up", "stream": stream, "position": seen}]
    await ws.disconnect()

    missed = [(await reply(topic, world.coach, f"Antwort {n}")).pk for n in range(3)]

    ws = await connect(world.member)
    replay = await subscribe(ws, stream, after=seen)
    assert [(m["type"], m["kind"]) for m in replay[:3]] == [("event", "post.created")] * 3
    assert [m["position"] for m in replay[:3]] == [seen + 1, seen + 2, seen + 3]
    assert [m["payload"] for m in replay[:3]] == [
        {"post_id": pk, "topic_id": topic.pk, "fragment_url": fragment_url(pk)} for pk in missed
    ]
    assert replay[3] == {"type": "caught_up", "stream": stream, "position": seen + 3}
    assert await unexpected(ws) == []

    # A late live copy of a replayed post is dropped; a new post arrives exactly once.
    await get_channel_layer().group_send(
        f"topic.{topic.pk}",
        {
            "type": "stream.event",
            "stream": stream,
            "kind": "post.created",
            "payload": replay[2]["payload"],
            "position": seen + 3,
            "sent_at": time.time(),
        },
    )
    live = await reply(topic, world.coach)
    # Plus the hint to read counters again: the member follows the topic.
    got = await receive_many(ws, 2)
    got += await unexpected(ws)
    created = only(got, stream, "post.created")
    assert (created["position"], created["payload"]["post_id"]) == (seen + 4, live.pk)
    assert counters_told(got, f"user:{world.member.pk}") == {"unread", "notifications"}
    await ws.disconnect()


async def test_post_committed_during_the_replay_is_delivered_once(world, monkeypatch):
    """The race the dedup exists for: live event and replay both carry the same post."""
    topic = world.forum.closed_topic
    stream = f"topic:{topic.pk}"
    seen = await db(events.position_of)(stream)
    await reply(topic, world.coach, "Verpasst")
    raced = []
    original = events.events_after

    def events_after_with_a_reply_in_between(stream_, after, limit):
        # Runs in the database thread after the socket joined the group: this reply's live
        # event queues up behind the replay, which also contains it. The replay pages until
        # it finds nothing new, so only the first page races.
        if not raced:
            raced.append(services.post_reply(topic=topic, author=world.coach, body="Dazwischen").pk)
        return original(stream_, after, limit)

    monkeypatch.setattr(events, "events_after", events_after_with_a_reply_in_between)
    ws = await connect(world.member)
    replay = await subscribe(ws, stream, after=seen)
    assert [(m["type"], m.get("position")) for m in replay] == [
        ("event", seen + 1),
        ("event", seen + 2),
        ("caught_up", seen + 2),
    ]
    assert replay[1]["payload"]["post_id"] == raced[0]
    # The live copy of the post is dropped; the hints to read counters again (the member
    # follows the topic) are the only things left.
    rest = await unexpected(ws)
    assert {m["stream"] for m in rest} == {f"user:{world.member.pk}"}
    assert counters_told(rest, f"user:{world.member.pk}") == {"unread", "notifications"}
    await ws.disconnect()


# --- 9. channel layer down ---------------------------------------------------------------------

UNREACHABLE = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:6390/0"]},
    }
}


def test_reply_is_saved_and_failure_logged_when_the_channel_layer_is_down(world, caplog):
    topic = world.forum.closed_topic
    client = Client()
    client.force_login(world.member)
    caplog.set_level(logging.ERROR, logger="forum.events")
    try:
        with override_settings(CHANNEL_LAYERS=UNREACHABLE):
            channel_layers.backends = {}
            started = time.monotonic()
            response = client.post(
                reverse("forum:topic_reply", kwargs={"pk": topic.pk}),
                {"body": "Trotz Ausfall gespeichert.", "idempotency_key": str(uuid.uuid4())},
            )
            elapsed = time.monotonic() - started
    finally:
        channel_layers.backends = {}

    assert response.status_code == 302
    assert Post.objects.filter(topic=topic, body="Trotz Ausfall gespeichert.").exists()
    failures = [
        r for r in caplog.records if r.name == "forum.events" and r.levelno == logging.ERROR
    ]
    assert failures, caplog.text
    assert any("post.created" in r.getMessage() and r.exc_info for r in failures)
    assert elapsed < 5, f"the request took {elapsed:.2f} s with the channel layer down"
    print(f"reply with the channel layer down: {elapsed:.2f} s, {len(failures)} errors logged")


# --- presence ----------------------------------------------------------------------------------


async def _presence_counts(communicator, timeout: float = QUIET) -> list[int]:
    counts = []
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        if await communicator.receive_nothing(timeout=remaining, interval=0.01):
            break
        message = await communicator.receive_json_from(timeout=WAIT)
        if is_presence(message):
            counts.append(message["payload"]["count"])
    return counts


async def test_presence_counts_people_and_announces_only_changes(world):
    stream = f"topic:{world.forum.closed_topic.pk}"
    member = await connect(world.member)
    await subscribe(member, stream)
    assert await _presence_counts(member) == [1]

    coach = await connect(world.coach)
    await subscribe(coach, stream)
    assert await _presence_counts(coach) == [2]
    assert await _presence_counts(member) == [2]

    # A second tab of the same person: it learns the count, nobody else is told anything.
    second_tab = await connect(world.coach)
    await subscribe(second_tab, stream)
    assert await _presence_counts(second_tab) == [2]
    assert await _presence_counts(member) == []

    await coach.disconnect()
    await second_tab.disconnect()
    assert await _presence_counts(member) == [1]
    await member.disconnect()
