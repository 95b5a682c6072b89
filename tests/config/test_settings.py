"""Production settings: deploy checks clean with the variables set, a clear stop without them."""

import pytest

from tests.helpers.production import PRODUCTION_ENV, manage_production


def test_check_deploy_is_clean_under_production_settings():
    result = manage_production("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_missing_required_variable_stops_start_up_naming_it(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage_production("check", env=env)
    assert result.returncode != 0
    assert f"environment variable {missing} is required" in result.stderr


def test_production_uses_shared_cache_for_login_rate_limits():
    code = (
        "from django.conf import settings;"
        "print(settings.CACHES['default']['BACKEND'], settings.ACCOUNT_RATE_LIMITS['login_failed'])"
    )
    result = manage_production("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    backend, limit = result.stdout.strip().splitlines()[-1].split()
    assert backend == "config.cache.RedisWithLocalFallback"
    assert limit
