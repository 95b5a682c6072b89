"""Demo content of the forum app: the community (``community.toml``: towns, consortia with their
phases, demo accounts) and the forum discussions (``discussions.toml``: tags, topics, replies,
helpful marks, one lesson). Decided here: how those data files become rows, and what makes a
second run write nothing.

Every object is looked up by a stable key (slug, email, or the natural unique key of the model)
and only written when it is missing or differs from the data. Passwords are set only when an
account is created. A topic whose title already exists in its space is skipped with its replies
and marks, so discussions people have continued stay as they are.

Posts, helpful marks and lessons go through the forum services in their authors' names. Towns,
consortia, phases, accounts, profiles and memberships are written directly: no service creates
them (``add_member`` needs a managing actor and announces the change to the consortium).

The orchestration (order of the apps, one transaction, the printed summary) is ``seed_demo`` in
the cms app; this module imports neither cms nor workshops.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils import timezone

from forum import selectors
from forum.models import (
    AreaType,
    Challenge,
    Consortium,
    HelpfulMark,
    Membership,
    Phase,
    Post,
    Profile,
    Role,
    Space,
    State,
    Tag,
    Topic,
    Town,
)
from forum.rules import EDITOR_GROUP
from forum.services import (
    create_consortium_space,
    create_topic,
    mark_read,
    post_reply,
    set_lesson,
    toggle_helpful,
)

Warn = Callable[[str], None]

_DATA = Path(__file__).parent
_COMMUNITY = tomllib.loads((_DATA / "community.toml").read_text(encoding="utf-8"))
_DISCUSSIONS = tomllib.loads((_DATA / "discussions.toml").read_text(encoding="utf-8"))

DEMO_PASSWORD: str = _COMMUNITY["accounts"]["password"]
EMAIL_DOMAIN: str = _COMMUNITY["accounts"]["email_domain"]
# The academy-wide space is created by migration forum/0004; closed spaces by the consortia.
ACADEMY_SPACE_SLUG = "erfahrungsaustausch"


def demo_email(local: str) -> str:
    """The address of the demo account named ``local`` in the data files."""
    return f"{local}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class TownData:
    slug: str
    name: str
    state: str
    population: int
    description: str
    area_type: str
    latitude: Decimal
    longitude: Decimal
    # Slugs of Handlungsfelder.
    challenges: tuple[str, ...]


@dataclass(frozen=True)
class ConsortiumData:
    slug: str
    name: str
    theme: str
    lead_town: str
    towns: tuple[str, ...]
    start: date
    end: date
    description: str
    phases: tuple[tuple[str, date, date], ...]


@dataclass(frozen=True)
class PersonData:
    first_name: str
    last_name: str
    # Local part of the email address (ASCII, umlauts transcribed).
    local: str
    description: str
    function: str
    bio: str
    town: str | None = None
    consortium: str | None = None
    role: str | None = None
    editor: bool = False
    admin: bool = False
    accepts_contact_requests: bool = False

    @property
    def email(self) -> str:
        return demo_email(self.local)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class PostData:
    # Local part of the author's email address (see PEOPLE).
    author: str
    body: str
    # Who marks the post as helpful (local parts); never the author.
    helpful: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicData:
    # Consortium slug of a closed space, or ACADEMY_SPACE_SLUG.
    space: str
    title: str
    tags: tuple[str, ...]
    opening: PostData
    replies: tuple[PostData, ...]
    # When the opening was written: a fixed local time, or (``None``) ``days_ago`` days before
    # the seeding at ``time_of_day``.
    at: datetime | None = None
    days_ago: int = 0
    time_of_day: time = time(18, 0)
    # Marked as "Erkenntnis" by its author.
    lesson: bool = False

    def opened_at(self) -> datetime:
        if self.at is not None:
            return timezone.make_aware(self.at)
        day = timezone.localdate() - timedelta(days=self.days_ago)
        return timezone.make_aware(datetime.combine(day, self.time_of_day))


# The k-th reply follows the post before it after REPLY_GAPS[k % len]: answers within hours, a
# day, a few days – the pace of a working forum; written between WORKDAY hours (an answer due at
# night waits for the next morning), never later than a minute ago.
REPLY_GAPS = (
    timedelta(hours=2, minutes=35),
    timedelta(hours=22, minutes=10),
    timedelta(hours=5, minutes=20),
    timedelta(days=2, hours=1, minutes=5),
    timedelta(hours=3, minutes=45),
)
WORKDAY = (time(7, 30), time(21, 30))
# The demo people have read the discussions older than this (up to their last post, a day after
# it); the recent ones are new to them.
READ_AFTER = timedelta(days=14)


def _reply_time(previous: datetime, number: int) -> datetime:
    at = timezone.localtime(previous + REPLY_GAPS[number % len(REPLY_GAPS)])
    if at.time() > WORKDAY[1]:
        at += timedelta(days=1)
    if not WORKDAY[0] <= at.time() <= WORKDAY[1]:
        at = at.replace(hour=8, minute=at.minute)
    return min(at, timezone.now() - timedelta(minutes=1))


def _town(row: dict[str, Any]) -> TownData:
    return TownData(
        **{
            **row,
            "state": State(row["state"]),
            "area_type": AreaType(row["area_type"]),
            "latitude": Decimal(row["latitude"]),
            "longitude": Decimal(row["longitude"]),
            "challenges": tuple(row["challenges"]),
        }
    )


def _consortium(row: dict[str, Any]) -> ConsortiumData:
    phases = tuple(
        (Phase.Kind(phase["kind"]), phase["start"], phase["end"]) for phase in row["phases"]
    )
    return ConsortiumData(**{**row, "towns": tuple(row["towns"]), "phases": phases})


def _person(row: dict[str, Any]) -> PersonData:
    role = row.get("role")
    return PersonData(**{**row, "role": Role(role) if role else None})


def _post(row: dict[str, Any]) -> PostData:
    return PostData(**{**row, "helpful": tuple(row.get("helpful", ()))})


def _topic(row: dict[str, Any]) -> TopicData:
    return TopicData(
        space=row["space"],
        title=row["title"],
        tags=tuple(row["tags"]),
        opening=_post(row["opening"]),
        replies=tuple(_post(reply) for reply in row["replies"]),
        at=row.get("at"),
        days_ago=row.get("days_ago", 0),
        time_of_day=row.get("time", time(18, 0)),
        lesson=row.get("lesson", False),
    )


TOWNS = [_town(row) for row in _COMMUNITY["town"]]
CONSORTIA = [_consortium(row) for row in _COMMUNITY["consortium"]]
PEOPLE = [_person(row) for row in _COMMUNITY["person"]]
FORUM_TAGS = list(_DISCUSSIONS["tags"].items())
FORUM_TOPICS = [_topic(row) for row in _DISCUSSIONS["topic"]]


# --------------------------------------------------------------------------------------------
# Community
# --------------------------------------------------------------------------------------------


def seed_community(*, created: Counter, updated: Counter) -> dict[str, Consortium]:
    """Towns, consortia with phases and closed spaces, the editors group and the demo accounts;
    count what was created in ``created`` and changed in ``updated``. Returns the consortia by
    slug."""
    towns = {data.slug: _seed_town(data, created, updated) for data in TOWNS}
    consortia = {data.slug: _seed_consortium(data, towns, created, updated) for data in CONSORTIA}
    editors = _editors_group(created)
    for person in PEOPLE:
        _seed_person(person, towns, consortia, editors, created, updated)
    return consortia


def _upsert(
    model: type[models.Model], lookup: dict, values: dict, created: Counter, updated: Counter
) -> Any:
    """Create ``model`` with ``lookup`` + ``values``, or bring an existing row in line.

    Unlike ``update_or_create``, nothing is written when the row already matches.
    """
    label = model._meta.label
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        created[label] += 1
        return obj
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save(update_fields=changed)
        updated[label] += 1
    return obj


def _seed_town(data: TownData, created: Counter, updated: Counter) -> Town:
    values = {
        "name": data.name,
        "state": data.state,
        "population": data.population,
        "description": data.description,
        "area_type": data.area_type,
        "latitude": data.latitude,
        "longitude": data.longitude,
    }
    is_new = not Town.objects.filter(slug=data.slug).exists()
    town = _upsert(Town, {"slug": data.slug}, values, created, updated)
    wanted = set(Challenge.objects.filter(slug__in=data.challenges).values_list("pk", flat=True))
    if set(town.challenges.values_list("pk", flat=True)) != wanted:
        town.challenges.set(wanted)
        if not is_new:
            updated[f"{Town._meta.label}.challenges"] += 1
    return town


def _seed_consortium(
    data: ConsortiumData, towns: dict[str, Town], created: Counter, updated: Counter
) -> Consortium:
    is_new = not Consortium.objects.filter(slug=data.slug).exists()
    values = {
        "name": data.name,
        "theme": data.theme,
        "lead_town": towns[data.lead_town],
        "start": data.start,
        "end": data.end,
        "description": data.description,
    }
    consortium = _upsert(Consortium, {"slug": data.slug}, values, created, updated)
    wanted = {towns[slug].pk for slug in data.towns}
    if set(consortium.towns.values_list("pk", flat=True)) != wanted:
        # A ParentalManyToManyField is only written to the database on save().
        consortium.towns.set([towns[slug] for slug in data.towns])
        consortium.save()
        if not is_new:
            updated[f"{Consortium._meta.label}.towns"] += 1
    for kind, start, end in data.phases:
        _upsert(
            Phase,
            {"consortium": consortium, "kind": kind},
            {"start": start, "end": end},
            created,
            updated,
        )
    create_consortium_space(consortium=consortium)
    return consortium


def _editors_group(created: Counter) -> Group:
    # Wagtail's migrations create "Editors" with admin access; only a group this loader had to
    # create itself gets the permission, so an existing group's settings are left alone.
    group, is_new = Group.objects.get_or_create(name=EDITOR_GROUP)
    if is_new:
        created[Group._meta.label] += 1
        access_admin = Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
        group.permissions.add(access_admin)
    return group


def _seed_person(
    person: PersonData,
    towns: dict[str, Town],
    consortia: dict[str, Consortium],
    editors: Group,
    created: Counter,
    updated: Counter,
) -> None:
    User = get_user_model()
    flags = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "is_staff": person.admin,
        "is_superuser": person.admin,
    }
    user = User.objects.filter(email__iexact=person.email).first()
    if user is None:
        user = User(username=_free_username(person.local), email=person.email, **flags)
        user.set_password(DEMO_PASSWORD)
        user.save()
        created[User._meta.label] += 1
    else:
        # Never reset the password of an existing account; only keep its role flags in line.
        changed = [field for field, value in flags.items() if getattr(user, field) != value]
        if changed:
            for field in changed:
                setattr(user, field, flags[field])
            user.save(update_fields=changed)
            updated[User._meta.label] += 1

    _upsert(
        EmailAddress,
        {"user": user, "email": person.email},
        {"verified": True, "primary": True},
        created,
        updated,
    )
    profile = {
        "display_name": person.display_name,
        "town": towns[person.town] if person.town else None,
        "function": person.function,
        "bio": person.bio,
        "accepts_contact_requests": person.accepts_contact_requests,
    }
    _upsert(Profile, {"user": user}, profile, created, updated)
    if person.consortium:
        _upsert(
            Membership,
            {"user": user, "consortium": consortia[person.consortium]},
            {"role": person.role},
            created,
            updated,
        )
    if person.editor and not user.groups.filter(pk=editors.pk).exists():
        user.groups.add(editors)
        updated[f"{Group._meta.label}.members"] += 1


def _free_username(base: str) -> str:
    User = get_user_model()
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


# --------------------------------------------------------------------------------------------
# Discussions
# --------------------------------------------------------------------------------------------


def seed_discussions(*, consortia: dict[str, Consortium], created: Counter, warn: Warn) -> None:
    """Tags and the demo discussions, written through the forum services by their authors.

    Expects the community of ``seed_community`` (``consortia`` as it returned them).
    """
    tags = {}
    for slug, name in FORUM_TAGS:
        tags[slug], is_new = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        if is_new:
            created[Tag._meta.label] += 1

    spaces = {slug: create_consortium_space(consortium=c) for slug, c in consortia.items()}
    academy = Space.objects.filter(slug=ACADEMY_SPACE_SLUG, consortium__isnull=True).first()
    if academy is None:
        warn(
            f"No academy-wide space „{ACADEMY_SPACE_SLUG}“ (forum migration 0004?): "
            "its demo discussions are skipped."
        )
    else:
        spaces[ACADEMY_SPACE_SLUG] = academy

    # Fresh user objects: the role cache of forum.rules must see the memberships seeded before.
    User = get_user_model()
    emails = {person.email: person.local for person in PEOPLE}
    people = {
        emails[user.email.lower()]: user for user in User.objects.filter(email__in=list(emails))
    }

    for data in FORUM_TOPICS:
        space = spaces.get(data.space)
        if space is None or Topic.objects.filter(space=space, title=data.title).exists():
            continue
        _seed_topic(data, space, [tags[slug] for slug in data.tags], people, created)


def _seed_topic(
    data: TopicData, space: Space, tags: list[Tag], people: dict[str, Any], created: Counter
) -> None:
    author = people[data.opening.author]
    at = data.opened_at()
    topic = create_topic(
        space=space, author=author, title=data.title, body=data.opening.body, tags=tags, at=at
    )
    created[Topic._meta.label] += 1
    posts = [(topic.posts.get(), data.opening)]
    for number, reply in enumerate(data.replies):
        at = _reply_time(at, number)
        post = post_reply(topic=topic, author=people[reply.author], body=reply.body, at=at)
        posts.append((post, reply))
    created[Post._meta.label] += len(posts)
    for post, post_data in posts:
        for local in post_data.helpful:
            toggle_helpful(post=post, user=people[local])
            created[HelpfulMark._meta.label] += 1
    if data.lesson:
        set_lesson(topic=topic, user=author, value=True)


def read_demo_history() -> None:
    """The demo people have read what their spaces discussed before READ_AFTER, as people using
    the forum would have; run after every app's demo content (case and workshop discussions
    too). Read positions only move forward: people's own reading is kept."""
    now = timezone.now()
    people = list(get_user_model().objects.filter(email__in=[p.email for p in PEOPLE]))
    topics = Topic.objects.filter(last_activity_at__lt=now - READ_AFTER, last_post__isnull=False)
    for topic in topics.select_related("space"):
        readers = selectors.readers_of(topic.space).filter(pk__in=[p.pk for p in people])
        read_at = min(topic.last_activity_at + timedelta(days=1), now)
        for user in readers:
            mark_read(topic=topic, user=user, up_to_post_id=topic.last_post_id, at=read_at)
