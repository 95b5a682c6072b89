"""The limit of answers per network (``SURVEY_ANSWERS_PER_NETWORK``, e.g. "200/h"), counted in
Django's cache and never in the database: the address is needed only to count, and is gone
with the counter.

A network is the client's IPv4 /24 or IPv6 /48 (``REMOTE_ADDR``, which
``config.proxy.TrustedProxyMiddleware`` sets behind trusted proxies): one person can change
their address within it at will, while a town hall or a school behind one address still gets
a generous share. The window is fixed (the current hour, say), which is precise enough here.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PREFIX = {4: 24, 6: 48}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"200/h"`` as (200 answers, 3600 seconds)."""
    count, _slash, unit = rate.partition("/")
    return int(count), UNITS[unit.strip()]


def network_of(address: str) -> str:
    """The /24 or /48 around ``address`` (``REMOTE_ADDR``: a bare address, the proxy's port
    and brackets already gone); ``"unknown"`` when there is none to read."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d: their network is the IPv4 one.
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    network = ipaddress.ip_network(f"{parsed}/{PREFIX[parsed.version]}", strict=False)
    return str(network)


def consume_answer(request: HttpRequest, survey_id: int) -> bool:
    """Count one answer from the request's network to the survey; False once over the limit.
    The cache key carries a hash of the network, so not even the cache holds an address."""
    limit, seconds = parse_rate(settings.SURVEY_ANSWERS_PER_NETWORK)
    network = network_of(request.META.get("REMOTE_ADDR", ""))
    window = int(time.time() // seconds)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{network}".encode()).hexdigest()[:32]
    key = f"survey-answers:{survey_id}:{window}:{digest}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit
