"""Browser tests against a real server started the way `make run` starts it.

The server runs in a subprocess (migrate, seed_demo, runserver = daphne) on its own database:
a temporary SQLite file, or a scratch PostgreSQL database when DATABASE_URL points at PostgreSQL.
Chromium is Debian's; a missing browser fails the run instead of skipping it.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


@dataclass(frozen=True)
class DemoServer:
    url: str
    log: Path

    def output(self) -> str:
        """What the server printed so far, including emails from the console backend."""
        return self.log.read_text()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scratch_database(tmp_path: Path) -> tuple[str, callable]:
    """A database URL for the server and a function that removes it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path / 'e2e.sqlite3'}", lambda: None
    import psycopg

    parsed = urlparse(url)
    name = f"{parsed.path.lstrip('/')}_e2e"
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunparse(parsed._replace(path=f"/{name}")), drop


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[DemoServer]:
    assert os.path.exists(CHROMIUM), "Debian's chromium is required: run `make browser`."
    tmp_path = tmp_path_factory.mktemp("e2e")
    database_url, drop_database = _scratch_database(tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private_media"),
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        manage + ["runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base_url + "/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError((tmp_path / "server.log").read_text())
        yield DemoServer(url=base_url, log=tmp_path / "server.log")
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        drop_database()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def screenshot_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


DEMO_PASSWORD = "Demo-Passwort-2026"


# TOTP secrets that tests set up on the shared server, so later sign-ins can pass the second
# factor (tests share one server and run in any order).
TOTP_SECRETS: dict[str, str] = {}


def remember_totp(email: str, secret: str) -> None:
    TOTP_SECRETS[email] = secret


def sign_in(browser, base_url: str, email: str):
    """A new German-speaking browser context signed in as ``email``; returns (context, page)."""
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(base_url + "/konto/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: url == base_url + "/" or "/2fa/authenticate/" in url)
    if "/2fa/authenticate/" in page.url:
        # allauth refuses a code twice: wait for the next 30-second step if needed.
        time.sleep(30 - time.time() % 30 + 1)
        page.locator("input[name=code]").fill(current_totp(TOTP_SECRETS[email]))
        page.locator("main form").get_by_role("button").first.click()
        page.wait_for_url(base_url + "/")
    return context, page


def current_totp(secret: str) -> str:
    """The code an authenticator app would show now for ``secret``."""
    from allauth.mfa.totp.internal.auth import hotp_value

    return f"{hotp_value(secret, int(time.time()) // 30):06d}"
