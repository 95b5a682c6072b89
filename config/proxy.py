"""The client's address and scheme behind trusted reverse proxies, for HTTP and websockets alike.

Everything that keys on the client's address (allauth's login rate limits per network, its
session records) reads ``REMOTE_ADDR``, which Django takes from the ASGI scope's ``client``;
``request.is_secure()`` follows the scope's ``scheme``. This middleware rewrites both, before
anything else sees the connection, from ``X-Forwarded-For`` and ``X-Forwarded-Proto`` – and
only when the direct peer is one of ``settings.TRUSTED_PROXIES``. Anyone else may send these
headers too, so they are ignored from any other peer.

``X-Forwarded-For`` is read from the right: each proxy appends the address it received the
request from (nginx: ``$proxy_add_x_forwarded_for``), so the rightmost address that is not a
trusted proxy is the first one no trusted proxy vouches for: the client. Addresses to its left
were written by the client itself and are never used. daphne's own ``--proxy-headers`` must not
be used: it trusts any peer and takes the leftmost, client-chosen address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

SECURE_SCHEMES = {"http": "https", "websocket": "wss"}
PLAIN_SCHEMES = {"http": "http", "websocket": "ws"}


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR blocks (``10.0.0.0/8``, ``::1``) as networks; stops start-up on a typo."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is neither an IP address nor a network."
            ) from error
    return tuple(networks)


def parse_address(text: str) -> Address | None:
    """An address as proxies write it (``203.0.113.7``, ``[2001:db8::1]:443``,
    ``203.0.113.7:5000``), or None for anything else (``unknown``, garbage)."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def forwarded_client(
    peer: Address, forwarded_for: list[str], trusted: tuple[Network, ...]
) -> Address:
    """The client's address: ``peer`` unless it is trusted, else the rightmost address of
    ``forwarded_for`` that is not trusted. An unreadable entry ends the walk at the last
    address a trusted proxy reported."""
    client = peer
    hops = iter(reversed(forwarded_for))
    while _is_trusted(client, trusted):
        hop = parse_address(next(hops, ""))
        if hop is None:
            break
        client = hop
    return client


def _is_trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address in network for network in trusted)


def _header_values(scope: dict, name: bytes) -> list[str]:
    """All comma-separated values of header ``name``, over repeated header lines, in order."""
    values = []
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            values.extend(value.decode("latin-1").split(","))
    return values


class TrustedProxyMiddleware:
    """ASGI middleware around the whole application (``config.asgi``)."""

    def __init__(self, app, trusted_proxies: Iterable[str] | None = None) -> None:
        self.app = app
        entries = settings.TRUSTED_PROXIES if trusted_proxies is None else trusted_proxies
        self.trusted = parse_networks(entries)

    async def __call__(self, scope, receive, send):
        if self.trusted and scope["type"] in SECURE_SCHEMES and scope.get("client"):
            scope = self._rewrite(scope)
        return await self.app(scope, receive, send)

    def _rewrite(self, scope: dict) -> dict:
        peer = parse_address(scope["client"][0])
        if peer is None or not _is_trusted(peer, self.trusted):
            return scope
        scope = dict(scope)
        client = forwarded_client(peer, _header_values(scope, b"x-forwarded-for"), self.trusted)
        if client != peer:
            scope["client"] = (str(client), 0)
        proto = _header_values(scope, b"x-forwarded-proto")
        if proto:
            # The proxy next to us set it; with several values, its own comes last.
            scheme = proto[-1].strip().lower()
            if scheme == "https":
                scope["scheme"] = SECURE_SCHEMES[scope["type"]]
            elif scheme == "http":
                scope["scheme"] = PLAIN_SCHEMES[scope["type"]]
        return scope
