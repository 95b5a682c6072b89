"""Websocket helpers for the realtime tests: connect with a session, subscribe, read messages.

``presence`` events are legitimate background chatter of the topic streams (every subscribe and
leave sends one), so ``receive`` and ``unexpected`` skip them; every other message counts.
Waits depend on the configured channel layer: across a real Redis server group_send takes a
little longer.
"""

import json
import time

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from forum import services

ORIGIN = (b"origin", b"http://localhost")
ON_REDIS = "redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"].lower()
# A message is awaited up to WAIT seconds (returns as soon as it is there); silence is checked
# for QUIET seconds.
WAIT = 3 if ON_REDIS else 1
QUIET = 1.0 if ON_REDIS else 0.3
# Text that must never travel over a socket: events carry ids, the text is fetched over HTTP.
SECRET = "Vertraulich: Haushaltsentwurf 2026"

db = database_sync_to_async


@db
def session_cookie(user, client=None) -> bytes:
    client = client or Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def connect(user, client=None) -> WebsocketCommunicator:
    cookie = await session_cookie(user, client)
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _subprotocol = await communicator.connect(timeout=WAIT)
    assert connected
    return communicator


def is_presence(message: dict) -> bool:
    return message.get("type") == "event" and message.get("kind") == "presence"


async def receive(communicator: WebsocketCommunicator, timeout: float = WAIT) -> dict:
    """The next message that is not a presence event."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if not is_presence(message):
            return message


async def receive_many(communicator: WebsocketCommunicator, count: int) -> list[dict]:
    return [await receive(communicator) for _ in range(count)]


async def unexpected(communicator: WebsocketCommunicator, timeout: float = QUIET) -> list[dict]:
    """Every non-presence message arriving within ``timeout``: ``[]`` means silence.

    Built on ``receive_nothing`` (a timed-out ``receive_*`` would cancel the application).
    """
    found = []
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        if await communicator.receive_nothing(timeout=remaining, interval=0.01):
            break
        output = await communicator.receive_output(timeout=WAIT)
        message = json.loads(output["text"]) if "text" in output else output
        if not is_presence(message):
            found.append(message)
    return found


async def subscribe(communicator, stream: str, after: int | None = None) -> list[dict]:
    """Subscribe; return the replayed events (up to and including ``caught_up``)."""
    request = {"type": "subscribe", "stream": stream}
    if after is not None:
        request["after"] = after
    await communicator.send_json_to(request)
    assert await receive(communicator) == {"type": "subscribed", "stream": stream}
    if after is None:
        return []
    replay = []
    while True:
        message = await receive(communicator)
        replay.append(message)
        if message["type"] == "caught_up":
            return replay


def reply(topic, author, body="Bei uns hat es gut geklappt."):
    return db(services.post_reply)(topic=topic, author=author, body=body)


async def assert_closed_for_auth(ws) -> None:
    """The next output (presence chatter aside) is a close with 4401."""
    while True:
        output = await ws.receive_output(timeout=WAIT)
        if output["type"] == "websocket.close":
            assert output.get("code") == 4401, output
            return
        assert '"presence"' in output.get("text", ""), output


async def assert_open(ws) -> None:
    await ws.send_json_to({"type": "ping"})
    assert await receive(ws) == {"type": "pong"}
