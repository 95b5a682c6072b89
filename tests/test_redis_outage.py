"""With Redis stopped, every main page still answers for every role and posting still works:
the cache degrades to one per process (``config.cache``) instead of failing the request."""

import logging
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from channels.layers import channel_layers
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from forum.models import Post
from tests.helpers.cast import ROLES

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis():
    """A Redis of this test alone, so it can be stopped without touching anyone else's."""
    port = _free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    caches = {
        "default": {
            "BACKEND": "config.cache.RedisWithLocalFallback",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "posts": settings.CACHES["posts"],
    }
    with override_settings(CACHES=caches):
        yield process
    process.kill()
    process.wait()


def _stop(process) -> None:
    process.terminate()
    process.wait(timeout=10)


def _main_pages(cast, forum, site) -> list[str]:
    return [
        "/",
        site.case_index.url,
        site.public_case.url,
        "/suche/?q=Labor",
        reverse("account_login"),
        reverse("forum:home"),
        reverse("forum:space", kwargs={"slug": forum.closed.slug}),
        reverse("forum:topic", kwargs={"pk": forum.closed_topic.pk}),
        reverse("forum:notifications"),
        reverse("forum:consortium", kwargs={"slug": cast.consortium.slug}),
        reverse("workshops:list", kwargs={"slug": cast.consortium.slug}),
    ]


def _statuses(cast, pages: list[str]) -> dict[tuple[str, str], int]:
    statuses = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        user = cast.user(role)
        if user.is_authenticated:
            client.force_login(user)
        for url in pages:
            statuses[role, url] = client.get(url).status_code
    return statuses


def test_every_main_page_answers_alike_with_redis_stopped(own_redis, cast, forum, request):
    site = request.getfixturevalue("case_site")
    pages = _main_pages(cast, forum, site)
    with_redis = _statuses(cast, pages)
    assert 500 not in with_redis.values()
    _stop(own_redis)
    cache.clear()
    assert _statuses(cast, pages) == with_redis


def test_posting_works_with_redis_stopped(
    own_redis, cast, forum, django_capture_on_commit_callbacks, monkeypatch
):
    """The channel layer on the stopped Redis too: the reply is saved and answered at once,
    the events are only logged as not sent (the sockets heal from their positions)."""
    location = settings.CACHES["default"]["LOCATION"]
    layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": location, "socket_connect_timeout": 1}]},
        }
    }
    _stop(own_redis)
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends = {}
        client = Client(raise_request_exception=False)
        client.force_login(cast.user("member"))
        url = reverse("forum:topic_reply", kwargs={"pk": forum.closed_topic.pk})
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {"body": "Auch ohne Redis gespeichert.", "idempotency_key": str(uuid.uuid4())},
            )
        took = time.monotonic() - started
    channel_layers.backends = {}
    assert response.status_code == 302
    assert Post.objects.filter(body__contains="Auch ohne Redis").exists()
    # One failed send, then the layer is left alone for a few seconds: not one timeout per
    # event of the reply (topic, space and every follower).
    assert took < 5


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/key"})
def test_login_rate_limit_still_limits_with_redis_stopped(own_redis, client, cast):
    _stop(own_redis)
    member = cast.user("member")
    for _ in range(3):
        client.post(reverse("account_login"), {"login": member.email, "password": "falsch-123"})
    blocked = client.post(reverse("account_login"), {"login": member.email, "password": "x"})
    assert "Zu viele gescheiterte Anmeldeversuche" in blocked.content.decode()


def test_an_outage_is_logged_once_not_per_request(own_redis, caplog):
    _stop(own_redis)
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        for index in range(50):
            cache.set(f"key-{index}", index)
            assert cache.get(f"key-{index}") == index
    assert len([r for r in caplog.records if r.name == "config.cache"]) == 1
