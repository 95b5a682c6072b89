"""Benchmark the idea board: the page, the board fragment every open board fetches after each
change, and pinning a card, with 10, 100 and 500 cards (the limit per workshop).

Run from the project root:

    .venv/bin/python bench/idea_board.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kleinstadtakademie_ideabench \
        .venv/bin/python bench/idea_board.py

Database as in the other benchmarks (``bench/common.py``): a fresh temporary SQLite file, or a
PostgreSQL ``DATABASE_URL`` (created and dropped if it did not exist).

One consortium with three towns and 30 members (the size of a Transferwerkstatt), one workshop
with its registration open. The scenarios grow its board to 10, 100 and 500 cards through
``workshops.services.add_idea`` (written by the members in turn, in 12 groups). For each page
the script requests it with Django's test client as a member: once under
``CaptureQueriesContext`` for the query count, then ``--repeat`` times for the median time,
in-process around ``Client.get`` / ``Client.post`` (routing, middleware, view, template; no
network). Every change of a card makes each open board fetch that card once, so "Karte × 30"
is the server time one change costs while 30 people have the board open; the whole board
("Tafel") is fetched only after a reconnect.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta

from common import start_django  # bench/ is on sys.path when run as a script

DEFAULT_SCENARIOS = "10,100,500"
WATCHERS = 30
GROUPS = 12


def build_workshop():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from forum.models import Consortium, Membership, Profile, Role, State, Town
    from workshops import services
    from workshops.services import WorkshopData

    towns = [
        Town.objects.create(
            name=f"Ideenstadt {n}", slug=f"ideenstadt-{n}", state=State.HESSEN, population=9000
        )
        for n in range(3)
    ]
    consortium = Consortium.objects.create(
        name="Ideenverbund",
        slug="ideenverbund",
        theme="Benchmark",
        lead_town=towns[0],
        start=date(2025, 1, 1),
        end=date(2027, 12, 31),
    )
    consortium.towns.set(towns)
    consortium.save()  # modelcluster: the towns are written on save
    User = get_user_model()
    members = []
    for n in range(WATCHERS):
        user = User.objects.create_user(f"idee{n}", f"idee{n}@example.org", "x")
        Profile.objects.update_or_create(
            user=user, defaults={"display_name": f"Person {n}", "town": towns[n % 3]}
        )
        role = Role.COACH if n == 0 else Role.MEMBER
        Membership.objects.create(user=user, consortium=consortium, role=role)
        members.append(User.objects.get(pk=user.pk))
    starts_at, ends_at = services.default_schedule(timezone.localdate() + timedelta(days=14))
    workshop = services.create_workshop(
        consortium=consortium,
        actor=members[0],
        data=WorkshopData(
            host_town=towns[0],
            title="Werkstatt mit vielen Ideen",
            starts_at=starts_at,
            ends_at=ends_at,
            venue_name="Rathaus",
            venue_address="Markt 1",
            capacity=40,
            registration_deadline=starts_at - timedelta(hours=1),
        ),
    )
    workshop = services.set_status(workshop=workshop, actor=members[0], status="open")
    return workshop, members


def grow(workshop, members, total: int) -> None:
    from workshops import services

    for number in range(workshop.ideas.count(), total):
        services.add_idea(
            workshop=workshop,
            actor=members[number % len(members)],
            text=f"Idee {number}: Leerstand als Schaufenster nutzen, mit Bürgerbeteiligung",
            group=f"Gruppe {number % GROUPS}" if number % 5 else "",
        )


def timed(call, repeat: int) -> float:
    durations = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        durations.append((time.perf_counter() - began) * 1000)
    return statistics.median(durations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", default=DEFAULT_SCENARIOS)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    scenarios = sorted({int(item) for item in args.scenarios.split(",") if item.strip()})

    database = start_django(args.keep_db, prefix="idea-bench-")
    try:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from workshops import services

        workshop, members = build_workshop()
        client = Client()
        client.force_login(members[1])
        kwargs = {"slug": workshop.consortium.slug, "pk": workshop.pk}
        page_url = reverse("workshops:ideas", kwargs=kwargs)
        fragment_url = reverse("workshops:idea_board", kwargs=kwargs)
        services.MAX_IDEAS_PER_WORKSHOP = max(scenarios) + 10 * args.repeat + 10

        rows = []
        for total in scenarios:
            grow(workshop, members, total)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            card = workshop.ideas.order_by("-pk").first()
            card_url = reverse("workshops:idea_card", kwargs={"pk": card.pk})
            for name, url in (
                ("Ideenwand (Seite)", page_url),
                ("Tafel (nach Neuverbindung)", fragment_url),
                ("Karte (nach Änderung)", card_url),
            ):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                # Read now: the next request's request_started signal resets the log.
                count = len(queries)
                median = timed(lambda url=url: client.get(url), args.repeat)
                rows.append((total, name, count, median, len(response.content) // 1024))
                if name.startswith("Karte"):
                    rows.append((total, f"Karte × {WATCHERS} Offene", "", median * WATCHERS, ""))
            with CaptureQueriesContext(connection) as queries:
                response = client.post(page_url, {"text": "Noch eine Idee", "group": "Neu"})
            assert response.status_code == 302, response.status_code
            count = len(queries)
            median = timed(
                lambda: client.post(page_url, {"text": "Noch eine Idee", "group": "Neu"}),
                args.repeat,
            )
            rows.append((total, "Karte anheften (POST)", count, median, ""))
            workshop.ideas.filter(text="Noch eine Idee").delete()

        header = ("Karten", "Anfrage", "Queries", "Median ms", "KB")
        print()
        print(f"{header[0]:>6}  {header[1]:<26}  {header[2]:>7}  {header[3]:>9}  {header[4]:>4}")
        for total, name, queries, median, size in rows:
            print(f"{total:>6}  {name:<26}  {queries!s:>7}  {median:>9.1f}  {size!s:>4}")
        counts = {}
        for _total, name, queries, _median, _size in rows:
            if queries != "":
                counts.setdefault(name, set()).add(queries)
        growing = [name for name, values in counts.items() if len(values) > 1]
        print()
        print(
            "Query-Zahl wächst mit den Karten: " + ", ".join(growing)
            if growing
            else "Query-Zahl je Anfrage unabhängig von der Zahl der Karten."
        )
        return 1 if growing else 0
    finally:
        database.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
