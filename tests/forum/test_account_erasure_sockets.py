"""Erasing an account closes its open sockets at once, on every device, whoever erased it."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from forum.models import Role
from forum.privacy.erasure import erase_person
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.helpers.realtime import assert_closed_for_auth, assert_open, connect, db

pytestmark = pytest.mark.django_db(transaction=True)


def _member(world):
    person = UserFactory()
    MembershipFactory(user=person, consortium=world.cast.consortium, role=Role.MEMBER)
    return person


async def test_erasing_ones_own_account_closes_its_sockets_and_ends_its_sessions(world):
    person = await db(_member)(world)
    browser = await db(Client)()
    await sync_to_async(browser.force_login)(person)
    own = await connect(person, client=browser)
    other_device = await connect(person)
    bystander = await connect(world.cast.user("member"))

    response = await sync_to_async(browser.post)(
        reverse("forum:account_delete"), {"posts": "behalten", "password": PASSWORD}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    await assert_closed_for_auth(own)
    await assert_closed_for_auth(other_device)
    await assert_open(bystander)
    sessions = await db(lambda: list(Session.objects.all()))()
    assert all(session.get_decoded().get("_auth_user_id") != str(person.pk) for session in sessions)
    for ws in (own, other_device, bystander):
        await ws.disconnect()


async def test_an_admins_erasure_closes_the_persons_sockets(world):
    person = await db(_member)(world)
    ws = await connect(person)
    admin = world.cast.user("admin")

    await db(erase_person)(person=person, delete_posts=True, actor=admin)

    await assert_closed_for_auth(ws)
    await ws.disconnect()
