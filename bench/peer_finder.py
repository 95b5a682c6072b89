"""Benchmark the peer finder ("Wer hat das schon gemacht?") at the planned scale.

Run from the project root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kleinstadtakademie_finderbench \
        .venv/bin/python bench/peer_finder.py

Without a PostgreSQL ``DATABASE_URL`` the script uses a fresh temporary SQLite file (see
``bench/common.py``); the target is PostgreSQL. Data: 2,100 towns with coordinates, 420
consortia with a closed forum space each and the academy-wide space, 1,000 case pages (Wagtail
``add_child``, every other one internal, with Handlungsfelder, formats and outcomes) under 20
consortium pages, 10,000 forum lessons (one topic with its opening post each, 20 % academy-wide,
written in bulk), then ``rebuild_peer_finder``. About 200 varied questions (free text, hints such
as "unter 15.000", misspellings, and filters) are asked as anonymous visitor, as member (of a
consortium with internal pages, with a town with coordinates, so the radius filter applies) and as
admin, each through Django's test client (URL routing, middleware, view, template; no network),
after one warm-up pass (then, as the server does, what is loaded is frozen out of the garbage
collector's generations). Printed: p50, p95 and max per role and the queries per request.
"""

from __future__ import annotations

import argparse
import gc
import logging
import random
import statistics
import sys
import time
import uuid
from datetime import date

from common import start_django  # bench/ is on sys.path when run as a script

TOWNS = 2100
CONSORTIA = 420
CASE_PAGES = 1000
CONSORTIUM_PAGES = 20
LESSONS = 10_000
QUESTIONS = 200
STATES = ["BW", "BY", "BB", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"]
REAL_TOWNS = [
    ("Mölln", "SH", 19_000, 53.6283, 10.6907),
    ("Wittenberge", "BB", 16_500, 53.0000, 11.7500),
    ("Diepholz", "NI", 17_000, 52.6072, 8.3711),
    ("Bad Lobenstein", "TH", 5_800, 50.4500, 11.6400),
    ("Eberswalde", "BB", 42_000, 52.8333, 13.8167),
]
_TEXT = (
    "Kleinstadt Co-Working Leerstand Rathaus Befragung QR-Code Pop-up-Space Labor Ortskern "
    "Pendler Bahnhof Homeoffice Arbeitsplatz Verwaltung mobiles Arbeiten Aktionswoche "
    "Themenwoche Schnuppertag Förderung Breitband Zwischennutzung Innenstadt Einzelhandel "
    "Vereine Ehrenamt Jugend Senioren Mobilität Bus Fahrrad Markt Platz Veranstaltung Werkstatt "
    "Erfahrung Flyer Rücklauf Ladenlokal Eigentümer Miete Öffnungszeiten Gastgeberin Task-Force "
    "Bürgerbeteiligung Workshop Betriebskonzept Stammtisch Bibliothek Dritte Orte Pendelverkehr"
)
WORDS = _TEXT.split()
QUESTION_TOPICS = [
    "Co-Working",
    "Coworking",
    "Leerstand",
    "Befragung mit QR-Code",
    "Befragungen",
    "Pendler Bahnhof",
    "Themenwoche",
    "Schnuppertag",
    "Verwaltung mobiles Arbeiten",
    "Bürgerbeteiligung",
    "Buergerbeteiligung",
    "Pop-up-Space im Ladenlokal",
    "Moelln",
    "Witenberge",
    "Ehrenamt Vereine",
    "Task Force Innenstadt",
    "Breitband Homeoffice",
    "Dritte Orte Bibliothek",
    "Jugend Werkstatt",
    "Eigentümer Miete Leerstand",
]
TEMPLATES = [
    "{a}",
    "{a} im {b}",
    "{a}, Stadt unter 15.000",
    "gescheitert {a}",
    "{a} {b}",
    "Wer hat {a} schon gemacht?",
]


# Everyday words around the topical ones: a question's words then occur in about one text in
# ten, as in a real forum, not in nearly every one.
_FILLER = (
    "wir haben im letzten Jahr mit der Stadt und den Vereinen viel ausprobiert manches lief gut "
    "anderes weniger die Leute vor Ort waren neugierig aber es brauchte Zeit bis sich etwas "
    "bewegte unsere Erfahrung ist dass man früh reden muss mit allen die betroffen sind Termine "
    "Räume Geld Personal Ideen Fragen Antworten Plan Ziel Woche Monat Sommer Herbst Winter "
    "Frühjahr Abend Morgen Gespräch Runde Treffen Liste Idee Beispiel Ergebnis Rückmeldung"
)
FILLER = _FILLER.split()
TOPICAL_SHARE = 0.1


def _sentence(rng: random.Random, words: int) -> str:
    return (
        " ".join(
            rng.choice(WORDS) if rng.random() < TOPICAL_SHARE else rng.choice(FILLER)
            for _ in range(words)
        )
        + "."
    )


def build(rng: random.Random, *, log=print) -> dict:
    """Towns, consortia, spaces, people, case pages and lessons; returns who asks."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Site as WagtailSite

    from cms import services
    from cms.models import LabCasePage, Outcome, Visibility
    from forum.models import (
        Challenge,
        Consortium,
        Format,
        Membership,
        Post,
        Profile,
        Role,
        Space,
        Topic,
        Town,
    )

    suffix = uuid.uuid4().hex[:6]
    began = time.perf_counter()
    towns = []
    for n in range(TOWNS):
        if n < len(REAL_TOWNS):
            name, state, population, lat, lon = REAL_TOWNS[n]
        else:
            name, state = f"Kleinstadt {n}", rng.choice(STATES)
            population = rng.randint(4_000, 30_000)
            lat, lon = rng.uniform(47.5, 54.8), rng.uniform(6.0, 14.8)
        towns.append(
            Town(
                name=name,
                slug=f"t-{suffix}-{n}",
                state=state,
                population=population,
                latitude=round(lat, 5),
                longitude=round(lon, 5),
            )
        )
    towns = Town.objects.bulk_create(towns)
    consortia = Consortium.objects.bulk_create(
        Consortium(
            name=f"Verbund {n}",
            slug=f"v-{suffix}-{n}",
            theme="Digitale Arbeitswelten",
            lead_town=towns[n * 5],
            start=date(2025, 1, 1),
            end=date(2026, 12, 31),
        )
        for n in range(CONSORTIA)
    )
    Consortium.towns.through.objects.bulk_create(
        Consortium.towns.through(consortium_id=consortia[n].pk, town_id=towns[n * 5 + i].pk)
        for n in range(CONSORTIA)
        for i in range(5)
    )
    spaces = Space.objects.bulk_create(
        Space(consortium=consortium, name=f"Bereich {consortium.name}", slug=f"s-{consortium.slug}")
        for consortium in consortia
    )
    academy, _created = Space.objects.get_or_create(
        slug="erfahrungsaustausch", defaults={"name": "Forum für Erfahrungsaustausch"}
    )
    User = get_user_model()
    member = User.objects.create(username=f"member-{suffix}", email=f"m-{suffix}@bench.example")
    Profile.objects.create(user=member, display_name="Bench Mitglied", town=towns[0])
    Membership.objects.create(user=member, consortium=consortia[0], role=Role.MEMBER)
    admin = User.objects.create(
        username=f"admin-{suffix}", email=f"a-{suffix}@bench.example", is_superuser=True
    )
    log(f"Städte, Verbünde, Bereiche: {time.perf_counter() - began:.1f} s")

    began = time.perf_counter()
    challenges = list(Challenge.objects.all())
    formats = list(Format.objects.all())
    home = WagtailSite.objects.get(is_default_site=True).root_page.specific
    parents = [
        services.create_consortium_page(consortium=consortia[n], parent=home)
        for n in range(CONSORTIUM_PAGES)
    ]
    with transaction.atomic():
        for number in range(CASE_PAGES):
            parent = parents[number % CONSORTIUM_PAGES]
            town = towns[(number % CONSORTIUM_PAGES) * 5 + number % 5]
            its_challenges = rng.sample(challenges, 2)
            its_formats = rng.sample(formats, 2)
            outcome = rng.choice([*Outcome.values, ""])
            page = LabCasePage(
                title=f"{its_formats[0].name}: {its_challenges[0].name} in {town.name}",
                slug=f"labor-{number}",
                town=town,
                consortium_id=parent.consortium_id,
                visibility=Visibility.PUBLIC if number % 2 == 0 else Visibility.INTERNAL,
                period_start=date(2022, 1, 1),
                summary=_sentence(rng, 18),
                goals=f"<p>{_sentence(rng, 30)}</p>",
                outcome=outcome,
                outcome_notes=_sentence(rng, 20) if outcome == Outcome.FAILED else "",
                live=True,
            )
            page.challenges = its_challenges
            page.formats = its_formats
            parent.add_child(instance=page)
    log(f"{CASE_PAGES} Fallstudien: {time.perf_counter() - began:.1f} s")

    began = time.perf_counter()
    now = timezone.now()
    topics = Topic.objects.bulk_create(
        Topic(
            space=academy if n % 5 == 0 else spaces[n % CONSORTIA],
            title=" ".join([rng.choice(WORDS), *rng.sample(FILLER, 3)]),
            author=member,
            created_at=now,
            last_activity_at=now,
            is_lesson=True,
        )
        for n in range(LESSONS)
    )
    bodies = [_sentence(rng, 80) for _ in range(LESSONS)]
    Post.objects.bulk_create(
        Post(topic=topic, author=member, body=body, body_html=f"<p>{body}</p>", created_at=now)
        for topic, body in zip(topics, bodies, strict=True)
    )
    log(f"{LESSONS} Erkenntnisse: {time.perf_counter() - began:.1f} s")
    return {"member": member, "admin": admin}


def questions(rng: random.Random, *, with_radius: bool) -> list[dict[str, str]]:
    from cms.models import Outcome, TownSize
    from forum.models import Challenge, Format

    challenges = list(Challenge.objects.values_list("slug", flat=True))
    formats = list(Format.objects.values_list("slug", flat=True))
    asked = []
    for _ in range(QUESTIONS):
        a, b = rng.sample(QUESTION_TOPICS, 2)
        params = {"frage": rng.choice(TEMPLATES).format(a=a, b=b)}
        if rng.random() < 0.3:
            params["handlungsfeld"] = rng.choice(challenges)
        if rng.random() < 0.2:
            params["format"] = rng.choice(formats)
        if rng.random() < 0.1:
            params["ergebnis"] = rng.choice(Outcome.values)
        if rng.random() < 0.2:
            params["groesse"] = rng.choice(TownSize.values)
        if rng.random() < 0.2:
            params["land"] = rng.choice(STATES)
        if with_radius and rng.random() < 0.2:
            params["umkreis"] = rng.choice(["25", "50", "100", "200"])
        if rng.random() < 0.1:
            params["frage"] = ""  # filters only
            params.setdefault("handlungsfeld", rng.choice(challenges))
        if rng.random() < 0.1:
            params["seite"] = "2"
        asked.append(params)
    return asked


def _people_of_an_earlier_run() -> dict:
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.order_by("-pk")
    return {
        "member": people.filter(username__startswith="member-").first(),
        "admin": people.filter(username__startswith="admin-").first(),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--again",
        action="store_true",
        help="ask again on the data of an earlier run kept with --keep-db (no build, no rebuild)",
    )
    args = parser.parse_args()
    database = start_django(args.keep_db, prefix="peer-finder-bench-")
    try:
        from django.db import connection
        from django.db.models import Count
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from cms.peer_finder.entries import PeerFinderEntry
        from cms.peer_finder.index import rebuild

        logging.getLogger("wagtail").setLevel(logging.WARNING)
        rng = random.Random(args.seed)  # noqa: S311 - reproducible test data, not secrets
        if args.again:
            people = _people_of_an_earlier_run()
        else:
            people = build(rng)
            began = time.perf_counter()
            rows = rebuild()
            print(f"rebuild_peer_finder: {rows} Einträge in {time.perf_counter() - began:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum would do after a bulk load
                cursor.execute("ANALYZE")
        kinds = dict(PeerFinderEntry.objects.values_list("kind").annotate(n=Count("pk")))
        print(f"Einträge je Art: {kinds}")

        url = reverse("cms:peer_finder")
        print()
        print(
            f"{'Rolle':<10} {'Fragen':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'Queries':>9}"
        )
        for role in ("anonym", "Mitglied", "Admin"):
            client = Client()
            if role == "Mitglied":
                client.force_login(people["member"])
            elif role == "Admin":
                client.force_login(people["admin"])
            same = random.Random(args.seed + 1)  # noqa: S311 - the same questions for every role
            asked = questions(same, with_radius=role == "Mitglied")
            for params in asked:  # warm-up: caches, plans, connection
                client.get(url, params)
            # As config/asgi.py does in the server: what is loaded now lives as long as the
            # process, and full collections over it would otherwise land in one request in ten
            # (150+ ms each).
            gc.collect()
            gc.freeze()
            timings, counts, statuses = [], [], set()
            for params in asked:
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get(url, params)
                    timings.append((time.perf_counter() - began) * 1000)
                counts.append(len(queries))
                statuses.add(response.status_code)
            query_range = f"{min(counts)}–{max(counts)}" if min(counts) != max(counts) else ""
            query_range = query_range or str(counts[0])
            print(
                f"{role:<10} {len(asked):>6} {statistics.median(timings):>8.1f} "
                f"{percentile(timings, 0.95):>8.1f} {max(timings):>8.1f} {query_range:>9}"
                + ("" if statuses == {200} else f"  Status: {sorted(statuses)}")
            )
    finally:
        database.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
