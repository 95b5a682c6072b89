"""Reads of the workshops app, filtered by the policy in ``workshops.rules``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from forum import rules as policy
from forum.models import Consortium, Town

from .models import IdeaCard, Registration, Workshop


def workshops_visible_to(user: Any) -> QuerySet[Workshop]:
    """The queryset side of ``workshops.see_workshop``; a test asserts the two agree."""
    workshops = Workshop.objects.select_related("consortium", "host_town")
    if policy.is_admin(user):
        return workshops
    return workshops.filter(consortium_id__in=list(policy.consortium_roles(user)))


def with_seat_counts(workshops: QuerySet[Workshop]) -> QuerySet[Workshop]:
    return workshops.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
        ),
        waitlist_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
        ),
    )


def workshop_for(consortium_slug: str, pk: int, user: Any) -> Workshop | None:
    """The workshop at ``/verbuende/<slug>/werkstaetten/<pk>/``, if ``user`` may see it."""
    return (
        with_seat_counts(workshops_visible_to(user))
        .select_related("discussion")
        .prefetch_related("agenda")
        .filter(consortium__slug=consortium_slug, pk=pk)
        .first()
    )


def consortium_workshops(consortium: Consortium, user: Any) -> QuerySet[Workshop]:
    return with_seat_counts(workshops_visible_to(user).filter(consortium=consortium))


# A seat or a place on the waiting list: those people are told when the workshop changes.
HOLDING_A_PLACE = (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)


def holding_a_place(workshop: Workshop) -> QuerySet[Registration]:
    return workshop.registrations.filter(status__in=HOLDING_A_PLACE)


def registration_of(workshop: Workshop, user: Any) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(workshop=workshop, user=user).first()


def waiting_position(registration: Registration) -> int | None:
    """The registration's place on the waiting list (1 for the next to move up), if it waits."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        workshop_id=registration.workshop_id, status=Registration.Status.WAITLISTED
    ).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def participants(workshop: Workshop) -> QuerySet[Registration]:
    """Everyone who answered, seat holders first, then the waiting list in its order."""
    order = {
        Registration.Status.CONFIRMED: 0,
        Registration.Status.WAITLISTED: 1,
        Registration.Status.DECLINED: 2,
    }
    rank = Case(
        *(When(status=status, then=Value(value)) for status, value in order.items()),
        output_field=IntegerField(),
    )
    return (
        workshop.registrations.select_related("user__profile__town", "town")
        .annotate(rank=rank)
        .order_by("rank", "queued_at", "pk")
    )


@dataclass(frozen=True)
class Rotation:
    hosted: list[tuple[Town, Any]]  # (town, date of its last workshop)
    not_yet: list[Town]
    next_host: Town | None


def rotation(consortium: Consortium) -> Rotation:
    """Which towns have hosted (held or planned), which not yet, and who is next: the first
    town that has not hosted, lead town last; when all have, the one that hosted longest ago."""
    towns = list(
        consortium.own_towns()
        .annotate(
            last_hosted=Max(
                "hosted_workshops__starts_at",
                filter=Q(hosted_workshops__consortium=consortium)
                & ~Q(hosted_workshops__status=Workshop.Status.CANCELLED),
            )
        )
        .order_by("name")
    )
    hosted = sorted(
        ((town, town.last_hosted) for town in towns if town.last_hosted), key=lambda t: t[1]
    )
    not_yet = sorted(
        (town for town in towns if not town.last_hosted),
        key=lambda town: (town.pk == consortium.lead_town_id, town.name),
    )
    if not_yet:
        return Rotation(hosted=hosted, not_yet=not_yet, next_host=not_yet[0])
    return Rotation(hosted=hosted, not_yet=[], next_host=hosted[0][0] if hosted else None)


def upcoming_for(user: Any, limit: int = 5) -> QuerySet[Workshop]:
    """The next workshops of the user's consortia, for the home page."""
    return (
        workshops_visible_to(user)
        .filter(ends_at__gte=timezone.now())
        .exclude(status=Workshop.Status.CANCELLED)
        .order_by("starts_at")[:limit]
    )


def upcoming_with_seats_for(user: Any, limit: int = 12) -> QuerySet[Workshop]:
    """The next workshops of the user's consortia with their seat counts, for the public
    "Transferwerkstätten" page, where members look for them."""
    return with_seat_counts(
        workshops_visible_to(user)
        .filter(ends_at__gte=timezone.now())
        .exclude(status=Workshop.Status.CANCELLED)
    ).order_by("starts_at")[:limit]


def public_announcements(limit: int = 10) -> QuerySet[Workshop]:
    """Upcoming workshops their coaches chose to announce publicly (title, town, date)."""
    return (
        Workshop.objects.filter(announce_publicly=True, ends_at__gte=timezone.now())
        .exclude(status=Workshop.Status.CANCELLED)
        .select_related("consortium", "host_town")
        .order_by("starts_at")[:limit]
    )


def registrations_of_user(user: Any) -> QuerySet[Registration]:
    """What goes into a person's calendar: their seats and waiting-list places in workshops
    they may still see."""
    return (
        Registration.objects.filter(
            user=user,
            status__in=HOLDING_A_PLACE,
            workshop__in=workshops_visible_to(user),
        )
        .select_related("workshop__host_town", "workshop__consortium")
        .prefetch_related(Prefetch("workshop__agenda"))
        .order_by("workshop__starts_at")
    )


def idea_groups(workshop: Workshop) -> list[tuple[str, list[IdeaCard]]]:
    """The board's cards by group, cards not yet grouped first, groups by name, cards oldest
    first (the model's ordering)."""
    groups: dict[str, list[IdeaCard]] = {}
    for card in workshop.ideas.select_related("author__profile__town"):
        card.workshop = workshop  # the policy asks about it for every card
        groups.setdefault(card.group, []).append(card)
    return list(groups.items())
