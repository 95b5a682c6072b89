"""Production's database and proxy settings as built from the environment (issue 13)."""

import json

from tests.helpers.production import PRODUCTION_ENV, manage_production


def test_production_pools_postgresql_connections_whatever_conn_max_age_says():
    code = (
        "import json; from django.conf import settings; db = settings.DATABASES['default'];"
        "print(json.dumps([db['OPTIONS'].get('pool'), db['CONN_MAX_AGE'],"
        " db['CONN_HEALTH_CHECKS'], settings.SECURE_PROXY_SSL_HEADER, settings.TRUSTED_PROXIES]))"
    )
    env = {
        **PRODUCTION_ENV,
        "CONN_MAX_AGE": "60",
        "DB_POOL_SIZE": "7",
        "TRUSTED_PROXIES": "10.0.0.2",
    }
    result = manage_production("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    pool, conn_max_age, health_checks, proxy_ssl_header, trusted = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert pool["max_size"] == 7
    # Django's pool cannot keep connections per thread; the pool is what keeps them.
    assert conn_max_age == 0
    # Django passes psycopg_pool's check_connection to the pool only with health checks on.
    assert health_checks is True
    # HTTPS comes from the trusted proxy's header only (config/proxy.py), never from anyone's.
    assert proxy_ssl_header is None
    assert trusted == ["10.0.0.2"]
