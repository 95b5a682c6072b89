"""Benchmark the citizen surveys at the planned size: 10,000 answers to a 20-question survey.

Run from the project root (the target is PostgreSQL; without it a temporary SQLite file):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kleinstadtakademie_surveybench \\
        REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/survey.py

Data, written in bulk through the ORM (product code writes through the services): one
consortium, town and member; two surveys with the same 20 questions (6 single choice, 4
multiple choice with "Sonstiges", 4 scales, 2 numbers, 2 short and 2 long texts; one skip rule),
one with 100 responses, one with 10,000 (about 22 answer rows each).

1. Results page and CSV export as a member, in process (Django's test client: middleware, view,
   template; no server): SQL queries and times at 100 and at 10,000 responses.
2. Answering under load: daphne workers on production settings (``scale_http.Server``; one per
   core as production runs them, ``--workers``, default 2; the
   limit per network raised, every client is 127.0.0.1), client threads on keep-alive
   connections (``LOADS``: one alone, 20 each sending about a form a second, 20 without pause).
   Each fetches the form once (the CSRF cookie and token), then sends complete answers with a
   fresh submission id into the survey with 10,000 responses, and at the end its last form
   again, which must store nothing. Printed: the rate, p50, p95 and max of the POSTs, and
   whether the stored responses grew by exactly the number of forms.

Everything runs on this machine: client threads and server share the cores, so compare rows of
one run (ratios), not runs on different machines.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import time
import uuid
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from common import start_django  # bench/ is on sys.path when run as a script

SMALL, LARGE = 100, 10_000
PER_CLIENT = 50
FLOOR = "/bench/hallo/"
# (label, clients, mean pause in seconds after each form): one person alone (the time one form
# costs the server), 20 people at once each sending a form a second (20 forms a second, some
# 5,000 times a month-long survey's average of 10,000 answers), and 20 without any pause (the
# worker's capacity: beyond it, forms wait in line).
LOADS = [
    ("1 Client, ohne Pause", 1, 0.0),
    ("20 Clients, je etwa 1 Bogen/s", 20, 1.0),
    ("20 Clients, ohne Pause", 20, 0.0),
]
KINDS = ["single"] * 6 + ["multiple"] * 4 + ["scale"] * 4 + ["number"] * 2
KINDS += ["short_text"] * 2 + ["long_text"] * 2
WISHES = ["Mehr Busse am Abend", "Ein Co-Working-Raum am Bahnhof", "Schnelleres Internet"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def build_survey(consortium, town, title: str):
    from cms.surveys.models import Option, Question, Survey, SurveyStatus

    survey = Survey.objects.create(
        consortium=consortium,
        town=town,
        title=title,
        privacy_note="Keine IP-Adressen.",
        status=SurveyStatus.OPEN,
    )
    questions = []
    for position, kind in enumerate(KINDS, start=1):
        question = Question.objects.create(
            survey=survey,
            position=position,
            kind=kind,
            text=f"Frage {position}",
            required=position <= 3,
            has_other=kind == "multiple",
            min_value=0 if kind == "number" else None,
            max_value=500 if kind == "number" else None,
        )
        if kind in ("single", "multiple"):
            Option.objects.bulk_create(
                Option(question=question, position=n, key=f"o{n}", label=f"Antwort {n}")
                for n in range(5 if kind == "multiple" else 4)
            )
        questions.append(question)
    # One skip rule: question 2 only for those who chose "o0" in question 1.
    questions[1].show_if = questions[0]
    questions[1].show_if_keys = ["o0"]
    questions[1].required = False
    questions[1].save(update_fields=["show_if", "show_if_keys", "required"])
    return survey


def fill(survey, count: int, rng: random.Random) -> None:
    from django.utils import timezone

    from cms.surveys.models import Answer, Question, Response

    questions = list(Question.objects.filter(survey=survey).prefetch_related("options"))
    today = timezone.localdate()
    for start in range(0, count, 1000):
        responses = Response.objects.bulk_create(
            Response(
                survey=survey,
                submission=uuid.uuid4(),
                submitted_on=today - timezone.timedelta(days=rng.randrange(28)),
            )
            for _ in range(min(1000, count - start))
        )
        rows = []
        for response in responses:
            for question in questions:
                options = list(question.options.all())
                answer = Answer(response=response, question=question)
                if question.kind == "single":
                    answer.option = rng.choice(options)
                    rows.append(answer)
                elif question.kind == "multiple":
                    rows += [
                        Answer(response=response, question=question, option=option)
                        for option in rng.sample(options, 2)
                    ]
                elif question.kind in ("scale", "number"):
                    top = 5 if question.kind == "scale" else 120
                    answer.number = Decimal(rng.randint(1 if top == 5 else 0, top))
                    rows.append(answer)
                elif rng.random() < 0.5:
                    answer.text = rng.choice(WISHES)
                    rows.append(answer)
        Answer.objects.bulk_create(rows, batch_size=5000)


def timed_get(client, url: str, repeat: int, *, streamed: bool = False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times, queries, size = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if streamed else response.content
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries, size = len(captured), len(body)
    return times, queries, size


def form_data(survey, rng: random.Random) -> dict[str, list[str]]:
    from cms.surveys.models import Question

    data: dict[str, list[str]] = {"website": [""]}
    for question in Question.objects.filter(survey=survey).prefetch_related("options"):
        name = f"q{question.pk}"
        keys = [option.key for option in question.options.all()]
        if question.kind == "single":
            data[name] = ["o0" if question.position == 1 else rng.choice(keys)]
        elif question.kind == "multiple":
            data[name] = rng.sample(keys, 2)
        elif question.kind == "scale":
            data[name] = [str(rng.randint(1, 5))]
        elif question.kind == "number":
            data[name] = [str(rng.randint(0, 120))]
        else:
            data[name] = [rng.choice(WISHES)]
    return data


async def _exchange(reader, writer, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on a kept-alive connection; the status, headers and body."""
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _sep, value = line.decode("latin-1").partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers, body


async def _client(seed: int, port: int, path: str, form: str, pause: float, sink: dict) -> None:
    waits = random.Random(seed)  # noqa: S311 - load shape, not secrets
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"Host: 127.0.0.1:{port}\r\nConnection: keep-alive\r\n"
    _status, headers, page = await _exchange(
        reader, writer, f"GET {path} HTTP/1.1\r\n{head}\r\n".encode()
    )
    cookie = re.search(r"csrftoken=([^;]+)", headers["set-cookie"]).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    last = ""
    for sent in range(PER_CLIENT + 1):
        if sent < PER_CLIENT:
            last = str(uuid.uuid4())
        body = f"{form}&csrfmiddlewaretoken={token}&submission={last}".encode()
        request = (
            f"POST {path} HTTP/1.1\r\n{head}Cookie: csrftoken={cookie}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        began = time.perf_counter()
        status, _headers, _body = await _exchange(reader, writer, request)
        if sent < PER_CLIENT:  # the resend is not timed
            sink["latencies"].append((time.perf_counter() - began) * 1000)
        sink["statuses"][status] = sink["statuses"].get(status, 0) + 1
        if pause:
            await asyncio.sleep(waits.expovariate(1 / pause))
    writer.close()
    await writer.wait_closed()


async def _floor_client(port: int, sink: dict) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {FLOOR} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    for _ in range(PER_CLIENT):
        began = time.perf_counter()
        status, _headers, _body = await _exchange(reader, writer, request)
        sink["latencies"].append((time.perf_counter() - began) * 1000)
        sink["statuses"][status] = sink["statuses"].get(status, 0) + 1
    writer.close()
    await writer.wait_closed()


def floor_under_load(ports: list[int], *, clients: int) -> dict:
    """The same workers' floor: a plain hello world (``scale_urls``), asked as the forms are
    sent without pause."""
    sink: dict = {"latencies": [], "statuses": {}}

    async def everyone() -> None:
        await asyncio.gather(*(_floor_client(ports[n % len(ports)], sink) for n in range(clients)))

    began = time.perf_counter()
    asyncio.run(everyone())
    return {"seconds": time.perf_counter() - began, **sink}


def answer_under_load(
    ports: list[int], path: str, data: dict[str, list[str]], *, clients: int, pause: float
) -> dict:
    """``clients`` connections, each to one of the workers in turn (as a load balancer spreads
    them), send PER_CLIENT complete forms each, waiting about ``pause`` seconds after each
    (exponentially distributed: people do not send in step); then each sends its last form once
    more (untimed; it must store nothing). One asyncio loop drives them all, so the clients cost
    the shared cores little and their own waiting does not count as the server's time."""
    form = urlencode(data, doseq=True)
    sink: dict = {"latencies": [], "statuses": {}}

    async def everyone() -> None:
        await asyncio.gather(
            *(_client(n, ports[n % len(ports)], path, form, pause, sink) for n in range(clients))
        )

    began = time.perf_counter()
    asyncio.run(everyone())
    return {"seconds": time.perf_counter() - began, **sink}


def _print_load(label: str, sent: int, result: dict, stored: str) -> None:
    latencies = result["latencies"]
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items()))
    print(
        f"{label:<34} {sent:>6} {sent / result['seconds']:>8.1f} "
        f"{statistics.median(latencies):>8.1f} {percentile(latencies, 0.95):>8.1f} "
        f"{max(latencies):>8.1f}  {stored} ({statuses})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="daphne workers for answering (production runs one per core; default 2)",
    )
    args = parser.parse_args()
    database = start_django(args.keep_db, prefix="survey-bench-")
    try:
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from scale_http import Server

        from cms.surveys.models import Response
        from forum.models import Consortium, Membership, Profile, Role, Town

        rng = random.Random(2026)  # noqa: S311 - reproducible test data, not secrets
        suffix = uuid.uuid4().hex[:6]
        town = Town.objects.create(
            name="Wittenberge", slug=f"w-{suffix}", state="BB", population=16_500
        )
        consortium = Consortium.objects.create(
            name="Bench-Verbund",
            slug=f"bv-{suffix}",
            lead_town=town,
            theme="Pendeln",
            start=date(2026, 1, 1),
            end=date(2027, 12, 31),
        )
        consortium.towns.add(town)
        member = get_user_model().objects.create(
            username=f"m-{suffix}", email=f"m-{suffix}@bench.example"
        )
        Profile.objects.create(user=member, display_name="Bench", town=town)
        Membership.objects.create(user=member, consortium=consortium, role=Role.MEMBER)
        began = time.perf_counter()
        small = build_survey(consortium, town, "Klein")
        large = build_survey(consortium, town, "Groß")
        fill(small, SMALL, rng)
        fill(large, LARGE, rng)
        print(f"Daten: {SMALL} und {LARGE} Antwortbögen in {time.perf_counter() - began:.1f} s")
        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load: statistics, and the visibility map that
            # lets the results count from the indexes alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

        client = Client()
        client.force_login(member)
        print()
        print(f"{'Seite':<22} {'Bögen':>7} {'Queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'kB':>8}")
        for label, suffix_url, streamed in [
            ("Ergebnisse", "ergebnisse/", False),
            ("CSV-Export", "export.csv", True),
        ]:
            for survey, count in ((small, SMALL), (large, LARGE)):
                url = f"/befragungen/{survey.pk}/{suffix_url}"
                times, queries, size = timed_get(client, url, args.repeat, streamed=streamed)
                print(
                    f"{label:<22} {count:>7} {queries:>8} {statistics.median(times):>8.1f} "
                    f"{percentile(times, 0.95):>8.1f} {size / 1024:>8.1f}"
                )

        if connection.vendor != "postgresql":
            print("\nAntworten unter Last: nur mit PostgreSQL (DATABASE_URL).")
            return 0
        redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11")
        secret = "bench-survey-" + uuid.uuid4().hex  # one key: the workers share the sessions
        servers = [
            Server(
                os.environ["DATABASE_URL"],
                redis_url,
                secret,
                SURVEY_ANSWERS_PER_NETWORK="1000000/h",
            )
            for _ in range(args.workers)
        ]
        lost = 0
        print()
        print(f"Antworten an {args.workers} daphne-Worker (Produktionseinstellungen):")
        print(
            f"{'Last':<34} {'Bögen':>6} {'Bögen/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'max ms':>8}  gespeichert"
        )
        try:
            path = large.get_public_url()
            data = form_data(large, rng)
            ports = [server.port for server in servers]
            for label, clients, pause in LOADS:
                before = Response.objects.filter(survey=large).count()
                result = answer_under_load(ports, path, data, clients=clients, pause=pause)
                stored = Response.objects.filter(survey=large).count() - before
                sent = clients * PER_CLIENT
                lost += abs(sent - stored)
                _print_load(label, sent, result, f"{stored} von {sent}")
            floor = floor_under_load(ports, clients=20)
            _print_load("Boden: Hallo Welt, 20 ohne Pause", 20 * PER_CLIENT, floor, "")
        finally:
            for server in servers:
                server.stop()
        return 0 if lost == 0 else 1
    finally:
        database.cleanup()


if __name__ == "__main__":
    sys.exit(main())
