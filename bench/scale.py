"""The reads that must stay fast at DESIGN.md's size, on PostgreSQL at 1,000,000 posts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kleinstadtakademie_scale \\
        .venv/bin/python bench/scale.py --posts 1000000 [--keep-db] [--explain FILE]

Builds the dataset with COPY (``bench/scale_data.py``; an existing database built by an earlier
``--keep-db`` run with the same ``--posts`` is reused), then times, in this process through the
same selectors the views use, what the probe member's pages ask the database: the forum home,
"Neu für mich", the bell count, the first page of the notification list, the first and the
deepest page of a 20,000-post topic, and 20 searches. It prints median and p95 per read and,
with ``--explain``, writes EXPLAIN ANALYZE of each read into FILE.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

from common import POSTGRES_SCHEMES, start_django

SEARCHES = [
    "Kleinstadt",
    "Co-Working",
    "Leerstand Rathaus",
    "Bürgerbefragung",
    "Pendeln Bahnhof",
    "Homeoffice",
    "Aktionswoche",
    "Förderung Breitband",
    "Zwischennutzung Innenstadt",
    "Ehrenamt Jugend",
    "Glasfaser",
    "Wirtschaftsförderung",
    "Schnuppertag",
    "Gastronomie Kultur",
    "Startup Gründung",
    "gescheitert",
    "erfolgreich Umfrage",
    "Kita Schule Familie",
    "Markt Platz",
    "Flyer Presse",
]
PAGE_SIZE = 20


def _timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _built(posts: int) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM forum_post")
        return cursor.fetchone()[0] == posts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--explain", type=Path)
    parser.add_argument(
        "--searches", type=int, default=len(SEARCHES), help="how many of the 20 queries to time"
    )
    parser.add_argument(
        "--peer",
        action="store_true",
        help="with --http: django-machina's topic page in the same run (bench/peer_machina.py)",
    )
    parser.add_argument(
        "--http",
        type=int,
        default=0,
        metavar="N",
        help="also N requests per page and concurrency (1 and 8) against one daphne worker",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(POSTGRES_SCHEMES):
        print("bench/scale.py needs a PostgreSQL DATABASE_URL.", file=sys.stderr)
        return 2
    os.environ["TASKS_BACKEND"] = "database"  # fan-outs are queued, as in production
    database = start_django(keep=args.keep_db, prefix="bench-scale-")
    try:
        return _run(args)
    finally:
        database.cleanup()


def _run(args: argparse.Namespace) -> int:
    import scale_data
    from django.contrib.auth import get_user_model
    from django.db import connection

    from forum import notifications, selectors
    from forum.models import Topic
    from forum.search import search

    if _built(args.posts):
        print(f"Datensatz mit {args.posts:,} Beiträgen vorhanden, wird wiederverwendet.")
        # Statistics for columns a migration added since, as autovacuum gathers them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        print(f"Datensatz mit {args.posts:,} Beiträgen wird geschrieben:")
        with connection.cursor() as cursor:
            scale_data.build(cursor.cursor, posts=args.posts)
    probe = get_user_model().objects.get(pk=scale_data.PROBE_ID)
    deep = Topic.objects.get(pk=scale_data.DEEP_TOPIC_ID)
    # As config/asgi.py does in the server: what is loaded now lives as long as the process, and
    # full collections over it would otherwise land in single timed reads (80 ms seen).
    gc.collect()
    gc.freeze()

    def deep_page(number: int | None):
        return selectors.topic_page(deep, number, PAGE_SIZE)

    reply_times = _reply_times(probe, args.repeat)
    reads = {
        "Forum-Startseite (Bereiche mit Zählern)": lambda: list(selectors.spaces_for_home(probe)),
        "Neu für mich": lambda: list(selectors.new_for_user(probe)),
        "Glocke (ungelesene Benachrichtigungen)": lambda: notifications.unread_count(probe),
        "Benachrichtigungen, erste Seite": lambda: list(
            notifications.notifications_for(probe)[:PAGE_SIZE]
        ),
        "Thema mit 20.000 Beiträgen, erste Seite": lambda: deep_page(1),
        "Thema mit 20.000 Beiträgen, letzte Seite": lambda: deep_page(None),
    }
    rows = []
    for label, read in reads.items():
        read()  # warm the cache, as a busy server has it
        times = _timed(read, args.repeat)
        rows.append((label, statistics.median(times), _p95(times)))
    search_times = []
    for query in SEARCHES[: args.searches]:
        search(probe, query)[:50]
        search_times += _timed(lambda query=query: search(probe, query)[:50], 1)
    rows.append(
        (f"Suche, {args.searches} Anfragen", statistics.median(search_times), _p95(search_times))
    )
    for followers, times in reply_times.items():
        rows.append(
            (
                f"Antwort (Anfrage) bei {followers:,} Folgenden",
                statistics.median(times),
                _p95(times),
            )
        )

    print(f"\n| Abfrage bei {args.posts:,} Beiträgen | Median ms | p95 ms |")
    print("|---|---|---|")
    for label, median, p95 in rows:
        print(f"| {label} | {median:.1f} | {p95:.1f} |")
    if args.explain:
        _explain(
            args.explain, reads | {"Suche „Kleinstadt“": lambda: search(probe, "Kleinstadt")[:50]}
        )
        print(f"\nEXPLAIN ANALYZE: {args.explain}")
    if args.http:
        _http(args.http, probe, deep, peer=args.peer)
    return 0


def _reply_times(probe, repeat: int) -> dict[int, list[float]]:
    """The reply request (form POST through the view) to the topic with 1,000 followers and to
    one without followers. Each runs in a transaction that is rolled back, so the dataset stays
    as built; the follower fan-out is a queued task (TASKS_BACKEND=database, as in production)
    and not part of the request."""
    import uuid

    from django.db import transaction
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from forum.models import Subscription, Topic

    followed = (
        Subscription.objects.values("topic")
        .annotate(followers=Count("pk"))
        .order_by("-followers")
        .first()
    )
    quiet = (
        Topic.objects.filter(space__consortium__memberships__user=probe, subscriptions=None)
        .order_by("pk")
        .first()
    )
    client = Client()
    client.force_login(probe, backend="django.contrib.auth.backends.ModelBackend")
    times: dict[int, list[float]] = {}
    for followers, topic_id in ((followed["followers"], followed["topic"]), (0, quiet.pk)):
        url = reverse("forum:topic_reply", kwargs={"pk": topic_id})
        times[followers] = []
        for _ in range(repeat + 1):  # the first warms the caches
            with transaction.atomic():
                began = time.perf_counter()
                response = client.post(
                    url, {"body": "Bei uns ähnlich.", "idempotency_key": str(uuid.uuid4())}
                )
                times[followers].append((time.perf_counter() - began) * 1000)
                transaction.set_rollback(True)
            if response.status_code != 302:
                raise RuntimeError(f"reply: HTTP {response.status_code}")
        times[followers] = times[followers][1:]
    return times


def _roles(probe) -> dict:
    """The probe member and, of its consortium, the coach and a core-team member; an editor and
    an academy admin (made on the first run: the dataset has none)."""
    import scale_data
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from forum import rules

    users = get_user_model().objects
    editor, _created = users.get_or_create(
        username="bench-redaktion", defaults={"email": "redaktion@scale.example"}
    )
    editor.groups.add(Group.objects.get_or_create(name=rules.EDITOR_GROUP)[0])
    admin, _created = users.get_or_create(
        username="bench-admin",
        defaults={"email": "admin@scale.example", "is_superuser": True, "is_staff": True},
    )
    return {
        "Mitglied": probe,
        "Coach": users.get(pk=scale_data.COACH_ID),
        "Kernteam": users.get(pk=scale_data.CORE_TEAM_ID),
        "Redaktion": editor,
        "Admin": admin,
    }


def _http(requests: int, probe, deep, *, peer: bool) -> None:
    import scale_http
    from django.conf import settings
    from django.db import connections
    from django.urls import reverse

    from forum.models import Topic

    people = _roles(probe)
    # Everyone's topic: academy-wide, 20 posts.
    topic = (
        Topic.objects.filter(space__consortium__isnull=True, reply_count=19).order_by("pk").first()
    )
    cookies = {role: scale_http.session_cookie(user) for role, user in people.items()}
    topic_url = reverse("forum:topic", kwargs={"pk": topic.pk})
    pages = {
        "Hallo Welt (anonym)": ("/bench/hallo/", ""),
        "Hallo Welt (angemeldet)": ("/bench/hallo-angemeldet/", cookies["Mitglied"]),
        "Startseite (anonym)": ("/", ""),
    }
    for role, cookie in cookies.items():
        pages |= {
            f"Startseite ({role})": ("/", cookie),
            f"Forum-Startseite ({role})": (reverse("forum:home"), cookie),
            f"Thema, {topic.reply_count + 1} Beiträge ({role})": (topic_url, cookie),
            f"Benachrichtigungen ({role})": (reverse("forum:notifications"), cookie),
            f"Suche „Kleinstadt“ ({role})": (reverse("forum:search") + "?q=Kleinstadt", cookie),
        }
        if role != "Redaktion":  # the 20,000-post topic is in the probe's closed space
            pages[f"Thema mit 20.000 Beiträgen, letzte Seite ({role})"] = (
                reverse("forum:topic", kwargs={"pk": deep.pk}) + "?seite=1000",
                cookie,
            )
    connections.close_all()
    redis_url = os.environ.get("REDIS_URL", f"redis://127.0.0.1:6379/{scale_http.REDIS_DB}")
    server = scale_http.Server(os.environ["DATABASE_URL"], redis_url, settings.SECRET_KEY)
    try:
        results = {}
        for label, (path, cookie) in pages.items():
            scale_http.load(server.port, path, cookie=cookie, concurrency=1, requests=5)  # warm
            results[label] = [
                scale_http.load(server.port, path, cookie=cookie, concurrency=c, requests=requests)
                for c in (1, 8)
            ]
    finally:
        server.stop()
    if peer:
        import peer_machina

        machina = peer_machina.start(topic.reply_count + 1)
        try:
            for label, path in (
                ("django-machina: Hallo Welt (angemeldet)", "/bench/hallo-angemeldet/"),
                (f"django-machina: Thema, {topic.reply_count + 1} Beiträge", machina.topic_url),
            ):
                scale_http.load(
                    machina.port, path, cookie=machina.cookie, concurrency=1, requests=5
                )
                results[label] = [
                    scale_http.load(
                        machina.port, path, cookie=machina.cookie, concurrency=c, requests=requests
                    )
                    for c in (1, 8)
                ]
        finally:
            machina.stop()
    floor = results["Hallo Welt (angemeldet)"][1].rate
    print(
        f"\n| Seite, ein daphne-Worker, {requests} Anfragen je Zeile | HTTP | c=1 req/s "
        "| c=1 p50 ms | c=8 req/s | c=8 p50 ms | c=8 p99 ms | ÷ Hallo Welt angemeldet (c=8) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, (one, eight) in results.items():
        print(
            f"| {label} | {one.status} | {one.rate:.1f} | {one.p50:.1f} | {eight.rate:.1f} "
            f"| {eight.p50:.1f} | {eight.p99:.1f} | {eight.rate / floor:.0%} |"
        )
    if peer:
        ours = results[f"Thema, {topic.reply_count + 1} Beiträge (Mitglied)"]
        theirs = results[f"django-machina: Thema, {topic.reply_count + 1} Beiträge"]
        print(
            f"\nThema ÷ django-machina (req/s): c=1 {ours[0].rate / theirs[0].rate:.2f}, "
            f"c=8 {ours[1].rate / theirs[1].rate:.2f}"
        )


def _explain(path: Path, reads: dict) -> None:
    """EXPLAIN ANALYZE of every SELECT each read sends (PostgreSQL shows the parameters
    filled in, so the captured text runs as it is)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with path.open("w") as out:
        for label, read in reads.items():
            with CaptureQueriesContext(connection) as queries:
                read()
            for number, query in enumerate(queries.captured_queries, start=1):
                if not query["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                out.write(f"== {label}, Abfrage {number}\n{plan}\n\n")


if __name__ == "__main__":
    sys.exit(main())
