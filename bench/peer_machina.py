"""A peer to compare the topic page with: django-machina, a Django forum engine, in a venv and a
PostgreSQL database of its own, served by daphne like ours.

    .venv/bin/python bench/peer_machina.py [--requests 200] [--posts 20]

Builds ``$TMPDIR/bench-machina`` (a venv with Django 4.2, django-machina 1.3.1 and daphne; a minimal
project: machina's apps, its default templates, a hello world behind ``login_required``), a
database ``kleinstadtakademie_machina`` with one forum and one topic of ``--posts`` posts, starts
one daphne worker and loads the topic page and the hello world as a signed-in member, from one
and from eight client threads (``scale_http.load``). ``scale.py --http N --peer`` runs the same
next to our pages, in one run, and prints the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from common import stop_process
from live_servers import _free_port, _wait_for_port

WORKDIR = Path(tempfile.gettempdir()) / "bench-machina"  # the venv is kept between runs
VENV = WORKDIR / "venv"
PYTHON = VENV / "bin" / "python"
DATABASE = "kleinstadtakademie_machina"
REQUIREMENTS = [
    "django==4.2.30",
    "django-machina==1.3.1",
    "daphne==4.2.3",
    "psycopg[binary]==3.3.9",
]
UV = Path(sys.executable).parent / "uv"

SETTINGS = """
from machina import MACHINA_MAIN_STATIC_DIR, MACHINA_MAIN_TEMPLATE_DIR

DEBUG = False
SECRET_KEY = "bench-only"
ALLOWED_HOSTS = ["127.0.0.1"]
USE_TZ = True
SITE_ID = 1
ROOT_URLCONF = "peer_urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.sites", "django.contrib.messages", "django.contrib.staticfiles",
    "mptt", "haystack", "widget_tweaks",
    "machina", "machina.apps.forum", "machina.apps.forum_conversation",
    "machina.apps.forum_conversation.forum_attachments",
    "machina.apps.forum_conversation.forum_polls", "machina.apps.forum_feeds",
    "machina.apps.forum_moderation", "machina.apps.forum_search",
    "machina.apps.forum_tracking", "machina.apps.forum_member",
    "machina.apps.forum_permission",
]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "machina.apps.forum_permission.middleware.ForumPermissionMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [MACHINA_MAIN_TEMPLATE_DIR],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.contrib.auth.context_processors.auth",
        "django.template.context_processors.request",
        "django.contrib.messages.context_processors.messages",
        "machina.core.context_processors.metadata",
    ]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": "%(database)s",
    "HOST": "127.0.0.1", "USER": "postgres", "CONN_MAX_AGE": 60,
}}
STATIC_URL = "/static/"
STATICFILES_DIRS = [MACHINA_MAIN_STATIC_DIR]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "machina_attachments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
MACHINA_TOPIC_POSTS_NUMBER_PER_PAGE = 20  # as ours
MACHINA_DEFAULT_AUTHENTICATED_USER_FORUM_PERMISSIONS = [
    "can_see_forum", "can_read_forum", "can_start_new_topics", "can_reply_to_topics",
    "can_edit_own_posts", "can_post_without_approval",
]
"""

URLS = """
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("Hallo")


urlpatterns = [
    path("bench/hallo-angemeldet/", login_required(hello)),
    path("forum/", include("machina.urls")),
]
"""

ASGI = """
import django
from django.core.handlers.asgi import ASGIHandler

django.setup(set_prefix=False)
application = ASGIHandler()
"""

# Run by the peer's Python: one member, one forum, one topic of N posts; prints the topic's URL
# and a session cookie of the member.
POPULATE = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from machina.core.db.models import get_model

Forum = get_model("forum", "Forum")
Topic = get_model("forum_conversation", "Topic")
Post = get_model("forum_conversation", "Post")
posts = int(sys.argv[1])
user = get_user_model().objects.create_user("erika", "erika@peer.example", "bench-passwort")
forum = Forum.objects.create(name="Erfahrungsaustausch", type=Forum.FORUM_POST)
topic = Topic.objects.create(
    forum=forum, poster=user, subject="Co-Working im Leerstand", type=Topic.TOPIC_POST,
    status=Topic.TOPIC_UNLOCKED, approved=True,
)
text = ("Bei uns in der Kleinstadt hat das **Pop-up-Labor** im Leerstand am Markt gut geklappt. "
        "Wir haben eine [Befragung](https://example.org) gemacht und einen Schnuppertag. ") * 3
for number in range(posts):
    Post.objects.create(
        topic=topic, poster=user, subject=f"Antwort {number}", content=text, approved=True
    )
topic.refresh_from_db()
client = Client()
client.force_login(user)
print(json.dumps({
    "url": f"/forum/forum/{forum.slug}-{forum.pk}/topic/{topic.slug}-{topic.pk}/",
    "cookie": f"sessionid={client.cookies['sessionid'].value}",
}))
"""


@dataclass(frozen=True)
class Peer:
    port: int
    topic_url: str
    cookie: str
    process: subprocess.Popen

    def stop(self) -> None:
        stop_process(self.process)


def _run(*command: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        command, cwd=WORKDIR, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def start(posts: int) -> Peer:
    """A fresh database and the peer's server; the venv is built once and kept."""
    WORKDIR.mkdir(exist_ok=True)
    if not PYTHON.exists():
        _run(str(UV), "venv", "-q", "-p", "3.11", str(VENV))
        _run(str(UV), "pip", "install", "-q", "--python", str(PYTHON), *REQUIREMENTS)
    (WORKDIR / "peer_settings.py").write_text(SETTINGS % {"database": DATABASE})
    (WORKDIR / "peer_urls.py").write_text(URLS)
    (WORKDIR / "peer_asgi.py").write_text(ASGI)
    (WORKDIR / "populate.py").write_text(textwrap.dedent(POPULATE))
    for statement in (f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}"):
        _run("psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", statement)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {
        "DJANGO_SETTINGS_MODULE": "peer_settings",
        "PYTHONPATH": str(WORKDIR),
    }
    _run(str(PYTHON), "-m", "django", "migrate", "-v", "0", env=env)
    prepared = json.loads(_run(str(PYTHON), "populate.py", str(posts), env=env))
    port = _free_port()
    log = WORKDIR / "daphne.log"
    with open(log, "w") as output:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(PYTHON),
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "peer_asgi:application",
            ],
            cwd=WORKDIR,
            env=env,
            stdout=output,
            stderr=output,
        )
    _wait_for_port(port, process, log, None)
    return Peer(port, prepared["url"], prepared["cookie"], process)


def main() -> int:
    import scale_http

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--posts", type=int, default=20)
    args = parser.parse_args()
    peer = start(args.posts)
    try:
        print("| Seite (django-machina) | HTTP | c=1 req/s | c=1 p50 ms | c=8 req/s | c=8 p50 ms |")
        print("|---|---|---|---|---|---|")
        for label, path in (
            ("Hallo Welt (angemeldet)", "/bench/hallo-angemeldet/"),
            (f"Thema, {args.posts} Beiträge", peer.topic_url),
        ):
            scale_http.load(peer.port, path, cookie=peer.cookie, concurrency=1, requests=5)
            one, eight = (
                scale_http.load(peer.port, path, cookie=peer.cookie, concurrency=c, requests=n)
                for c, n in ((1, args.requests), (8, args.requests))
            )
            print(
                f"| {label} | {one.status} | {one.rate:.1f} | {one.p50:.1f} | {eight.rate:.1f} "
                f"| {eight.p50:.1f} |"
            )
    finally:
        peer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
