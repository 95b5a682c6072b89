"""Behind a real nginx, every user keeps an address of their own (issue 13).

nginx runs with README.md's proxy headers (``X-Forwarded-For $proxy_add_x_forwarded_for``) in
front of one daphne worker started the way README.md starts production's, and connects to it
from 127.0.0.10, the only trusted proxy (``TRUSTED_PROXIES``). Two users reach nginx from
127.0.0.2 and 127.0.0.3; a third client talks to daphne directly and forges the headers.
The worker's rate limits live in its own memory (no ``REDIS_URL``), fresh for every run.
"""

import http.client
import os
import re
import urllib.parse
from itertools import count

import pytest

from tests.helpers.migrated import copy_migrated_sqlite
from tests.helpers.servers import daphne, nginx

# One worker starts the servers once for all three tests.
pytestmark = pytest.mark.xdist_group("behind-nginx")

PROXY = "127.0.0.10"
USER_A = "127.0.0.2"
USER_B = "127.0.0.3"
DIRECT = "127.0.0.1"
LOCKED = "Too many failed login attempts"
WRONG = "The email address and/or password you specified are not correct."
NETWORK_LIMIT = 5  # ACCOUNT_RATE_LIMITS["login_failed_network"]: 5 per 5 minutes


class Client:
    """One user's HTTP connection from ``source``; a fresh email address for every attempt, so
    only the per-network limit can refuse (the per-account limit never fills)."""

    emails = count()

    def __init__(self, base_url: str, source: str, headers: dict[str, str] | None = None) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        self.host, self.port = parsed.hostname, parsed.port
        self.source = source
        self.headers = {"Accept-Language": "en", **(headers or {})}

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(self.source, 0)
        )
        try:
            connection.request(method, path, body=body, headers={**self.headers, **(headers or {})})
            response = connection.getresponse()
            return response, response.read().decode()
        finally:
            connection.close()

    def failed_login(self, origin_scheme: str = "https") -> str:
        """One login with a wrong password; returns the form's error."""
        response, page = self.request("GET", "/konto/login/")
        assert response.status == 200, page[:500]
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        fields = {
            "csrfmiddlewaretoken": token,
            "login": f"nobody{next(self.emails)}@example.org",
            "password": "Falsches-Passwort-1",
        }
        response, page = self.request(
            "POST",
            "/konto/login/",
            body=urllib.parse.urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf_cookie}",
                "Origin": f"{origin_scheme}://{self.host}:{self.port}",
            },
        )
        assert response.status == 200, page[:2000]
        if LOCKED in page:
            return LOCKED
        assert WRONG in page, page[:2000]
        return WRONG


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """(nginx URL, daphne URL): nginx says X-Forwarded-Proto https, like a TLS terminator."""
    tmp = tmp_path_factory.mktemp("behind-nginx")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DB_POOL_SIZE", "CONN_MAX_AGE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.config.proxied_worker_settings",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        TRUSTED_PROXIES=PROXY,
        MEDIA_ROOT=str(tmp / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp / "private_media"),
    )
    copy_migrated_sqlite(tmp / "db.sqlite3")
    with daphne(env, tmp / "daphne.log") as worker_url:
        upstream = urllib.parse.urlsplit(worker_url).netloc
        with nginx(upstream, bind=PROXY, proto="https") as proxy_url:
            yield proxy_url, worker_url


def test_failed_logins_lock_only_the_user_behind_the_proxy_who_made_them(servers):
    proxy_url, _worker_url = servers
    user_a, user_b = Client(proxy_url, USER_A), Client(proxy_url, USER_B)
    for _ in range(NETWORK_LIMIT):
        assert user_a.failed_login() == WRONG
    assert user_a.failed_login() == LOCKED
    assert user_b.failed_login() == WRONG


def test_forwarded_for_sent_directly_to_the_worker_is_ignored(servers):
    proxy_url, worker_url = servers
    # The forger claims to be user B: were that believed, B would be locked out.
    claims_b = Client(worker_url, DIRECT, headers={"X-Forwarded-For": USER_B})
    for _ in range(NETWORK_LIMIT):
        assert claims_b.failed_login(origin_scheme="http") == WRONG
    assert Client(proxy_url, USER_B).failed_login() == WRONG
    # Then a fresh address of its own choosing: were that believed, it would get five more tries.
    claims_new = Client(worker_url, DIRECT, headers={"X-Forwarded-For": "198.51.100.9"})
    assert claims_new.failed_login(origin_scheme="http") == LOCKED


def test_https_is_believed_only_from_the_trusted_proxy(servers):
    proxy_url, worker_url = servers
    via_proxy, _ = Client(proxy_url, USER_A).request("GET", "/konto/login/")
    assert via_proxy.getheader("Strict-Transport-Security")
    forger = Client(
        worker_url,
        DIRECT,
        headers={"X-Forwarded-For": "198.51.100.9", "X-Forwarded-Proto": "https"},
    )
    forged, _ = forger.request("GET", "/konto/login/")
    assert forged.getheader("Strict-Transport-Security") is None
