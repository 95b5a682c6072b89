"""Spaces: every consortium's closed space, and editing a space (which may change who reads it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from .. import events, notifications
from .. import rules as policy
from ..models import (
    Consortium,
    Space,
)
from ..signals import send_lesson_changed
from ..streams import space_stream, topic_stream


def create_consortium_space(*, consortium: Consortium) -> Space:
    """Every consortium has its closed space; idempotent for admin hooks and the seeder."""
    space, _created = Space.objects.get_or_create(
        consortium=consortium,
        defaults={
            "name": consortium.name,
            "slug": _free_space_slug(consortium.slug),
        },
    )
    return space


@transaction.atomic
def change_space(
    *,
    space: Space,
    actor: Any,
    name: str,
    slug: str,
    consortium: Consortium | None,
    description: str,
) -> Space:
    """Edit a space (academy admins, in the Wagtail admin).

    Giving it to another consortium, or making it closed or academy-wide, changes who reads
    it: everyone on its streams and on the streams of its topics re-checks their access."""
    if not policy.is_admin(actor):
        raise PermissionDenied
    current = Space.objects.select_for_update().get(pk=space.pk)
    moved = current.consortium_id != (consortium.pk if consortium else None)
    current.name, current.slug, current.consortium = name, slug, consortium
    current.description = description
    current.full_clean()
    current.save()
    if moved:
        notifications.counter.touch_recipients(
            Q(space=current) | Q(topic__space=current) | Q(post__topic__space=current)
        )
        payload = {"space_id": current.pk}
        events.publish(space_stream(current.pk), "access.changed", payload)
        for topic_id in current.topics.values_list("pk", flat=True).iterator():
            events.publish(topic_stream(topic_id), "access.changed", payload)
        # Copies of the lessons elsewhere (the peer finder's table) carry the space's
        # consortium: they follow now, or outsiders would still find a closed space's lessons.
        send_lesson_changed(*current.topics.filter(is_lesson=True))
    return current


def _free_space_slug(base: str) -> str:
    slug, number = base, 2
    while Space.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
