"""Benchmark the Wagtail case pages (index, filter, home, case page, search, feed, sitemap).

Run from the project root:

    .venv/bin/python bench/case_pages.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kleinstadtakademie_casebench \
        .venv/bin/python bench/case_pages.py

Without a PostgreSQL ``DATABASE_URL`` the script uses a fresh temporary SQLite file (any other
``DATABASE_URL`` is ignored, so a development database is never touched). A PostgreSQL database
that does not exist is created and dropped again at the end.

The site is built once: the ``HomePage`` from the migrations, one consortium with two towns and
a member, its consortium page (``cms.services.create_consortium_page``) and the case index
``/fallstudien/``. The scenarios then grow the same consortium page to 5, 100 and 1000 case
pages – half public, half internal – added with Wagtail's ``add_child`` (which also indexes
them for the search). Revisions are not published; what publication would add is filled in
directly: the publication dates. For every page the script requests it with Django's test client,
anonymously and as the member: once under ``CaptureQueriesContext`` for the query count and the
total length of the SQL sent (``SQL KB``), then ``--repeat`` times for the median time, measured
in-process around ``Client.get`` (URL routing, middleware, Wagtail's page serving or the view,
template), with no network or web server in between.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from common import start_django  # bench/ is on sys.path when run as a script

DEFAULT_SCENARIOS = "5,100,1000"
SEARCH_WORD = "Leerstand"


# --- data ------------------------------------------------------------------------------------


@dataclass
class Site:
    member: object
    towns: list
    consortium_page: object
    case_index: object
    first_public_case: object | None = None
    case_pages: int = 0


def parse_scenarios(text: str) -> list[int]:
    """Total numbers of case pages, ascending: each scenario adds pages to the previous one."""
    return sorted({int(item) for item in text.split(",") if item.strip()})


def build_site() -> Site:
    """Home page (from the migrations), a consortium with a medium and a small town, a member,
    the consortium page and the case index."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Site as WagtailSite

    from cms import services
    from cms.models import CaseIndexPage
    from forum.models import Consortium, Membership, Profile, Role, State, Town

    suffix = uuid.uuid4().hex[:8]
    towns = [
        Town.objects.create(
            name=f"Benchstadt {n}",
            slug=f"bench-{suffix}-{n}",
            state=State.HESSEN,
            population=population,  # "mittel" and "klein" in the case index filter
        )
        for n, population in enumerate((15_000, 8_000))
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
    member = get_user_model().objects.create(
        username=f"bench-{suffix}", email=f"bench-{suffix}@bench.example"
    )
    Profile.objects.create(
        user=member, display_name="Bench Person", town=towns[0], function="Verwaltung"
    )
    Membership.objects.create(user=member, consortium=consortium, role=Role.MEMBER)

    home = WagtailSite.objects.get(is_default_site=True).root_page.specific
    consortium_page = services.create_consortium_page(consortium=consortium, parent=home)
    case_index = home.add_child(instance=CaseIndexPage(title="Fallstudien", slug="fallstudien"))
    return Site(member=member, towns=towns, consortium_page=consortium_page, case_index=case_index)


FORMATS = ("pop-up-space", "aktionswoche", "schnuppertag", "task-force", "befragung")
OUTCOMES = ("success", "partial", "failed")


def add_case_pages(site: Site, total: int) -> None:
    """Add case pages under the consortium page until there are ``total``: every other one
    internal, formats and towns rotating, a summary with the search word."""
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page

    from cms.models import LabCasePage, Visibility
    from forum.models import Format

    parent = site.consortium_page
    formats = {term.slug: term for term in Format.objects.filter(slug__in=FORMATS)}
    now = timezone.now()
    added = []
    with transaction.atomic():
        for number in range(site.case_pages, total):
            public = number % 2 == 0
            page = LabCasePage(
                title=f"Pop-up-Labor {number}: Co-Working gegen Leerstand",
                slug=f"labor-{number}",
                town=site.towns[(number // 2) % 2],
                consortium_id=parent.consortium_id,
                visibility=Visibility.PUBLIC if public else Visibility.INTERNAL,
                outcome=OUTCOMES[number % len(OUTCOMES)],
                period_start=date(2022, 1, 1) + timedelta(days=number),
                period_end=date(2022, 3, 1) + timedelta(days=number),
                summary=(
                    f"Labor {number}: sieben Arbeitsplätze auf Zeit im {SEARCH_WORD} am "
                    "Marktplatz, betreut von der Stadtverwaltung."
                ),
                goals=(
                    "<p>Pendlerinnen und Pendler im Ort halten, den Leerstand sichtbar nutzen "
                    "und die Verwaltung als Gastgeberin zeigen.</p>"
                ),
            )
            page.formats = [formats[FORMATS[number % len(FORMATS)]]]
            parent.add_child(instance=page)
            added.append(page.pk)
            if public and site.first_public_case is None:
                site.first_public_case = page
        for offset, pk in enumerate(added):
            moment = now - timedelta(minutes=len(added) - offset)
            Page.objects.filter(pk=pk).update(first_published_at=moment, last_published_at=moment)
    site.case_pages = total


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Result:
    scenario: int
    page: str
    role: str
    queries: int = 0
    sql_kb: float = 0.0  # length of all SQL statements of the request
    median_ms: float = 0.0
    min_ms: float = 0.0
    bytes: int = 0
    error: str = ""


def measure(
    client, scenario: int, name: str, role: str, url: str, expect: str, repeat: int
) -> Result:
    """Query count and SQL size of one request, then the timings; a failing page is reported
    as an error instead of ending the run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(scenario=scenario, page=name, role=role)
    try:
        for _ in range(2):  # warm up: template loading, Wagtail's site root cache
            response = client.get(url)
            assert response.status_code == 200, f"HTTP {response.status_code}"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"HTTP {response.status_code}"
        assert expect in response.content.decode(), f"{expect!r} missing"
        # Read now: the next request's request_started signal resets connection.queries.
        result.queries = len(queries)
        result.sql_kb = sum(len(query["sql"]) for query in queries.captured_queries) / 1024
        timings = []
        for _ in range(repeat):
            began = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
    except Exception as error:  # noqa: BLE001 – reported in the table
        first_line = (str(error).strip().splitlines() or [""])[0]
        result.error = f"{type(error).__name__}: {first_line}"[:160]
        print(f"FEHLER {scenario} {name} ({role}) {url}: {result.error}")
        return result
    result.median_ms = statistics.median(timings)
    result.min_ms = min(timings)
    result.bytes = len(response.content)
    return result


def _print_rows(header: tuple, rows: list[tuple], numeric: set[int]) -> None:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells) -> str:
        return "  ".join(
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def print_table(results: list[Result]) -> None:
    header = ("Fallstudien", "Seite", "Als", "Queries", "SQL KB", "Median ms", "Min ms", "KB")
    rows = [
        (
            f"{r.scenario:,}".replace(",", "."),
            r.page,
            r.role,
            *(
                ("Fehler", "", "", "", "")
                if r.error
                else (
                    str(r.queries),
                    f"{r.sql_kb:.0f}",
                    f"{r.median_ms:.1f}",
                    f"{r.min_ms:.1f}",
                    f"{r.bytes / 1024:.0f}",
                )
            ),
        )
        for r in results
    ]
    _print_rows(header, rows, numeric={0, 3, 5, 6, 7})


def print_summary(results: list[Result]) -> None:
    """One row per page and role, the scenarios side by side: queries, SQL size, median ms."""
    scenarios = sorted({r.scenario for r in results})
    keys = list(dict.fromkeys((r.page, r.role) for r in results))
    by_key = {(r.page, r.role, r.scenario): r for r in results}
    header = (
        "Seite",
        "Als",
        *(f"Q {n}" for n in scenarios),
        *(f"SQL KB {n}" for n in scenarios),
        *(f"ms {n}" for n in scenarios),
    )

    def cell(result: Result | None, value) -> str:
        if result is None:
            return "–"
        return "Fehler" if result.error else value(result)

    rows = []
    for page, role in keys:
        found = [by_key.get((page, role, n)) for n in scenarios]
        rows.append(
            (
                page,
                role,
                *(cell(r, lambda r: str(r.queries)) for r in found),
                *(cell(r, lambda r: f"{r.sql_kb:.0f}") for r in found),
                *(cell(r, lambda r: f"{r.median_ms:.1f}") for r in found),
            )
        )
    print()
    _print_rows(header, rows, numeric=set(range(2, len(header))))
    counts: dict[tuple[str, str], set[int]] = {}
    for r in results:
        if not r.error:
            counts.setdefault((r.page, r.role), set()).add(r.queries)
    grows = sorted(f"{page} ({role})" for (page, role), seen in counts.items() if len(seen) > 1)
    failed = sorted({f"{r.page} ({r.role}) bei {r.scenario}" for r in results if r.error})
    print()
    if grows:
        print("Query-Zahl hängt von der Datenmenge ab bei: " + ", ".join(grows))
    elif counts:
        print("Query-Zahl je Seite unabhängig von der Datenmenge.")
    if failed:
        print("Fehlgeschlagen: " + ", ".join(failed))
        for error in dict.fromkeys(r.error for r in results if r.error):
            print(f"  {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenarios",
        default=DEFAULT_SCENARIOS,
        help=f"comma-separated total numbers of case pages (default {DEFAULT_SCENARIOS})",
    )
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    scenarios = parse_scenarios(args.scenarios)

    database = start_django(args.keep_db, prefix="case-bench-")
    try:
        from django.db import connection
        from django.test import Client

        logging.getLogger("wagtail").setLevel(logging.WARNING)  # no line per created page
        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # errors: see the table

        site = build_site()
        clients = {"anonym": Client(), "Mitglied": Client()}
        clients["Mitglied"].force_login(site.member)

        results = []
        for scenario in scenarios:
            began = time.perf_counter()
            add_case_pages(site, scenario)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # what autovacuum would do after a bulk load
                    cursor.execute("ANALYZE")
            loaded = time.perf_counter() - began
            print(f"Fallstudien auf {scenario} ergänzt in {loaded:.1f} s")
            index_url = site.case_index.url
            case = site.first_public_case
            pages = [  # name, URL, text the response must contain
                ("Fallstudien", index_url, "Pop-up-Labor"),
                (
                    "Fallstudien, gefiltert",
                    f"{index_url}?format=pop-up-space&groesse=mittel",
                    "Pop-up-Labor",
                ),
                ("Startseite", "/", "Pop-up-Labor"),
                ("Fallstudie", case.url, case.summary),
                ("Suche", f"/suche/?q={SEARCH_WORD}", "Pop-up-Labor"),
                ("Atom-Feed", "/fallstudien/feed/", "<entry>"),
                ("Sitemap", "/sitemap.xml", case.url),
            ]
            for name, url, expect in pages:
                for role, client in clients.items():
                    results.append(measure(client, scenario, name, role, url, expect, args.repeat))
        print()
        print_table(results)
        print_summary(results)
    finally:
        database.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
