"""Settings shared by every environment; values that differ come from the environment."""

from pathlib import Path
from urllib.parse import urlparse

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def require_env(name: str) -> str:
    """Return a required variable or stop start-up naming the one that is missing."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"Die Umgebungsvariable {name} fehlt. / The environment variable {name} is required."
        )
    return value


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are believed
# (config/proxy.py); empty: nobody's, the direct peer is the client. allauth's rate limits read the
# REMOTE_ADDR set there; its own ALLAUTH_TRUSTED_PROXY_COUNT stays 0, as it would believe
# X-Forwarded-For from any peer.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    # daphne first: it replaces runserver with an ASGI server that speaks websockets.
    "daphne",
    "forum",
    "cms",
    "workshops",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "channels",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before XFrameOptionsMiddleware, so it sees the X-Frame-Options a view chose.
    "config.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cms.admin_access.TownStaffAdminMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so its process_exception is asked first about a view's MfaRequired.
    "forum.middleware.MfaRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "forum.context_processors.navigation",
            ],
            # The site's one date convention, in every template without a load tag.
            "builtins": ["forum.templatetags.dates"],
        },
    },
]

# Widgets render through TEMPLATES, so templates/wagtailadmin/widgets/ can replace Wagtail's
# widget templates (their inline scripts, see CONTENT_SECURITY_POLICY).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers (posts, presence heartbeats) take the write lock at BEGIN and wait for it,
    # instead of failing with "database is locked" halfway through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
# PostgreSQL: a connection pool per process. daphne runs every request in a thread of its own,
# so connections kept per thread (CONN_MAX_AGE) pile up idle until PostgreSQL runs out of them.
# The pool hands each request a checked, live connection (CONN_HEALTH_CHECKS), also after a
# database restart; DB_POOL_SIZE is the most a process holds (0 = no pool: per-thread connections,
# kept for CONN_MAX_AGE seconds). The pool requires CONN_MAX_AGE=0.
DB_POOL_SIZE = env.int("DB_POOL_SIZE", default=10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytic queries; ours are short, and with it on one
    # search cost 0.4-3.8 s of compiling at 1,000,000 posts (issue 15).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_SIZE > 0:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_SIZE,
        # Seconds a request waits for a free connection before it fails.
        "timeout": 10,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # An unreachable Redis must not hold up a request for long (events are best effort;
    # clients catch up from the database). The read timeout must stay above the core
    # layer's blocking receive (5 s), or every idle receive would fail.
    _redis_host = {"address": REDIS_URL, "socket_connect_timeout": 2, "socket_timeout": 10}
    # Pub/sub by default (bench/live_load.py, 100 sockets on two workers, replies at up to 5/s,
    # a worker paused 10 s or killed): every layer ended with 0 missing and 0 duplicated since
    # the sockets heal gaps from the stream positions, but the core layer keeps a killed worker
    # in its groups for group_expiry (300 memberships held for 200 open sockets, every later send
    # logged "over capacity": 3,000 in one run) and drops messages once a channel holds
    # ``capacity``; with a short group_expiry it forgets live sockets' groups (0 of 200 held
    # after 60 s). Pub/sub holds exactly the open sockets' subscriptions (43 of 43 after the
    # kill); a paused worker's backlog is bounded by Redis' client-output-buffer-limit.
    CHANNEL_LAYER = env.str("CHANNEL_LAYER", default="pubsub")
    if CHANNEL_LAYER == "core":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [_redis_host],
                    "capacity": env.int("CHANNEL_CAPACITY", default=100),
                    "group_expiry": env.int("CHANNEL_GROUP_EXPIRY", default=86400),
                },
            }
        }
    elif CHANNEL_LAYER == "pubsub":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                # Pub/sub channels ignore Redis' database index: the prefix carries it, so
                # deployments (or test runs) sharing one Redis do not hear each other's events.
                "CONFIG": {
                    "hosts": [_redis_host],
                    "prefix": f"asgi{urlparse(REDIS_URL).path.strip('/') or 0}",
                },
            }
        }
    else:
        raise ImproperlyConfigured(f"CHANNEL_LAYER must be pubsub or core, not {CHANNEL_LAYER!r}")
    CACHES = {
        "default": {
            # A Redis outage degrades to a cache per process instead of failing pages.
            "BACKEND": "config.cache.RedisWithLocalFallback",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered posts, keyed by everything they show (forum/views/post_html.py): never stale, so one
# cache per process is enough and spares a round trip to Redis per page.
CACHES["posts"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "posts",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}

# Notification emails and fan-outs run as tasks. The embedded default runs them in-process right
# after the commit; TASKS_BACKEND=database stores them in the database for
# `manage.py run_task_worker` processes (production: nothing is lost when a worker restarts).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env.str("TASKS_BACKEND", default="immediate")]}}

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Django's database sessions; the store also tells open websockets when a session it keeps
# moves to a new key (forum.sessions).
SESSION_ENGINE = "forum.sessions"

# allauth: login by email only, mandatory verification, signup only through an invitation.
ACCOUNT_ADAPTER = "forum.adapters.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Kleinstadtakademie] "
ACCOUNT_RATE_LIMITS = {
    # Per account here; per network in forum.adapters (allauth resets this one as a whole).
    "login_failed": "5/5m/key",
    "login_failed_network": "5/5m/ip",
    "reset_password": "10/m/ip,3/m/key",
    "change_email": "3/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Kleinstadtakademie"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served only by cms.views.serve_media, which applies the policy; never expose MEDIA_ROOT.
MEDIA_URL = "/medien/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Forum attachments: never below MEDIA_ROOT, never served by the web server directly.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Seconds an SMTP call may hang: a stalled mail server must not hold a live (heartbeating)
# task worker and the notification it locked forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Folder of django.core.mail.backends.filebased.EmailBackend (tests of worker subprocesses).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kleinstadtakademie <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write when signing in fails (password reset pages); the Impressum names it too.
SITE_CONTACT_EMAIL = env.str("SITE_CONTACT_EMAIL", default="kontakt@kleinstadtakademie.example")

WAGTAIL_SITE_NAME = "Kleinstadtakademie"
# The site's public address: links in emails, Wagtail's admin base URL and its default Site
# (hostname, port, name: cms.services.sync_default_site after every migrate).
WAGTAILADMIN_BASE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Wagtail's workflow emails in our HTML layout; submissions are announced to the reviewers the
# policy names (cms.services.ask_reviewers), not to every superuser.
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("de", "Deutsch"), ("en", "English")]
# Wagtail's database backend, made safe for any text typed into a search box.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.search_backend"}}
# No admin page asks another host: no avatars from gravatar.com, no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Rich text without Wagtail's "embed" feature (in its default set): an embedded video or post
# would have every visitor's browser ask the provider's host (and the policy would block it).
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": [
                *("h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr"),
                *("link", "document-link", "image"),
            ]
        },
    }
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"]
# Titles of uploaded images and documents follow the rule for names and titles (forum.text).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.forms.ImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.forms.DocumentForm"

# Content-Security-Policy of every response, site and Wagtail admin (django-csp). config/csp.py
# adapts it per response: frame-ancestors 'self' where a view allows same-origin framing
# (Wagtail's preview panel), style-src 'unsafe-inline' in the admin only (Draftail adds <style>
# elements at run time). Nothing is loaded from another host. Scripts come only from our own
# files: no inline script is left (Wagtail's are replaced, see static/js/wagtail-admin.js), so
# there is no nonce; a future inline script would need csp.constants.NONCE here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # 'self' covers ws:/wss: to our own host (CSP Level 3): the live updates' socket.
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

INVITATION_VALID_DAYS = 7
# Live events are kept this long for sockets that missed some (forum.events); older gaps reload.
STREAM_EVENT_DAYS = 2

# Storage periods (retention): how long data is kept before the daily retention command removes
# it. The privacy statement shows these same values, so they are read from here only.
DATA_EXPORT_VALID_DAYS = env.int("DATA_EXPORT_VALID_DAYS", default=7)
READ_NOTIFICATION_DAYS = env.int("READ_NOTIFICATION_DAYS", default=180)
EXPIRED_INVITATION_DAYS = env.int("EXPIRED_INVITATION_DAYS", default=30)
FINISHED_TASK_DAYS = env.int("FINISHED_TASK_DAYS", default=14)
SENT_EMAIL_DAYS = env.int("SENT_EMAIL_DAYS", default=30)
PRESENCE_HOURS = env.int("PRESENCE_HOURS", default=24)
# Reports of barriers ("Barriere melden") once done: cms.services.remove_answered_barrier_reports.
BARRIER_REPORT_DAYS = env.int("BARRIER_REPORT_DAYS", default=180)
# "Barriere melden" needs no account: reports per client address (allauth's rate syntax).
BARRIER_REPORT_RATE_LIMIT = "5/h/ip"
# "Kontakt aufnehmen": questions to contact persons declined or never answered are removed
# after this many days (cms.services.remove_old_contact_requests); answered ones live on in
# their conversation.
CONTACT_REQUEST_DAYS = env.int("CONTACT_REQUEST_DAYS", default=180)
# Proposals to share a topic (and the authors' answers) once refused, cancelled, or shared with
# the copy gone (forum.privacy.retention.delete_closed_share_proposals).
SHARE_PROPOSAL_DAYS = env.int("SHARE_PROPOSAL_DAYS", default=180)
# Questions one member may send to contact persons in 24 hours (counted from the stored
# requests, so every worker and a restart agree).
CONTACT_REQUESTS_PER_DAY = env.int("CONTACT_REQUESTS_PER_DAY", default=5)
# Citizen surveys: answers one network (IPv4 /24, IPv6 /48) may send to one survey, counted in
# the cache only (cms.surveys.throttle); a town hall sharing one address stays well below it.
SURVEY_ANSWERS_PER_NETWORK = env.str("SURVEY_ANSWERS_PER_NETWORK", default="200/h")
# Contact details left on a survey are deleted this many days after it closed
# (cms.surveys.services.answering.remove_old_contact_details).
SURVEY_CONTACT_DAYS = env.int("SURVEY_CONTACT_DAYS", default=90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django_tasks": {"level": "WARNING"}},
}
