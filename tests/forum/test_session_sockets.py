"""Sockets live as long as the session they were opened with, however that session ends.

A socket of a session Django no longer accepts (password changed or reset elsewhere, account
deactivated or deleted, session deleted) is closed with 4401; the socket of the session that
made a change stays open wherever Django keeps that session signed in.
"""

import re

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from forum import consumers
from tests.factories import PASSWORD
from tests.helpers.realtime import (
    assert_closed_for_auth,
    assert_open,
    connect,
    db,
    subscribe,
    unexpected,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Ganz-neues-Passwort-2026"


def _session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _sockets_of_two_sessions(user):
    """A browser (whose client is returned) and a second device, each with a socket."""
    browser = await db(Client)()
    own = await connect(user, client=browser)
    other = await connect(user)
    return browser, own, other


# --- password ----------------------------------------------------------------------------------


async def test_password_change_closes_the_other_sessions_sockets_and_keeps_its_own(
    world, monkeypatch
):
    member = world.member
    browser, own, other = await _sockets_of_two_sessions(member)
    await subscribe(own, f"topic:{world.forum.closed_topic.pk}")
    before = _session_key(browser)

    response = await sync_to_async(browser.post)(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:500]

    await assert_closed_for_auth(other)
    # Django keeps the changing session signed in (under a new key); so does its socket.
    assert _session_key(browser) != before
    assert (await sync_to_async(browser.get)(reverse("account_change_password"))).status_code == 200
    await assert_open(own)
    # ... also when it re-validates its session on the next heartbeat.
    monkeypatch.setattr(consumers, "SESSION_CHECK_SECONDS", 0)
    await assert_open(own)
    assert await unexpected(own) == []
    await own.disconnect()
    await other.disconnect()


async def test_password_reset_closes_every_socket_of_the_account(world, mailoutbox):
    member = world.member
    _browser, first, second = await _sockets_of_two_sessions(member)
    stranger = await db(Client)()  # the reset is done signed out, e.g. on a third device

    await sync_to_async(stranger.post)(reverse("account_reset_password"), {"email": member.email})
    link = re.search(r"https?://[^/\s]+(/konto/password/reset/key/\S+)", mailoutbox[-1].body)
    form = await sync_to_async(stranger.get)(link.group(1), follow=True)
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else link.group(1)
    response = await sync_to_async(stranger.post)(
        set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]

    await assert_closed_for_auth(first)
    await assert_closed_for_auth(second)
    await first.disconnect()
    await second.disconnect()


# --- account deactivated or deleted in the admin -----------------------------------------------


def _user_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name or "Anna",
        "last_name": user.last_name or "Berger",
        "password1": "",
        "password2": "",
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


async def _as_admin(world) -> Client:
    admin = await db(Client)()
    await db(admin.force_login)(world.admin)
    return admin


async def test_deactivation_in_the_admin_closes_every_socket_of_the_account(world):
    member = world.member
    _browser, first, second = await _sockets_of_two_sessions(member)
    admin = await _as_admin(world)
    bystander = await connect(world.coach)

    response = await sync_to_async(admin.post)(
        reverse("wagtailusers_users:edit", args=[member.pk]), _user_form(member, is_active=None)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not (await db(get_user_model().objects.get)(pk=member.pk)).is_active

    await assert_closed_for_auth(first)
    await assert_closed_for_auth(second)
    await assert_open(bystander)
    for ws in (first, second, bystander):
        await ws.disconnect()


async def test_deactivation_by_bulk_action_closes_the_sockets(world):
    member = world.member
    ws = await connect(member)
    admin = await _as_admin(world)
    url = reverse("wagtail_bulk_action", args=["auth", "user", "set_active_state"])

    response = await sync_to_async(admin.post)(
        f"{url}?id={member.pk}&next=/admin/users/", {"mark_as_active": "False"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not (await db(get_user_model().objects.get)(pk=member.pk)).is_active

    await assert_closed_for_auth(ws)
    await ws.disconnect()


async def test_password_set_by_an_admin_closes_the_sockets_of_that_account(world):
    member = world.member
    ws = await connect(member)
    admin = await _as_admin(world)

    response = await sync_to_async(admin.post)(
        reverse("wagtailusers_users:edit", args=[member.pk]),
        _user_form(member, password1=NEW_PASSWORD, password2=NEW_PASSWORD),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    await assert_closed_for_auth(ws)
    await ws.disconnect()


async def test_deleting_the_account_in_the_admin_closes_its_sockets(world):
    member = await db(lambda: get_user_model().objects.create_user("weg", "weg@example.org"))()
    ws = await connect(member)
    admin = await _as_admin(world)

    response = await sync_to_async(admin.post)(
        reverse("wagtailusers_users:delete", args=[member.pk])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    await assert_closed_for_auth(ws)
    await ws.disconnect()


# --- the session itself ends -------------------------------------------------------------------


async def test_a_deleted_session_closes_its_sockets_only(world):
    member = world.member
    browser, own, other = await _sockets_of_two_sessions(member)

    await db(Session.objects.filter(session_key=_session_key(browser)).delete)()

    await assert_closed_for_auth(own)
    await assert_open(other)
    await own.disconnect()
    await other.disconnect()


async def test_password_change_in_the_wagtail_account_keeps_its_socket_and_closes_others(
    world, monkeypatch
):
    """Wagtail's own account page changes the password without any allauth signal."""
    admin = world.admin
    browser, own, other = await _sockets_of_two_sessions(admin)
    before = _session_key(browser)

    response = await sync_to_async(browser.post)(
        "/admin/account/",
        {
            "name_email-first_name": "Ada",
            "name_email-last_name": "Admin",
            "name_email-email": admin.email,
            "locale-preferred_language": "de",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-contrast": "system",
            "theme-density": "default",
            "password-old_password": PASSWORD,
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    await assert_closed_for_auth(other)
    assert _session_key(browser) != before
    monkeypatch.setattr(consumers, "SESSION_CHECK_SECONDS", 0)
    await assert_open(own)
    await own.disconnect()
    await other.disconnect()


@pytest.mark.parametrize("how", ["password changed in the database", "session expired"])
async def test_a_session_ended_behind_the_platforms_back_closes_on_the_next_heartbeat(
    world, monkeypatch, how
):
    """Backstop for paths no hook sees (a raw update, ``clearsessions`` after expiry)."""
    member = world.member
    browser, own, other = await _sockets_of_two_sessions(member)
    if how == "session expired":
        from django.utils import timezone

        await db(Session.objects.filter(session_key=_session_key(browser)).update)(
            expire_date=timezone.now()
        )
    else:
        await db(get_user_model().objects.filter(pk=member.pk).update)(password="!")
    await assert_open(own)  # no hook saw it; within the check interval the socket lives on

    monkeypatch.setattr(consumers, "SESSION_CHECK_SECONDS", 0)
    await own.send_json_to({"type": "ping"})
    await assert_closed_for_auth(own)
    if how == "session expired":
        await assert_open(other)
    await own.disconnect()
    await other.disconnect()
