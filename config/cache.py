"""The shared cache is Redis; while Redis cannot be reached, each process uses a cache of its own.

Nothing we cache is the only copy of anything: Wagtail's site lookup is read again from the
database, the typing throttle and login rate limits count per process for the length of the
outage (still limiting, only not across workers). So a Redis outage costs sharing, never a page.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a failed Redis is left alone before the next call tries it again.
RETRY_SECONDS = 5.0
# An outage is logged when it starts, then at most this often while it lasts.
LOG_EVERY_SECONDS = 60.0


class RedisWithLocalFallback(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._local = LocMemCache(f"fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._logged_at: float | None = None

    def _use(self, method: str, *args: Any, **kwargs: Any) -> Any:
        now = time.monotonic()
        if now >= self._down_until:
            try:
                result = getattr(super(), method)(*args, **kwargs)
            except RedisError as error:
                self._down_until = now + RETRY_SECONDS
                if self._logged_at is None or now - self._logged_at >= LOG_EVERY_SECONDS:
                    self._logged_at = now
                    logger.warning("Redis cache unreachable, using a local cache: %s", error)
            else:
                if self._logged_at is not None:
                    self._logged_at = None
                    logger.warning("Redis cache reachable again")
                return result
        return getattr(self._local, method)(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self._use("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._use("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> None:
        return self._use("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return self._use("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return self._use("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self._use("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        return self._use("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> int:
        return self._use("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> list[str]:
        return self._use("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        return self._use("delete_many", *args, **kwargs)

    def clear(self) -> None:
        return self._use("clear")
