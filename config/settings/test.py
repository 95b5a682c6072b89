"""Test run: fast hashing, mail kept in memory, the same database/channel switches as production.

Under pytest-xdist each worker process (PYTEST_XDIST_WORKER = gw0, gw1, ...) gets media folders
and a Redis database of its own: workers must not see each other's files, channel groups or cache
(``cache.clear()`` empties a whole Redis database). pytest-django already gives each worker its
own test database.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from django.core.exceptions import ImproperlyConfigured

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER and os.environ.get("REDIS_URL"):
    # Counting down from REDIS_URL's index: gw0 keeps it, gw1 takes the one below, and so on.
    _redis = urlparse(os.environ["REDIS_URL"])
    _index = int(_redis.path.strip("/") or 0) - int(_WORKER.removeprefix("gw"))
    if _index < 0:
        raise ImproperlyConfigured(f"No Redis database left for xdist worker {_WORKER}.")
    # Set before base.py reads it; subprocesses started by a test inherit the same database.
    os.environ["REDIS_URL"] = urlunparse(_redis._replace(path=f"/{_index}"))

from .base import *  # noqa: E402, F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Rate limits are switched on per test where they are the subject.
ACCOUNT_RATE_LIMITS = False
BARRIER_REPORT_RATE_LIMIT = ""
_TMP = Path(tempfile.gettempdir())
_SUFFIX = f"-{_WORKER}" if _WORKER else ""
PRIVATE_MEDIA_ROOT = _TMP / f"kleinstadtakademie-test-private{_SUFFIX}"
MEDIA_ROOT = _TMP / f"kleinstadtakademie-test-media{_SUFFIX}"
