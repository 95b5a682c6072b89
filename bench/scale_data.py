"""The dataset of DESIGN.md's plan, written into PostgreSQL with COPY: 2,100 towns, 420 consortia
(five towns each), 25,000 people with profiles and memberships, one closed space per consortium
and the academy-wide one, and ``posts`` posts in topics of about 20 posts each (one topic holds
20,000, for the deepest page). A probe member gets 10,000 notifications, read positions in a third
of what they may read and a topic with 1,000 followers.

Rows are built from the models' own fields (``_meta``), so a new column with a default needs no
change here; text is German from a fixed vocabulary, the same for the same ``--seed``. Used by
``bench/scale.py``; product code writes through the services instead.
"""

from __future__ import annotations

import html
import random
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

TOWNS = 2100
CONSORTIA = 420
PEOPLE = 25000
POSTS_PER_TOPIC = 20
DEEP_TOPIC_POSTS = 20000
PROBE_NOTIFICATIONS = 10000
PROBE_FOLLOWERS = 1000
ACADEMY_SHARE = 0.2  # of the topics, in the academy-wide space
# The probe: an ordinary member of consortium 1 (who reads space 1 and the academy-wide one);
# the deep topic is topic 1, in space 1.
PROBE_ID = CONSORTIA * 5 + 1
COACH_ID = 1  # the coach of the probe's consortium (the first person of each consortium)
CORE_TEAM_ID = CONSORTIA + 1  # a core-team member of the probe's consortium
DEEP_TOPIC_ID = 1
PASSWORD = "!"  # unusable: bench sessions are made with force_login
STATES = ["BW", "BY", "BB", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"]
WORDS = [
    "Kleinstadt",
    "Co-Working",
    "Leerstand",
    "Rathaus",
    "Bürgerbefragung",
    "Pop-up",
    "Labor",
    "Ortskern",
    "Pendeln",
    "Homeoffice",
    "Arbeitsplatz",
    "Verwaltung",
    "Bürgermeisterin",
    "Aktionswoche",
    "Schnuppertag",
    "Förderung",
    "Breitband",
    "Zwischennutzung",
    "Innenstadt",
    "Einzelhandel",
    "Vereine",
    "Ehrenamt",
    "Jugend",
    "Senioren",
    "Mobilität",
    "Bahnhof",
    "Bus",
    "Fahrrad",
    "Markt",
    "Platz",
    "Veranstaltung",
    "Werkstatt",
    "Erfahrung",
    "Beteiligung",
    "Umfrage",
    "Ergebnis",
    "Netzwerk",
    "Partner",
    "Wirtschaftsförderung",
    "Digitalisierung",
    "Glasfaser",
    "Miete",
    "Laden",
    "Raum",
    "Konzept",
    "Idee",
    "Projekt",
    "Team",
    "Stadtrat",
    "Haushalt",
    "Zeitplan",
    "Flyer",
    "Presse",
    "Kooperation",
    "Region",
    "Landkreis",
    "Gemeinde",
    "Wohnen",
    "Familie",
    "Schule",
    "Kita",
    "Gastronomie",
    "Kultur",
    "Tourismus",
    "Handwerk",
    "Gründung",
    "Startup",
    "Büro",
    "Schreibtisch",
    "Kaffee",
    "Austausch",
    "Treffen",
    "Termin",
    "Abend",
    "Woche",
    "Monat",
    "Jahr",
    "gut",
    "schwierig",
    "erfolgreich",
    "gescheitert",
    "neu",
    "klein",
    "groß",
    "offen",
    "gemeinsam",
    "schnell",
    "langsam",
    "wir",
    "haben",
    "hatten",
    "sollten",
    "könnten",
    "wollen",
    "brauchen",
    "planen",
    "testen",
    "zeigen",
    "fragen",
    "lernen",
    "und",
    "oder",
    "aber",
    "mit",
    "ohne",
    "für",
    "gegen",
    "nach",
    "vor",
    "bei",
    "über",
    "unter",
    "zwischen",
    "im",
    "am",
    "vom",
    "zum",
    "zur",
]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _body(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(6, 18)) for _ in range(rng.randint(1, 5)))


class Copier:
    """COPY rows of a model into its table; missing fields take the model's defaults."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def rows(self, model: Any, rows: Iterable[dict[str, Any]]) -> int:
        fields = model._meta.concrete_fields
        columns = [field.column for field in fields]
        defaults = {
            field.attname: (field.get_default() if field.has_default() else None)
            for field in fields
        }
        table = model._meta.db_table
        count = 0
        quoted = ", ".join(f'"{column}"' for column in columns)
        with self.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                values = []
                for field in fields:
                    value = row.get(field.attname, row.get(field.name, defaults[field.attname]))
                    if value is None and field.primary_key:
                        raise ValueError(f"{table}: rows need explicit ids")
                    values.append(value)
                copy.write_row(values)
                count += 1
        return count

    def reset_sequence(self, model: Any) -> None:
        table = model._meta.db_table
        pk = model._meta.pk.column
        # Table and column names come from the models, not from input.
        self.cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "  # noqa: S608
            f'COALESCE((SELECT MAX("{pk}") FROM "{table}"), 1))'
        )


def build(cursor: Any, *, posts: int, seed: int = 2026, log=print) -> None:
    """Write the whole dataset into the (migrated, empty) database behind ``cursor``."""
    from django.contrib.auth import get_user_model

    from forum.models import (
        Consortium,
        Membership,
        Notification,
        Post,
        Profile,
        ReadState,
        Role,
        Space,
        Subscription,
        Topic,
        Town,
    )

    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    copier = Copier(cursor)
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    began = time.perf_counter()

    def step(label: str, count: int) -> None:
        log(f"  {label}: {count:,} ({time.perf_counter() - began:.0f} s)")

    # Towns and consortia of five towns each; the first town leads.
    copier.rows(
        Town,
        (
            {
                "id": index + 1,
                "name": f"Kleinstadt {index + 1}",
                "slug": f"kleinstadt-{index + 1}",
                "state": STATES[index % len(STATES)],
                "population": rng.randint(5000, 50000),
                "description": "",
            }
            for index in range(TOWNS)
        ),
    )
    step("Kleinstädte", TOWNS)
    copier.rows(
        Consortium,
        (
            {
                "id": index + 1,
                "name": f"Verbund {index + 1:03d}",
                "slug": f"verbund-{index + 1}",
                "theme": rng.choice(["Co-Working", "Leerstand", "Pendeln", "Beteiligung"]),
                "lead_town_id": index * 5 + 1,
                "start": date(2025, 1, 1),
                "end": date(2027, 12, 31),
                "description": "",
            }
            for index in range(CONSORTIA)
        ),
    )
    through = Consortium.towns.through
    copier.rows(
        through,
        (
            {"id": town, "consortium_id": (town - 1) // 5 + 1, "town_id": town}
            for town in range(1, TOWNS + 1)
        ),
    )
    step("Verbünde", CONSORTIA)

    # People: consortium (i % 420) + 1; per consortium one coach and two core-team members.
    User = get_user_model()
    copier.rows(
        User,
        (
            {
                "id": person,
                "password": PASSWORD,
                "username": f"person{person}",
                "email": f"person{person}@scale.example",
                "first_name": "",
                "last_name": "",
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
                "date_joined": now,
            }
            for person in range(1, PEOPLE + 1)
        ),
    )

    def consortium_of(person: int) -> int:
        return (person - 1) % CONSORTIA + 1

    def town_of(person: int) -> int:
        return (consortium_of(person) - 1) * 5 + (person // CONSORTIA) % 5 + 1

    copier.rows(
        Profile,
        (
            {
                "id": person,
                "user_id": person,
                "display_name": f"Person {person}",
                "town_id": town_of(person),
                "function": "",
                "bio": "",
            }
            for person in range(1, PEOPLE + 1)
        ),
    )

    def role_of(person: int) -> str:
        rank = (person - 1) // CONSORTIA
        return {0: Role.COACH, 1: Role.CORE_TEAM, 2: Role.CORE_TEAM}.get(rank, Role.MEMBER)

    copier.rows(
        Membership,
        (
            {
                "id": person,
                "user_id": person,
                "consortium_id": consortium_of(person),
                "role": role_of(person),
                "joined_at": now - timedelta(days=400),
            }
            for person in range(1, PEOPLE + 1)
        ),
    )
    step("Personen mit Profil und Mitgliedschaft", PEOPLE)

    # Spaces: 1..420 closed, 421 academy-wide (in place of the one the migrations create).
    academy_space = CONSORTIA + 1
    cursor.execute("DELETE FROM forum_space")
    copier.rows(
        Space,
        [
            *(
                {
                    "id": consortium,
                    "consortium_id": consortium,
                    "name": f"Verbund {consortium:03d}",
                    "slug": f"verbund-{consortium}",
                    "description": "",
                    "created_at": now - timedelta(days=400),
                }
                for consortium in range(1, CONSORTIA + 1)
            ),
            {
                "id": academy_space,
                "consortium_id": None,
                "name": "Forum für Erfahrungsaustausch",
                "slug": "erfahrungsaustausch",
                "description": "",
                "created_at": now - timedelta(days=400),
            },
        ],
    )

    # Topics: the deep one first, then topics of POSTS_PER_TOPIC posts.
    deep = min(DEEP_TOPIC_POSTS, posts // 2)
    rest = posts - deep
    topic_count = 1 + max(1, rest // POSTS_PER_TOPIC)
    topic_space: list[int] = [0] * (topic_count + 1)
    topic_rows = []
    for topic in range(1, topic_count + 1):
        space = (
            1
            if topic == DEEP_TOPIC_ID
            else (academy_space if rng.random() < ACADEMY_SHARE else rng.randint(1, CONSORTIA))
        )
        topic_space[topic] = space
        topic_rows.append(
            {
                "id": topic,
                "space_id": space,
                "title": _sentence(rng, rng.randint(3, 8)).rstrip("."),
                "author_id": _member_of(rng, space, academy_space),
                "created_at": now - timedelta(days=365),
                "last_activity_at": now - timedelta(days=365),
                "last_post_id": None,
                "reply_count": 0,
                "is_pinned": False,
                "is_locked": False,
                "is_lesson": topic % 50 == 0,
            }
        )
    copier.rows(Topic, topic_rows)
    step("Diskussionen", topic_count)

    def post_rows() -> Iterator[dict[str, Any]]:
        post_id = 0
        for topic in range(1, topic_count + 1):
            count = deep if topic == DEEP_TOPIC_ID else POSTS_PER_TOPIC
            if topic == topic_count:
                count = posts - post_id
            start = now - timedelta(days=365)
            for index in range(count):
                post_id += 1
                body = _body(rng)
                yield {
                    "id": post_id,
                    "topic_id": topic,
                    "author_id": _member_of(rng, topic_space[topic], academy_space),
                    "body": body,
                    "body_html": f"<p>{html.escape(body)}</p>",
                    "created_at": start + timedelta(minutes=index * 7 + topic % 1000),
                    "edited_at": None,
                    "deleted_at": None,
                    "hidden_at": None,
                    "hidden_by_id": None,
                    "hidden_reason": "",
                    "idempotency_key": None,
                }

    written = copier.rows(Post, post_rows())
    step("Beiträge", written)
    cursor.execute(
        """
        UPDATE forum_topic AS t SET last_post_id = p.last_id, reply_count = p.n - 1,
               last_activity_at = p.last_at
        FROM (SELECT topic_id, MAX(id) AS last_id, COUNT(*) AS n, MAX(created_at) AS last_at
              FROM forum_post GROUP BY topic_id) AS p
        WHERE p.topic_id = t.id
        """
    )
    step("Diskussionen aktualisiert", topic_count)

    probe = PROBE_ID
    readable = [t for t in range(1, topic_count + 1) if topic_space[t] in (1, academy_space)]
    copier.rows(
        ReadState,
        (
            {
                "id": index + 1,
                "topic_id": topic,
                "user_id": probe,
                "last_read_post_id": 0,
                "updated_at": now,
            }
            for index, topic in enumerate(readable[::3])
        ),
    )
    cursor.execute(
        """
        UPDATE forum_readstate AS r SET last_read_post_id = t.last_post_id
        FROM forum_topic AS t WHERE t.id = r.topic_id AND r.user_id = %s
        """,
        [probe],
    )
    # Everyone reads the academy-wide space: its first topic can have PROBE_FOLLOWERS followers
    # (a closed space has only its consortium's ~60 members).
    followed = next(t for t in range(2, topic_count + 1) if topic_space[t] == academy_space)
    followers = list(range(1, PROBE_FOLLOWERS + 1))
    copier.rows(
        Subscription,
        (
            {"id": index + 1, "topic_id": followed, "user_id": person, "created_at": now}
            for index, person in enumerate(followers)
        ),
    )
    copier.rows(
        Notification,
        (
            {
                "id": index + 1,
                "recipient_id": probe,
                "kind": "reply",
                "actor_id": 1,
                "consortium_id": None,
                "space_id": academy_space,
                "topic_id": readable[index % len(readable)],
                "post_id": None,
                "workshop_id": None,
                "title": "Antwort",
                "excerpt": "",
                "url": "/",
                "created_at": now - timedelta(minutes=index),
                "read_at": None if index % 10 == 0 else now,
                "emailed_at": None,
                "email_attempts": 0,
                "digested_at": now,
            }
            for index in range(PROBE_NOTIFICATIONS)
        ),
    )
    step("Probe: Lesestände, Folgende, Benachrichtigungen", PROBE_NOTIFICATIONS)
    for model in (User, Profile, Town, Consortium, through, Membership, Space, Topic, Post):
        copier.reset_sequence(model)
    for model in (ReadState, Subscription, Notification):
        copier.reset_sequence(model)
    # As autovacuum leaves a table in production: statistics and the visibility map, without
    # which no index-only scan pays off.
    cursor.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE", 0)


def _member_of(rng: random.Random, space: int, academy_space: int) -> int:
    """A person who may write in ``space``: one of its consortium, anyone academy-wide."""
    if space == academy_space:
        return rng.randint(1, PEOPLE)
    return space + CONSORTIA * rng.randint(0, PEOPLE // CONSORTIA - 1)
