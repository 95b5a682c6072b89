"""What moderators work with: open reports, the moderation log, where a topic may be moved."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from .. import rules as policy
from ..models import Consortium, ModerationLogEntry, Report, Role, Space, Topic


def open_reports(space: Space) -> QuerySet[Report]:
    return (
        Report.objects.filter(post__topic__space=space)
        .select_related(
            "post__topic",
            "post__author__profile__town",
            "reporter__profile__town",
            "handled_by__profile__town",
        )
        .prefetch_related(
            "post__author__memberships", "reporter__memberships", "handled_by__memberships"
        )
        .order_by(F("handled_at").asc(nulls_first=True), "-created_at")
    )


def moderation_log(consortium: Consortium | None) -> QuerySet[ModerationLogEntry]:
    return (
        ModerationLogEntry.objects.filter(consortium=consortium)
        .select_related("actor__profile__town", "space", "topic")
        .prefetch_related("actor__memberships")
    )


def move_targets(topic: Topic, moderator: Any) -> QuerySet[Space]:
    """Where a moderator may move a topic: its consortium's spaces, and the academy-wide ones
    for those who may move across (``forum.move_across_spaces``: not coaches).

    From an academy-wide space, core-team members may also move into their consortia's spaces.
    """
    targets = Q(consortium__isnull=True)
    if topic.space.consortium_id:
        targets = Q(consortium_id=topic.space.consortium_id)
        if policy.allowed(moderator, "forum.move_across_spaces", topic.space):
            targets |= Q(consortium__isnull=True)
    elif policy.is_admin(moderator):
        targets = Q()
    else:
        targets |= Q(
            consortium__memberships__user=moderator, consortium__memberships__role=Role.CORE_TEAM
        )
    return Space.objects.filter(targets).exclude(pk=topic.space_id).order_by("name")
