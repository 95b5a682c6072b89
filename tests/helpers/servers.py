"""Real servers for the deployment and browser tests: daphne workers, nginx, a PostgreSQL of
their own, and scratch databases for servers started with `manage.py`.

Each runs as a subprocess on free loopback ports with everything in a temporary directory, and
is stopped by the context manager that started it, also when a test fails. Names that outlive a
test run (scratch PostgreSQL databases) carry the pytest-xdist worker's id, so parallel workers
never share one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def scratch_database(tmp_path: Path) -> tuple[str, callable]:
    """A database URL for a server and a function that removes the database afterwards: a SQLite
    file in ``tmp_path``, or ``<name>_e2e`` next to DATABASE_URL's PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path / 'e2e.sqlite3'}", lambda: None
    import psycopg

    parsed = urlparse(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{parsed.path.lstrip('/')}_e2e" + (f"_{worker}" if worker else "")
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunparse(parsed._replace(path=f"/{name}")), drop


def wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited early:\n{log.read_text()}")
        try:
            with opener.open(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def manage(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")


@contextlib.contextmanager
def daphne(env: dict[str, str], log: Path, host: str = "127.0.0.1") -> Iterator[str]:
    """One daphne worker started the way README.md starts production's; yields its base URL."""
    port = free_port(host)
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", host, "-p", str(port)]
            + ["config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://{host}:{port}"
            wait_for_http(url + "/konto/login/", process, log)
            yield url
        finally:
            stop(process)


NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    # Answers stay in memory: the workers need no access to the temporary directory.
    proxy_max_temp_file_size 0;
    upstream akademie {{ server {upstream}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://akademie;
            {bind}
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto {proto};
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(upstream: str, *, bind: str | None = None, proto: str = "$scheme") -> Iterator[str]:
    """nginx in front of ``upstream`` (``host:port``) with README.md's proxy headers; its
    connections to the upstream come from ``bind`` when given. Yields its base URL."""
    assert os.path.exists(NGINX), "nginx is required: run `make nginx`."
    tmp = Path(tempfile.mkdtemp(prefix="nginx-"))
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            tmp=tmp,
            port=port,
            upstream=upstream,
            bind=f"proxy_bind {bind};" if bind else "",
            proto=proto,
        )
    )
    log = tmp / "error.log"
    log.touch()
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(url + "/konto/login/", process, log)
        yield url
    finally:
        stop(process)
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class PostgresCluster:
    """A PostgreSQL server of our own (initdb + pg_ctl), never the shared one."""

    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run_as_postgres(
            POSTGRES_BIN / "pg_ctl",
            "-D",
            str(self.directory / "data"),
            "-l",
            str(self.directory / "server.log"),
            "-o",
            options,
            "-w",
            *args,
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def restart(self) -> None:
        self._pg_ctl("-m", "fast", "restart")


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    directory = Path(tempfile.mkdtemp(prefix="pg-"))
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root.
        shutil.chown(directory, "postgres")
    cluster = PostgresCluster(directory=directory, port=free_port())
    _run_as_postgres(
        POSTGRES_BIN / "initdb",
        "-D",
        str(directory / "data"),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "-N",
    )
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(RuntimeError):
            cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


def _run_as_postgres(*command) -> None:
    command = [str(part) for part in command]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{command} failed:\n{result.stdout}\n{result.stderr}")
