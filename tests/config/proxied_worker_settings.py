"""Settings of the daphne worker in test_behind_nginx.py: development settings with allauth's
rate limits (as in production) and an HSTS header that shows whether a request counted as HTTPS."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
SECURE_HSTS_SECONDS = 3600
