"""Fixtures of the realtime tests: the cast and forum with a fresh channel layer and cache."""

from dataclasses import dataclass

import pytest
from channels.layers import channel_layers
from django.core.cache import cache

from tests.helpers.site_tree import ensure_site_tree


@dataclass
class World:
    cast: object
    forum: object

    def __getattr__(self, role):
        return self.cast.user(role)


@pytest.fixture
def world(cast, forum):
    """The cast and forum, then a fresh channel layer and cache for this test alone.

    ``get_channel_layer()`` caches its instance per process; the fixtures above already
    published through it, so it is reset after them (and again afterwards).
    """
    ensure_site_tree()  # transactional tests flush Wagtail's tree; the admin needs it
    channel_layers.backends = {}
    cache.clear()
    yield World(cast=cast, forum=forum)
    channel_layers.backends = {}
    cache.clear()
