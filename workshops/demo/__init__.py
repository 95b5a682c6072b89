"""Demo content of the workshops app: the five Transferwerkstätten of "StadtLabor Kleinstadt"
(``workshops.toml``). Decided here: how the data becomes workshops, their dates, and what a second
run leaves alone.

The held workshops keep the dates of the data file. The upcoming one (``upcoming = true``) is
scheduled on a Thursday about four weeks after the seed date (never in the Christmas holidays),
with registration open for two weeks from the seed date, so a demo member (anna.berger,
deliberately not registered) can sign up.

Everything is written through ``workshops.services`` in the name of the consortium's coach or core
team, with one exception: registrations for workshops in the past. ``services.register`` only
accepts them while registration is open (status "open" and before the deadline), which a workshop
in the past never is; those rows are written directly as demo history (see ``_write_history``).

``seed_workshops_demo`` is idempotent: a workshop is identified by consortium, host town and title,
and one that exists is left as it is (with all its registrations, agenda and documentation), so a
second run creates nothing. The only exception keeps an old demo database usable: when the upcoming
workshop is still open but its registration deadline has passed, it is moved ahead again.
"""

from __future__ import annotations

import logging
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from forum.demo import demo_email
from forum.models import Consortium, Post, Topic, Town

from .. import services
from ..models import AGENDA_TEMPLATE, AgendaItem, IdeaCard, Registration, RoadmapItem, Workshop
from ..services import AgendaEntry, RegistrationDetails, RoadmapEntry, WorkshopData

logger = logging.getLogger(__name__)

CONSORTIUM_SLUG = "stadtlabor-kleinstadt"
# The upcoming workshop starts on the first Thursday at least this many days after the seed
# date, outside the Christmas holidays; its registration closes at the end of the day
# UPCOMING_REGISTRATION_DAYS after the seed date. The held ones closed two weeks before the start.
UPCOMING_DAYS_AHEAD = 28
UPCOMING_REGISTRATION_DAYS = 14
THURSDAY = 3
REGISTRATION_CLOSES_BEFORE = timedelta(days=14)
# Demo history along each workshop's date: planned (its discussion opened) six weeks ahead, before
# the first registrations, idea cards written in the second morning's work session, the protocol
# a few days afterwards.
PLANNED_BEFORE = timedelta(weeks=6)
IDEAS_BEFORE_END = timedelta(hours=4, minutes=30)
PROTOCOL_AFTER = timedelta(days=4, hours=2)


@dataclass(frozen=True)
class Attendee:
    # Local part of the demo account's email address (see forum.demo.PEOPLE).
    local: str
    overnight: bool = False
    arrival: str = Registration.Arrival.TRAIN
    dietary: str = ""
    remarks: str = ""
    # False: answered "no" (declined).
    attending: bool = True
    # Held workshops only: registered, but did not come.
    present: bool = True


@dataclass(frozen=True)
class DemoWorkshop:
    town: str  # slug of the host town
    title: str
    # None: the upcoming workshop, about four weeks after the seed date (``upcoming_day``).
    day: date | None
    created_by: str
    venue_name: str
    venue_address: str
    directions: str
    description: str
    # Overrides of the 24-hour template, by kind: (title, speaker, description).
    agenda: dict[str, tuple[str, str, str]]
    attendees: tuple[Attendee, ...]
    protocol: str = ""
    roadmap: tuple[RoadmapEntry, ...] = ()
    # Cards of the idea board: (author, group, text).
    ideas: tuple[tuple[str, str, str], ...] = ()
    capacity: int = 20
    seats_per_town: int | None = 4
    announce_publicly: bool = False

    @property
    def is_upcoming(self) -> bool:
        return self.day is None


def _attendee(row: dict[str, Any]) -> Attendee:
    return Attendee(**{**row, "arrival": Registration.Arrival(row.get("arrival", "train"))})


def _roadmap_entry(row: dict[str, Any]) -> RoadmapEntry:
    return RoadmapEntry(row["what"], row["who"], row.get("due"), RoadmapItem.Status(row["status"]))


def _workshop(row: dict[str, Any]) -> DemoWorkshop:
    fields = {key: value for key, value in row.items() if key != "upcoming"}
    agenda = {
        AgendaItem.Kind(kind): (item["title"], item.get("speaker", ""), item.get("description", ""))
        for kind, item in row["agenda"].items()
    }
    return DemoWorkshop(
        **{
            **fields,
            "day": row.get("day"),
            "agenda": agenda,
            "attendees": tuple(_attendee(attendee) for attendee in row["attendees"]),
            "roadmap": tuple(_roadmap_entry(entry) for entry in row.get("roadmap", ())),
            "ideas": tuple(
                (idea["author"], idea.get("group", ""), idea["text"])
                for idea in row.get("ideas", ())
            ),
        }
    )


_DATA = tomllib.loads((Path(__file__).parent / "workshops.toml").read_text(encoding="utf-8"))
WORKSHOPS = [_workshop(row) for row in _DATA["workshop"]]

# --------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------


def seed_workshops_demo(*, created: Counter, updated: Counter) -> None:
    """Create the demo workshops that are missing; count what was created in ``created`` and
    changed in ``updated``. Expects the towns, consortium and accounts of ``forum.demo``."""
    consortium = Consortium.objects.filter(slug=CONSORTIUM_SLUG).first()
    if consortium is None:
        logger.warning("No consortium „%s“: demo workshops skipped.", CONSORTIUM_SLUG)
        return
    towns = {town.slug: town for town in consortium.towns.all()}
    for data in WORKSHOPS:
        town = towns.get(data.town)
        if town is None:
            logger.warning("Town „%s“ is not in the consortium: workshop skipped.", data.town)
            continue
        existing = Workshop.objects.filter(
            consortium=consortium, host_town=town, title=data.title
        ).first()
        if existing is not None:
            if data.is_upcoming:
                _keep_ahead(existing, updated)
            continue
        _seed_workshop(consortium, town, data, created)


def _demo_user(local: str) -> Any:
    # A fresh object each time: the role cache of forum.rules must see current memberships.
    return get_user_model().objects.select_related("profile").get(email__iexact=demo_email(local))


def upcoming_day(today: date | None = None) -> date:
    """A Thursday (the held workshops met Thursday to Friday) about four weeks ahead."""
    day = _next_thursday((today or timezone.localdate()) + timedelta(days=UPCOMING_DAYS_AHEAD))
    if (day.month, day.day) >= (12, 20):
        day = _next_thursday(date(day.year + 1, 1, 7))
    elif (day.month, day.day) <= (1, 6):
        day = _next_thursday(date(day.year, 1, 7))
    return day


def _next_thursday(day: date) -> date:
    return day + timedelta(days=(THURSDAY - day.weekday()) % 7)


def upcoming_schedule(today: date | None = None) -> tuple[datetime, datetime, datetime]:
    """Start, end and registration deadline of the upcoming demo workshop."""
    today = today or timezone.localdate()
    starts_at, ends_at = services.default_schedule(upcoming_day(today))
    deadline = datetime.combine(
        today + timedelta(days=UPCOMING_REGISTRATION_DAYS),
        time(23, 59),
        tzinfo=timezone.get_default_timezone(),
    )
    return starts_at, ends_at, deadline


def _schedule(data: DemoWorkshop) -> tuple[datetime, datetime, datetime]:
    if data.day is None:
        return upcoming_schedule()
    starts_at, ends_at = services.default_schedule(data.day)
    return starts_at, ends_at, starts_at - REGISTRATION_CLOSES_BEFORE


def _agenda(data: DemoWorkshop) -> list[AgendaEntry]:
    entries = []
    for day, start, kind, title in AGENDA_TEMPLATE:
        title, speaker, description = data.agenda.get(kind, (str(title), "", ""))
        entries.append(AgendaEntry(day, start, title, kind, speaker, description))
    return entries


def _seed_workshop(consortium: Consortium, town: Town, data: DemoWorkshop, created: Counter):
    actor = _demo_user(data.created_by)
    starts_at, ends_at, deadline = _schedule(data)
    planned_at = min(starts_at - PLANNED_BEFORE, timezone.now() - timedelta(days=3))
    workshop = services.create_workshop(
        consortium=consortium,
        actor=actor,
        data=WorkshopData(
            host_town=town,
            title=data.title,
            starts_at=starts_at,
            ends_at=ends_at,
            venue_name=data.venue_name,
            venue_address=data.venue_address,
            directions=data.directions,
            description=data.description,
            capacity=data.capacity,
            registration_deadline=deadline,
            seats_per_town=data.seats_per_town,
            announce_publicly=data.announce_publicly,
        ),
        at=planned_at,
    )
    created[Workshop._meta.label] += 1
    # create_workshop opens the discussion topic with one post by the creator.
    created[Topic._meta.label] += 1
    created[Post._meta.label] += 1

    agenda = _agenda(data)
    services.save_agenda(workshop=workshop, actor=actor, entries=agenda)
    created[AgendaItem._meta.label] += len(agenda)

    workshop = services.set_status(workshop=workshop, actor=actor, status=Workshop.Status.OPEN)
    if data.is_upcoming:
        for attendee in data.attendees:
            services.register(
                workshop=workshop,
                user=_demo_user(attendee.local),
                details=RegistrationDetails(
                    attending=attendee.attending,
                    needs_overnight_stay=attendee.overnight,
                    dietary_needs=attendee.dietary,
                    arrival=attendee.arrival,
                    remarks=attendee.remarks,
                ),
            )
        created[Registration._meta.label] += len(data.attendees)
        return

    workshop = services.set_status(workshop=workshop, actor=actor, status=Workshop.Status.CLOSED)
    present = _write_history(workshop, data)
    created[Registration._meta.label] += len(data.attendees)
    workshop = services.set_status(workshop=workshop, actor=actor, status=Workshop.Status.HELD)
    services.record_attendance(workshop=workshop, actor=actor, present_user_ids=present)
    services.save_protocol(
        workshop=workshop, actor=actor, protocol=data.protocol, at=ends_at + PROTOCOL_AFTER
    )
    services.save_roadmap(workshop=workshop, actor=actor, entries=list(data.roadmap))
    created[RoadmapItem._meta.label] += len(data.roadmap)
    # The idea wall fills during the work session of the second morning.
    for number, (local, group, text) in enumerate(data.ideas):
        services.add_idea(
            workshop=workshop,
            actor=_demo_user(local),
            text=text,
            group=group,
            at=ends_at - IDEAS_BEFORE_END + timedelta(minutes=4 * number),
        )
    created[IdeaCard._meta.label] += len(data.ideas)


def _write_history(workshop: Workshop, data: DemoWorkshop) -> set[int]:
    """Registrations of a workshop in the past, written directly as demo history.

    There is no service path for them: ``services.register`` refuses once the deadline has
    passed, and the demo's past workshops were planned with dates in the past. The rows look like
    those of the service: the seat counts for the person's town, answered in the weeks before the
    deadline. Returns the ids of the people who came (for ``services.record_attendance``).
    """
    present = set()
    first_answer = workshop.registration_deadline - timedelta(days=21)
    rows = []
    for number, attendee in enumerate(data.attendees):
        user = _demo_user(attendee.local)
        answered = first_answer + timedelta(days=2 * number, hours=3 * number)
        rows.append(
            Registration(
                workshop=workshop,
                user=user,
                town_id=user.profile.town_id,
                status=(
                    Registration.Status.CONFIRMED
                    if attendee.attending
                    else Registration.Status.DECLINED
                ),
                needs_overnight_stay=attendee.overnight and attendee.attending,
                dietary_needs=attendee.dietary if attendee.attending else "",
                arrival=attendee.arrival,
                remarks=attendee.remarks,
                queued_at=answered,
                updated_at=answered,
            )
        )
        if attendee.attending and attendee.present:
            present.add(user.pk)
    Registration.objects.bulk_create(rows)
    return present


def _keep_ahead(workshop: Workshop, updated: Counter) -> None:
    """An old demo database: once the upcoming workshop's registration deadline has passed
    while it is still open, move it ahead again so that demo members can still sign up."""
    if workshop.status != Workshop.Status.OPEN or timezone.now() <= workshop.registration_deadline:
        return
    starts_at, ends_at, deadline = upcoming_schedule()
    fields = {field: getattr(workshop, field) for field in WorkshopData.__dataclass_fields__}
    fields.update(starts_at=starts_at, ends_at=ends_at, registration_deadline=deadline)
    actor = _demo_user(next(d.created_by for d in WORKSHOPS if d.is_upcoming))
    services.update_workshop(workshop=workshop, actor=actor, data=WorkshopData(**fields))
    updated[Workshop._meta.label] += 1
