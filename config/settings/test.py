"""Test run: fast hashing, mail kept in memory, the same database/channel switches as production."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Rate limits are switched on per test where they are the subject.
ACCOUNT_RATE_LIMITS = False
PRIVATE_MEDIA_ROOT = Path(tempfile.gettempdir()) / "kleinstadtakademie-test-private"
MEDIA_ROOT = Path(tempfile.gettempdir()) / "kleinstadtakademie-test-media"
