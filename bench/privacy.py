"""Benchmark a person's data export ("Meine Daten") and the erasure of their account, for small
and large accounts.

Run from the project root:

    .venv/bin/python bench/privacy.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kleinstadtakademie_privacybench \
        .venv/bin/python bench/privacy.py --posts 100,1000,10000

Without a PostgreSQL ``DATABASE_URL`` the script uses a fresh temporary SQLite file (see
``bench/common.py``). For each size N it bulk-loads one person into a closed space of one
consortium: N posts (every post with one earlier revision, every tenth mentioned by another
member), N notifications, N/10 helpful marks and read positions. Then it times, in-process:

- the export (``forum.privacy.export.write_zip`` into a temporary file): SQL queries, time, size;
- the erasure (``forum.privacy.erasure.erase_person``, posts kept as "ehemaliges Mitglied"):
  SQL queries and time, in one transaction as the service runs it.

The export's query count must not grow with N (one query per section, whatever the account
holds); the erasure's grows only with the number of other people's posts that mention the
person (each is rendered again without the mention).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import date

from common import start_django  # bench/ is on sys.path when run as a script

DEFAULT_SIZES = "100,1000,10000"


def load_person(size: int):
    """One person with ``size`` posts (each with a revision), notifications, marks and read
    positions, in a consortium with one other member who mentions them in every tenth post."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from forum.models import (
        Consortium,
        HelpfulMark,
        Membership,
        Notification,
        NotificationKind,
        Post,
        PostRevision,
        Profile,
        ReadState,
        Role,
        Space,
        State,
        Topic,
        Town,
    )

    suffix = uuid.uuid4().hex[:8]
    User = get_user_model()
    town = Town.objects.create(
        name=f"Benchstadt {suffix}", slug=f"bench-{suffix}", state=State.HESSEN, population=9000
    )
    consortium = Consortium.objects.create(
        name=f"Benchverbund {suffix}",
        slug=f"benchverbund-{suffix}",
        theme="Digitale Arbeitswelten",
        lead_town=town,
        start=date(2025, 1, 1),
        end=date(2030, 12, 31),
    )
    consortium.towns.add(town)
    space = Space.objects.create(consortium=consortium, name="Austausch", slug=f"raum-{suffix}")
    person, other = (
        User.objects.create_user(username=f"{name}-{suffix}", email=f"{name}-{suffix}@bench.test")
        for name in ("person", "other")
    )
    for user, name in ((person, "Petra Bench"), (other, "Otto Bench")):
        Profile.objects.create(user=user, display_name=name, town=town)
        Membership.objects.create(user=user, consortium=consortium, role=Role.MEMBER)
    # A coach stays, so the person is not the last one who could hand over.
    coach = User.objects.create_user(username=f"coach-{suffix}")
    Membership.objects.create(user=coach, consortium=consortium, role=Role.COACH)

    now = timezone.now()
    topics = Topic.objects.bulk_create(
        Topic(space=space, title=f"Thema {n}", author=person) for n in range(max(1, size // 20))
    )
    posts = Post.objects.bulk_create(
        Post(
            topic=topics[n % len(topics)],
            author=person,
            body=f"Beitrag {n} über Leerstand und Co-Working.",
            body_html=f"<p>Beitrag {n} über Leerstand und Co-Working.</p>",
            created_at=now,
        )
        for n in range(size)
    )
    PostRevision.objects.bulk_create(
        PostRevision(post=post, body="Erste Fassung", created_at=now, replaced_by=person)
        for post in posts
    )
    Post.objects.bulk_create(
        Post(
            topic=topics[n % len(topics)],
            author=other,
            body=f"Danke @{person.username} für Beitrag {n}!",
            body_html=f"<p>Danke @{person.username} für Beitrag {n}!</p>",
            created_at=now,
        )
        for n in range(size // 10)
    )
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=NotificationKind.REPLY,
            actor=other,
            space=space,
            topic=topics[n % len(topics)],
            title=f"Antwort in Thema {n}",
            url="/",
        )
        for n in range(size)
    )
    HelpfulMark.objects.bulk_create(HelpfulMark(post=post, user=other) for post in posts[::10])
    ReadState.objects.bulk_create(
        ReadState(topic=topic, user=person, last_read_post_id=posts[-1].pk) for topic in topics
    )
    return person


def measure_export(person) -> tuple[int, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forum.privacy.export import write_zip

    with tempfile.TemporaryFile() as handle, CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        write_zip(person, handle)
        elapsed = time.perf_counter() - began
        size = handle.tell()
    return len(queries), elapsed, size


def measure_erasure(person) -> tuple[int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forum.privacy.erasure import erase_person

    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        erase_person(person=person, delete_posts=False, actor=person)
        elapsed = time.perf_counter() - began
    return len(queries), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--posts",
        default=DEFAULT_SIZES,
        help=f"comma-separated numbers of posts of the person (default {DEFAULT_SIZES})",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    sizes = sorted({int(item) for item in args.posts.split(",") if item.strip()})

    database = start_django(args.keep_db, prefix="privacy-bench-")
    try:
        rows = []
        for size in sizes:
            person = load_person(size)
            export_queries, export_seconds, zip_bytes = measure_export(person)
            erase_queries, erase_seconds = measure_erasure(person)
            rows.append(
                (size, export_queries, export_seconds, zip_bytes, erase_queries, erase_seconds)
            )
        print()
        print(
            f"{'Beiträge':>9} {'Export SQL':>10} {'Export s':>9} {'ZIP KB':>8} "
            f"{'Löschen SQL':>11} {'Löschen s':>10}"
        )
        for size, export_queries, export_seconds, zip_bytes, erase_queries, erase_seconds in rows:
            print(
                f"{size:>9} {export_queries:>10} {export_seconds:>9.2f} {zip_bytes / 1024:>8.0f} "
                f"{erase_queries:>11} {erase_seconds:>10.2f}"
            )
        constant = len({row[1] for row in rows}) == 1
        print()
        print(
            "Export: Zahl der Abfragen unabhängig von der Größe des Kontos"
            if constant
            else "Export: Zahl der Abfragen WÄCHST mit der Größe des Kontos"
        )
        return 0 if constant else 1
    finally:
        database.cleanup()


if __name__ == "__main__":
    sys.exit(main())
