"""Production: secrets and hosts come from the environment; start-up stops if one is missing."""

from .base import *  # noqa: F403
from .base import TASK_BACKENDS, env, require_env

DEBUG = False
SECRET_KEY = require_env("SECRET_KEY")
ALLOWED_HOSTS = require_env("ALLOWED_HOSTS").split(",")
# Required here; base.py builds the database settings (PostgreSQL: the connection pool) from it.
require_env("DATABASE_URL")

# Required here; base.py builds the Redis channel layer and the shared cache from it, so that
# websocket events and allauth's login rate limits work across all workers.
require_env("REDIS_URL")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
}

# No SECURE_PROXY_SSL_HEADER: anyone can send X-Forwarded-Proto. HTTPS behind the reverse proxy is
# recognised from the proxy's header only when it comes from TRUSTED_PROXIES (config/proxy.py).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = require_env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_BASE_URL = require_env("SITE_URL")

# Durable task queue: run `manage.py run_task_worker` processes next to the web workers.
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env.str("TASKS_BACKEND", default="database")]}}
