"""Workshops of the cast's consortium in each state, and registering for them."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from forum.models import Role
from tests.factories import MembershipFactory, UserFactory
from workshops import services
from workshops.models import Workshop
from workshops.services import RegistrationDetails, WorkshopData

# The site address the workshop emails and calendars link to in these tests.
SITE = "https://akademie.example"


def workshop_data(town, *, days_ahead=30, capacity=10, seats_per_town=None, **extra):
    starts_at, ends_at = services.default_schedule(
        timezone.localdate() + timedelta(days=days_ahead)
    )
    values = {
        "host_town": town,
        "title": f"Transferwerkstatt in {town.name}",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "venue_name": "Rathaus, Großer Saal",
        "venue_address": "Marktplatz 1\n12345 Musterstadt",
        "capacity": capacity,
        "registration_deadline": starts_at - timedelta(days=7),
        "seats_per_town": seats_per_town,
    }
    values.update(extra)
    return WorkshopData(**values)


def host_town(cast):
    """The member's town hosts: its staff may prepare agenda and venue."""
    return cast.user("member").profile.town


def make_workshop(cast, status=Workshop.Status.OPEN, host=None, **kwargs):
    coach = cast.user("coach")
    if status == Workshop.Status.HELD:
        kwargs.setdefault("days_ahead", -10)
        starts_at, ends_at = services.default_schedule(
            timezone.localdate() + timedelta(days=kwargs.pop("days_ahead"))
        )
        kwargs.update(
            starts_at=starts_at,
            ends_at=ends_at,
            registration_deadline=starts_at - timedelta(days=7),
        )
    workshop = services.create_workshop(
        consortium=cast.consortium,
        actor=coach,
        data=workshop_data(host or host_town(cast), **kwargs),
    )
    path = {
        Workshop.Status.PLANNED: [],
        Workshop.Status.OPEN: [Workshop.Status.OPEN],
        Workshop.Status.CLOSED: [Workshop.Status.OPEN, Workshop.Status.CLOSED],
        Workshop.Status.HELD: [Workshop.Status.OPEN, Workshop.Status.CLOSED, Workshop.Status.HELD],
        Workshop.Status.CANCELLED: [Workshop.Status.CANCELLED],
    }[status]
    for step in path:
        workshop = services.set_status(workshop=workshop, actor=coach, status=step)
    return workshop


def plan_workshop(
    cast,
    *,
    day: date | None = None,
    status: str = Workshop.Status.OPEN,
    capacity: int = 10,
    announce_publicly: bool = False,
    title: str | None = None,
    deadline: datetime | None = None,
) -> Workshop:
    """A workshop of the cast's consortium from 13:00 on ``day`` to 14:00 the next day."""
    coach = cast.user("coach")
    town = cast.consortium.towns.order_by("name").first()
    starts_at, ends_at = services.default_schedule(day or timezone.localdate() + timedelta(days=30))
    workshop = services.create_workshop(
        consortium=cast.consortium,
        actor=coach,
        data=WorkshopData(
            host_town=town,
            title=title or f"Transferwerkstatt in {town.name}",
            starts_at=starts_at,
            ends_at=ends_at,
            venue_name="Rathaus, Großer Saal",
            venue_address="Marktplatz 1\n12345 Musterstadt",
            capacity=capacity,
            registration_deadline=deadline or starts_at - timedelta(days=7),
            announce_publicly=announce_publicly,
        ),
    )
    if status != Workshop.Status.PLANNED:
        workshop = services.set_status(workshop=workshop, actor=coach, status=Workshop.Status.OPEN)
    if status not in (Workshop.Status.PLANNED, Workshop.Status.OPEN):
        workshop = services.set_status(workshop=workshop, actor=coach, status=status)
    return workshop


def register(workshop, user, *, attending=True):
    return services.register(
        workshop=workshop, user=user, details=RegistrationDetails(attending=attending)
    )


def members_of_the_cast(cast, count, town=None):
    """``count`` new members of the cast's consortium from ``town`` (its first town by default)."""
    people = []
    for _index in range(count):
        user = UserFactory(profile__town=town or cast.consortium.towns.first())
        MembershipFactory(user=user, consortium=cast.consortium, role=Role.MEMBER)
        people.append(user)
    return people
