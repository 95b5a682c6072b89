"""Production settings from the outside: the environment a deployment sets and `manage.py` run
with ``config.settings.production`` in a subprocess that sees only that environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x7Q-pL9v2Zk8rT4mW1nB6yH3jF5dS0aE-cG7uI2oP9lK4zX1vN8bM3qR6tY5wE0",
    "ALLOWED_HOSTS": "akademie.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DEFAULT_FROM_EMAIL": "Kleinstadtakademie <noreply@akademie.example>",
    "SITE_URL": "https://akademie.example",
}


def manage_production(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=config.settings.production"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
