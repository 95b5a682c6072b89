"""Client address and scheme behind trusted reverse proxies (config/proxy.py), in-process.

The real thing – nginx in front of daphne, two clients, allauth's rate limits – is tested in
test_behind_nginx.py; these tests pin down the rules for every kind of header and peer.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from config.proxy import TrustedProxyMiddleware

PROXY = "10.0.0.5"
TRUSTED = ["10.0.0.0/24", "::1"]


async def _scope_seen_by_app(
    *,
    peer: str = PROXY,
    headers: list[tuple[bytes, bytes]] = (),
    kind: str = "http",
    scheme: str | None = None,
    trusted=TRUSTED,
) -> dict:
    seen = {}

    async def app(scope, receive, send):
        seen.update(scope)

    scope = {"type": kind, "client": (peer, 51000), "headers": list(headers)}
    if scheme:
        scope["scheme"] = scheme
    await TrustedProxyMiddleware(app, trusted_proxies=trusted)(scope, None, None)
    return seen


async def test_client_is_the_rightmost_address_the_trusted_proxy_did_not_write_itself():
    # The client sent its own X-Forwarded-For ("1.2.3.4"); nginx appended the real peer.
    scope = await _scope_seen_by_app(headers=[(b"x-forwarded-for", b"1.2.3.4, 203.0.113.7")])
    assert scope["client"][0] == "203.0.113.7"


async def test_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop():
    scope = await _scope_seen_by_app(
        headers=[(b"x-forwarded-for", b"198.51.100.1, 203.0.113.7, 10.0.0.9")]
    )
    assert scope["client"][0] == "203.0.113.7"


async def test_repeated_header_lines_count_as_one_list():
    scope = await _scope_seen_by_app(
        headers=[(b"X-Forwarded-For", b"198.51.100.1"), (b"x-forwarded-for", b"203.0.113.7")]
    )
    assert scope["client"][0] == "203.0.113.7"


async def test_headers_from_an_untrusted_peer_are_ignored():
    scope = await _scope_seen_by_app(
        peer="203.0.113.7",
        headers=[(b"x-forwarded-for", b"10.0.0.9, 198.51.100.1"), (b"x-forwarded-proto", b"https")],
        scheme="http",
    )
    assert scope["client"] == ("203.0.113.7", 51000)
    assert scope["scheme"] == "http"


async def test_nobody_is_trusted_by_default():
    with override_settings(TRUSTED_PROXIES=[]):
        seen = {}

        async def app(scope, receive, send):
            seen.update(scope)

        scope = {
            "type": "http",
            "client": ("127.0.0.1", 51000),
            "headers": [(b"x-forwarded-for", b"198.51.100.1"), (b"x-forwarded-proto", b"https")],
        }
        await TrustedProxyMiddleware(app)(scope, None, None)
    assert seen["client"] == ("127.0.0.1", 51000)
    assert "scheme" not in seen


async def test_unreadable_hop_ends_the_walk_at_the_last_reported_address():
    scope = await _scope_seen_by_app(headers=[(b"x-forwarded-for", b"unknown, 10.0.0.9")])
    assert scope["client"][0] == "10.0.0.9"


@pytest.mark.parametrize(
    ("written", "expected"),
    [("[2001:db8::1]:443", "2001:db8::1"), ("203.0.113.7:5000", "203.0.113.7")],
)
async def test_addresses_with_ports_are_read(written, expected):
    scope = await _scope_seen_by_app(headers=[(b"x-forwarded-for", written.encode())])
    assert scope["client"][0] == expected


async def test_ipv4_mapped_peer_of_a_dual_stack_socket_is_trusted():
    scope = await _scope_seen_by_app(
        peer="::ffff:10.0.0.5", headers=[(b"x-forwarded-for", b"203.0.113.7")]
    )
    assert scope["client"][0] == "203.0.113.7"


@pytest.mark.parametrize(
    ("kind", "proto", "expected"),
    [("http", b"https", "https"), ("websocket", b"https", "wss"), ("http", b"http", "http")],
)
async def test_scheme_follows_the_trusted_proxy(kind, proto, expected):
    scope = await _scope_seen_by_app(
        kind=kind,
        headers=[(b"x-forwarded-proto", proto)],
        scheme="ws" if kind == "websocket" else "http",
    )
    assert scope["scheme"] == expected


async def test_unknown_forwarded_scheme_is_ignored():
    scope = await _scope_seen_by_app(headers=[(b"x-forwarded-proto", b"gopher")], scheme="http")
    assert scope["scheme"] == "http"


async def test_websocket_gets_the_client_address_too():
    scope = await _scope_seen_by_app(
        kind="websocket", headers=[(b"x-forwarded-for", b"203.0.113.7")]
    )
    assert scope["client"][0] == "203.0.113.7"


async def test_lifespan_and_scopes_without_client_pass_unchanged():
    scope = await _scope_seen_by_app(kind="lifespan", headers=[(b"x-forwarded-for", b"1.2.3.4")])
    assert scope["client"] == (PROXY, 51000)


def test_typo_in_trusted_proxies_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        TrustedProxyMiddleware(None, trusted_proxies=["10.0.0.0/33"])
