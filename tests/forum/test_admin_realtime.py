"""Writes in the Wagtail admin that change who reads what reach the open sockets at once.

Deleting or changing a membership (one by one or in bulk) and moving a space to another
consortium run the same services as the site: the people who lost access are unsubscribed from
the closed streams at once and receive nothing from them afterwards.
"""

import json

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from forum import services
from forum.models import Membership, ModerationLogEntry, Role, Space, Subscription
from tests.factories import UserFactory
from tests.helpers.realtime import SECRET, connect, db, receive, reply, subscribe, unexpected

pytestmark = pytest.mark.django_db(transaction=True)

MEMBERSHIPS = "/admin/snippets/forum/membership/"


@pytest.fixture
def admin(world):
    client = Client()
    client.force_login(world.admin)
    return client


def post(client: Client, url: str, data: dict | None = None):
    return sync_to_async(client.post)(url, data or {})


async def watch_closed_space(world, user):
    """A socket of ``user`` following the closed space and its topic."""
    ws = await connect(user)
    await subscribe(ws, f"space:{world.forum.closed.pk}")
    await subscribe(ws, f"topic:{world.forum.closed_topic.pk}")
    return ws


async def assert_cut_off(ws, world, space=None, topic=None) -> list[dict]:
    """Unsubscribed from the space and the topic at once; later posts and topics never arrive.

    Returns the ``access.changed`` events that came with it."""
    space = space or world.forum.closed
    topic = topic or world.forum.closed_topic
    streams = {f"space:{space.pk}", f"topic:{topic.pk}"}
    unsubscribed, access = set(), []
    while unsubscribed != streams:
        message = await receive(ws)
        if message["type"] == "unsubscribed":
            assert message["reason"] == "access"
            unsubscribed.add(message["stream"])
        else:
            assert message.get("kind") == "access.changed", message
            access.append(message)
    access += [m for m in await unexpected(ws) if m.get("kind") == "access.changed"]

    await db(services.create_topic)(space=space, author=world.admin, title=SECRET, body="x")
    await reply(topic, world.admin, SECRET)
    leaked = await unexpected(ws)
    assert [m for m in leaked if m.get("stream") in streams] == []
    assert SECRET not in json.dumps(leaked)
    return access


def _membership(world, user, consortium=None):
    return db(Membership.objects.get)(user=user, consortium=consortium or world.cast.consortium)


# --- memberships -------------------------------------------------------------------------------


async def test_deleting_a_membership_in_the_admin_cuts_the_person_off(world, admin):
    member = world.member
    ws = await watch_closed_space(world, member)
    membership = await _membership(world, member)

    response = await post(admin, f"{MEMBERSHIPS}delete/{membership.pk}/")
    assert response.status_code == 302

    access = await assert_cut_off(ws, world)
    assert [m["payload"] for m in access] == [{"consortium_id": world.cast.consortium.pk}]
    # The same service as on the site: logged, and the person no longer follows its topics.
    assert await db(
        ModerationLogEntry.objects.filter(
            consortium=world.cast.consortium, action=ModerationLogEntry.Action.REMOVE_MEMBER
        ).exists
    )()
    assert not await db(
        Subscription.objects.filter(user=member, topic__space=world.forum.closed).exists
    )()
    await ws.disconnect()


async def test_bulk_deleting_memberships_in_the_admin_cuts_everyone_off(world, admin):
    member, second = world.member, world.coach
    first_ws = await watch_closed_space(world, member)
    second_ws = await watch_closed_space(world, second)
    ids = [(await _membership(world, user)).pk for user in (member, second)]
    url = reverse("wagtail_bulk_action", args=["forum", "membership", "delete"])
    query = "&".join(f"id={pk}" for pk in ids)

    response = await post(admin, f"{url}?{query}&next={MEMBERSHIPS}")
    assert response.status_code == 302

    assert not await db(Membership.objects.filter(pk__in=ids).exists)()
    await assert_cut_off(first_ws, world)
    await assert_cut_off(second_ws, world)
    assert (
        await db(
            ModerationLogEntry.objects.filter(action=ModerationLogEntry.Action.REMOVE_MEMBER).count
        )()
        == 2
    )
    await first_ws.disconnect()
    await second_ws.disconnect()


async def test_moving_a_membership_to_another_consortium_cuts_the_person_off(world, admin):
    member, other = world.member, world.cast.other_consortium
    ws = await watch_closed_space(world, member)
    membership = await _membership(world, member)

    response = await post(
        admin,
        f"{MEMBERSHIPS}edit/{membership.pk}/",
        {"user": member.pk, "consortium": other.pk, "role": Role.MEMBER},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    access = await assert_cut_off(ws, world)
    told = {m["payload"]["consortium_id"] for m in access}
    assert told == {world.cast.consortium.pk, other.pk}
    other_space = await db(Space.objects.get)(consortium=other)
    await subscribe(ws, f"space:{other_space.pk}")  # the new membership counts at once
    await ws.disconnect()


async def test_handing_a_membership_to_someone_else_cuts_the_previous_holder_off(world, admin):
    member = world.member
    newcomer = await db(UserFactory)()
    ws = await watch_closed_space(world, member)
    newcomer_ws = await connect(newcomer)
    membership = await _membership(world, member)

    response = await post(
        admin,
        f"{MEMBERSHIPS}edit/{membership.pk}/",
        {"user": newcomer.pk, "consortium": world.cast.consortium.pk, "role": Role.MEMBER},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    told = await receive(newcomer_ws)
    assert told["kind"] == "access.changed"
    assert told["payload"] == {"consortium_id": world.cast.consortium.pk}
    await subscribe(newcomer_ws, f"space:{world.forum.closed.pk}")
    await assert_cut_off(ws, world)
    await ws.disconnect()
    await newcomer_ws.disconnect()


async def test_changing_only_the_role_keeps_the_streams(world, admin):
    member = world.member
    ws = await watch_closed_space(world, member)
    membership = await _membership(world, member)

    response = await post(
        admin,
        f"{MEMBERSHIPS}edit/{membership.pk}/",
        {"user": member.pk, "consortium": world.cast.consortium.pk, "role": Role.COACH},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    told = await receive(ws)
    assert told["kind"] == "access.changed"
    new = await reply(world.forum.closed_topic, world.core_team)
    assert (await receive(ws))["payload"]["post_id"] == new.pk
    await ws.disconnect()


async def test_a_membership_added_in_the_admin_opens_the_space_at_once(world, admin):
    outsider = world.outsider
    ws = await connect(outsider)

    response = await post(
        admin,
        f"{MEMBERSHIPS}add/",
        {"user": outsider.pk, "consortium": world.cast.consortium.pk, "role": Role.MEMBER},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    told = await receive(ws)
    assert (told["kind"], told["payload"]) == (
        "access.changed",
        {"consortium_id": world.cast.consortium.pk},
    )
    await subscribe(ws, f"space:{world.forum.closed.pk}")
    await ws.disconnect()


async def test_the_admin_cannot_remove_their_own_membership_there_either(world, admin):
    membership = await db(Membership.objects.create)(
        user=world.admin, consortium=world.cast.consortium, role=Role.CORE_TEAM
    )

    response = await sync_to_async(admin.post)(f"{MEMBERSHIPS}delete/{membership.pk}/", follow=True)

    assert response.status_code == 200
    assert "selbst" in response.content.decode()
    assert await db(Membership.objects.filter(pk=membership.pk).exists)()


# --- spaces ------------------------------------------------------------------------------------


def _space_form(space, consortium) -> dict:
    return {
        "name": space.name,
        "slug": space.slug,
        "consortium": consortium.pk if consortium else "",
        "description": space.description,
    }


async def test_moving_a_closed_space_to_another_consortium_cuts_its_members_off(world, admin):
    member, space = world.member, world.forum.closed
    ws = await watch_closed_space(world, member)

    response = await post(
        admin,
        f"/admin/snippets/forum/space/edit/{space.pk}/",
        _space_form(space, world.cast.other_consortium),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    await assert_cut_off(ws, world)
    await ws.disconnect()


async def test_closing_the_academy_wide_space_cuts_off_everyone_outside_the_consortium(
    world, admin
):
    forum, outsider = world.forum, world.outsider
    ws = await connect(outsider)
    await subscribe(ws, f"space:{forum.academy.pk}")
    await subscribe(ws, f"topic:{forum.academy_topic.pk}")
    member_ws = await connect(world.member)
    await subscribe(member_ws, f"space:{forum.academy.pk}")

    response = await post(
        admin,
        f"/admin/snippets/forum/space/edit/{forum.academy.pk}/",
        _space_form(forum.academy, world.cast.consortium),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    await assert_cut_off(ws, world, space=forum.academy, topic=forum.academy_topic)
    # The consortium's own member keeps reading it.
    messages = await unexpected(member_ws)
    assert not [m for m in messages if m["type"] == "unsubscribed"]
    await ws.disconnect()
    await member_ws.disconnect()
