"""The websocket endpoint through the real ASGI stack: origin check, session auth, ping."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")


@sync_to_async
def _session_cookie() -> bytes:
    client = Client()
    client.force_login(UserFactory())
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def test_signed_in_user_is_accepted_and_gets_pong():
    cookie = await _session_cookie()
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _subprotocol = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.send_json_to({"type": "unbekannt"})
    assert (await communicator.receive_json_from())["type"] == "error"
    await communicator.disconnect()


async def test_anonymous_connection_is_closed():
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN])
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401
    await communicator.disconnect()


async def test_foreign_origin_is_refused():
    cookie = await _session_cookie()
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"origin", b"http://evil.example"), (b"cookie", cookie)]
    )
    connected, _code = await communicator.connect()
    assert not connected
    await communicator.disconnect()
