"""A migrated SQLite database, built once and copied wherever a test needs a fresh one: the test
database of each pytest-xdist worker (tests/conftest.py) and the databases of the demo and proxy
servers.

Migrating from nothing takes about 25 s on a 2-core machine (Wagtail's migrations and ours);
copying the 2 MB result takes milliseconds. The template is keyed by the lock file and every
migration file of the project, so a new migration or package version builds a new one. Workers
build it under a file lock: the first one migrates, the others wait and copy.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from tests.helpers.servers import ROOT, manage

# Memory-backed where the machine has it; kept between runs (the key names what it was built from).
SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())


def _key() -> str:
    digest = hashlib.sha256((ROOT / "requirements" / "dev.txt").read_bytes())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def migrated_sqlite_template() -> Path:
    """The template's path, built first if it does not exist yet."""
    template = SCRATCH / f"kleinstadtakademie-migrated-{_key()}.sqlite3"
    with open(template.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)
            manage(
                "migrate",
                "--noinput",
                "-v0",
                env={**os.environ, "DATABASE_URL": f"sqlite:///{building}"},
            )
            building.rename(template)
    return template


def copy_migrated_sqlite(target: Path) -> None:
    """Put a fully migrated SQLite database at ``target``."""
    shutil.copyfile(migrated_sqlite_template(), target)
