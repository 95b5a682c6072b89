"""Browser tests against a real server started the way `make run` starts it.

The server runs in a subprocess (migrate, seed_demo, runserver = daphne) on its own database:
a temporary SQLite file (a copy of the migrated template, see tests/helpers/migrated.py), or a
scratch PostgreSQL database when DATABASE_URL points at PostgreSQL.
Chromium is Debian's; a missing browser fails the run instead of skipping it.
"""

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS
from tests.helpers.migrated import copy_migrated_sqlite
from tests.helpers.servers import free_port, scratch_database

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items) -> None:
    """Under pytest-xdist the browser tests run on one worker: they share one demo server, whose
    start (migrate, seed_demo) would otherwise be paid once per worker."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("e2e"))


@dataclass(frozen=True)
class DemoServer:
    url: str
    log: Path
    # The server's environment (its database), for a test that adds data of its own.
    env: dict

    def output(self) -> str:
        """What the server printed so far, including emails from the console backend."""
        return self.log.read_text()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[DemoServer]:
    assert os.path.exists(CHROMIUM), "Debian's chromium is required: run `make browser`."
    tmp_path = tmp_path_factory.mktemp("e2e")
    database_url, drop_database = scratch_database(tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private_media"),
    }
    manage = [sys.executable, "manage.py"]
    commands = [["migrate", "--noinput", "-v0"], ["seed_demo"]]
    if database_url.startswith("sqlite:///"):
        copy_migrated_sqlite(Path(database_url.removeprefix("sqlite:///")))
        commands = commands[1:]
    for command in commands:
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
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
        yield DemoServer(url=base_url, log=tmp_path / "server.log", env=env)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        drop_database()


@pytest.fixture(scope="module")
def browser():
    """Per module: Playwright's sync API keeps an event loop running in this thread while it is
    open, and Django refuses to open a database connection there, so the database tests that
    run on this worker after a browser module must find it closed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def screenshot_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
