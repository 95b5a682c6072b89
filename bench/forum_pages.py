"""Benchmark the forum's topic list and topic pages with few and with many posts.

Run from the project root:

    .venv/bin/python bench/forum_pages.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kleinstadtakademie_bench \
        .venv/bin/python bench/forum_pages.py

Without a PostgreSQL ``DATABASE_URL`` the script uses a fresh temporary SQLite file (any other
``DATABASE_URL`` is ignored, so a development database is never touched). A PostgreSQL database
that does not exist is created and dropped again at the end.

For every scenario (topics × posts per topic) the script bulk-loads rows straight through the ORM
– fine for a benchmark, never for product code, which writes through ``forum.services`` – and
then requests each page with Django's test client as a logged-in member: once under
``CaptureQueriesContext`` for the query count, then ``--repeat`` times for the median time. The
time is measured in-process around ``Client.get`` (URL routing, middleware, view, template), with
no network or web server in between.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from common import start_django  # bench/ is on sys.path when run as a script

DEFAULT_SCENARIOS = "2x5,100x100,1x10000"


# --- data ------------------------------------------------------------------------------------


@dataclass
class Scenario:
    topics: int
    posts_per_topic: int

    @property
    def label(self) -> str:
        total = self.topics * self.posts_per_topic
        return f"{self.topics} × {self.posts_per_topic} = {total:,}".replace(",", ".")


@dataclass
class Cast:
    member: object
    authors: list
    consortium: object


def parse_scenarios(text: str) -> list[Scenario]:
    scenarios = []
    for item in text.split(","):
        topics, posts = item.lower().split("x")
        scenarios.append(Scenario(int(topics), int(posts)))
    return scenarios


def create_cast(authors: int = 20):
    """One consortium with two towns, a member who reads, and a pool of authors with profiles."""
    from django.contrib.auth import get_user_model

    from forum.models import Consortium, Membership, Profile, Role, State, Town

    User = get_user_model()
    suffix = uuid.uuid4().hex[:8]
    towns = [
        Town.objects.create(
            name=f"Benchstadt {n}", slug=f"bench-{suffix}-{n}", state=State.HESSEN, population=9000
        )
        for n in range(2)
    ]
    consortium = Consortium.objects.create(
        name=f"Bench-Verbund {suffix}",
        slug=f"bench-{suffix}",
        theme="Benchmark",
        lead_town=towns[0],
        start=date(2025, 1, 1),
        end=date(2026, 12, 31),
    )
    consortium.towns.set(towns)
    consortium.save()
    User.objects.bulk_create(
        User(username=f"bench-{suffix}-{n}", email=f"bench-{suffix}-{n}@bench.example")
        for n in range(authors + 1)
    )
    users = list(User.objects.filter(username__startswith=f"bench-{suffix}-").order_by("pk"))
    Profile.objects.bulk_create(
        Profile(user=user, display_name=f"Person {n}", town=towns[n % 2], function="Verwaltung")
        for n, user in enumerate(users)
    )
    Membership.objects.bulk_create(
        Membership(user=user, consortium=consortium, role=Role.MEMBER) for user in users
    )
    return Cast(member=users[0], authors=users[1:], consortium=consortium)


def load_space(cast: Cast, scenario: Scenario):
    """Bulk-load one closed space: topics with tags, posts, a few helpful marks."""
    from django.utils import timezone

    from forum.markdown import render_markdown
    from forum.models import HelpfulMark, Post, Space, Tag, Topic

    space = Space.objects.create(
        consortium=cast.consortium,
        name=f"Bereich {scenario.label}",
        slug=f"{cast.consortium.slug}-{scenario.topics}x{scenario.posts_per_topic}",
    )
    tags = [
        Tag.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench {n}"})[0]
        for n in range(3)
    ]
    body = (
        "Wie habt ihr das **Co-Working** in der Verwaltung organisiert?\n\n"
        "- Buchung online\n- Betreuung durch die Stadt\n\n> Erfahrungen willkommen."
    )
    body_html, _mentions = render_markdown(body)
    now = timezone.now()
    total = scenario.topics * scenario.posts_per_topic
    start = now - timedelta(seconds=total + 1)
    Topic.objects.bulk_create(
        Topic(
            space=space,
            title=f"Diskussion {n}: Co-Working und Leerstand",
            author=cast.authors[n % len(cast.authors)],
            created_at=start,
            last_activity_at=start,
        )
        for n in range(scenario.topics)
    )
    topics = list(Topic.objects.filter(space=space).order_by("pk"))
    Topic.tags.through.objects.bulk_create(
        Topic.tags.through(topic=topic, tag=tags[n % len(tags)]) for n, topic in enumerate(topics)
    )
    posts = []
    moment = start
    for topic in topics:
        for n in range(scenario.posts_per_topic):
            moment += timedelta(seconds=1)
            posts.append(
                Post(
                    topic=topic,
                    author=cast.authors[n % len(cast.authors)],
                    body=body,
                    body_html=body_html,
                    created_at=moment,
                )
            )
    Post.objects.bulk_create(posts, batch_size=2000)
    last_posts = {}
    marks = []
    for post in Post.objects.filter(topic__space=space).only("pk", "topic_id", "author_id"):
        last_posts[post.topic_id] = post.pk
        if post.pk % 3 == 0:
            marks.append(HelpfulMark(post=post, user=cast.member))
    HelpfulMark.objects.bulk_create(marks, batch_size=2000)
    for topic in topics:
        topic.last_post_id = last_posts[topic.pk]
        topic.reply_count = scenario.posts_per_topic - 1
        topic.last_activity_at = moment
    Topic.objects.bulk_update(topics, ["last_post", "reply_count", "last_activity_at"])
    return space, topics[0]


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Result:
    scenario: str
    page: str
    page_number: int
    queries: int
    median_ms: float
    min_ms: float
    bytes: int


def measure(
    client, scenario: Scenario, name: str, url: str, page_number: int, repeat: int
) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm up: template loading, first ReadState write
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # Read now: the next request's request_started signal resets connection.queries.
    query_count = len(queries)
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
    return Result(
        scenario=scenario.label,
        page=name,
        page_number=page_number,
        queries=query_count,
        median_ms=statistics.median(timings),
        min_ms=min(timings),
        bytes=len(response.content),
    )


def print_table(results: list[Result]) -> None:
    header = ("Themen × Beiträge", "Seite", "Nr.", "Queries", "Median ms", "Min ms", "KB")
    rows = [
        (
            r.scenario,
            r.page,
            str(r.page_number),
            str(r.queries),
            f"{r.median_ms:.1f}",
            f"{r.min_ms:.1f}",
            f"{r.bytes / 1024:.0f}",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    numeric = {2, 3, 4, 5, 6}

    def line(cells) -> str:
        return "  ".join(
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    by_page: dict[str, set[int]] = {}
    for r in results:
        by_page.setdefault(r.page, set()).add(r.queries)
    grows = sorted(page for page, counts in by_page.items() if len(counts) > 1)
    print()
    if grows:
        print("Achtung: Query-Zahl hängt von der Datenmenge ab bei: " + ", ".join(grows))
    else:
        print("Query-Zahl je Seite unabhängig von der Datenmenge.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenarios",
        default=DEFAULT_SCENARIOS,
        help=f"comma-separated TOPICSxPOSTS per topic (default {DEFAULT_SCENARIOS})",
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    scenarios = parse_scenarios(args.scenarios)

    database = start_django(args.keep_db, prefix="forum-bench-")
    try:
        from django.db import connection
        from django.test import Client

        cast = create_cast()
        client = Client()
        client.force_login(cast.member)
        from forum.views.topics import POSTS_PER_PAGE

        results = []
        for scenario in scenarios:
            began = time.perf_counter()
            space, topic = load_space(cast, scenario)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # what autovacuum would do after a bulk load
                    cursor.execute("ANALYZE")
            loaded = time.perf_counter() - began
            print(f"geladen {scenario.label} Beiträge in {loaded:.1f} s")
            last_page = max(1, -(-scenario.posts_per_topic // POSTS_PER_PAGE))
            pages = [
                ("Themenliste", space.get_absolute_url(), 1),
                ("Thema, erste Seite", topic.get_absolute_url(), 1),
                ("Thema, letzte Seite", f"{topic.get_absolute_url()}?seite={last_page}", last_page),
            ]
            for name, url, number in pages:
                results.append(measure(client, scenario, name, url, number, args.repeat))
        print()
        print_table(results)
    finally:
        database.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
