"""Production settings: deploy checks clean with the variables set, a clear stop without them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x7Q-pL9v2Zk8rT4mW1nB6yH3jF5dS0aE-cG7uI2oP9lK4zX1vN8bM3qR6tY5wE0",
    "ALLOWED_HOSTS": "akademie.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DEFAULT_FROM_EMAIL": "Kleinstadtakademie <noreply@akademie.example>",
    "SITE_URL": "https://akademie.example",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
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


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_missing_required_variable_stops_start_up_naming_it(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"environment variable {missing} is required" in result.stderr


def test_production_uses_shared_cache_for_login_rate_limits():
    code = (
        "from django.conf import settings;"
        "print(settings.CACHES['default']['BACKEND'], settings.ACCOUNT_RATE_LIMITS['login_failed'])"
    )
    result = _manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    backend, limit = result.stdout.strip().splitlines()[-1].split()
    assert backend == "config.cache.RedisWithLocalFallback"
    assert limit
