"""Consortia, their members and invitations, and profiles, as the viewer may see them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .. import rules as policy
from ..models import Consortium, Invitation, Membership, Phase, Role, Town


def consortia_visible_to(user: Any) -> QuerySet[Consortium]:
    """Consortia whose existence ``user`` may know: their own, or all for admins."""
    consortia = Consortium.objects.select_related("lead_town").order_by("name")
    if policy.is_admin(user):
        return consortia
    if user is None or not user.is_authenticated or not user.is_active:
        return consortia.none()
    return consortia.filter(memberships__user=user)


def consortia_managed_by(user: Any) -> QuerySet[Consortium]:
    """Consortia in which ``user`` may invite and remove members."""
    consortia = Consortium.objects.order_by("name")
    if policy.is_admin(user):
        return consortia
    if user is None or not user.is_authenticated or not user.is_active:
        return consortia.none()
    return consortia.filter(
        memberships__user=user, memberships__role__in=[Role.COACH, Role.CORE_TEAM]
    )


def consortium_for_overview(slug: str, user: Any) -> Consortium | None:
    """The consortium with towns and phases loaded, or ``None`` when ``user`` may not see it."""
    consortium = (
        consortia_visible_to(user)
        .prefetch_related(
            Prefetch("towns", queryset=Town.objects.order_by("name")),
            Prefetch("phases", queryset=Phase.objects.order_by("start")),
        )
        .filter(slug=slug)
        .first()
    )
    return consortium


def memberships_of(consortium: Consortium) -> QuerySet[Membership]:
    """Members of a consortium with profile and town, town staff grouped by town name."""
    return (
        Membership.objects.filter(consortium=consortium, user__is_active=True)
        .select_related("user__profile__town")
        .prefetch_related("user__memberships")
        .order_by("user__profile__town__name", "user__profile__display_name")
    )


def pending_invitations(consortium: Consortium) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            consortium=consortium,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("town", "invited_by__profile")
        .order_by("-sent_at")
    )


def profile_user_visible_to(user_id: int, viewer: Any) -> Any | None:
    """The user behind a profile page, or ``None`` if ``viewer`` shares no consortium with them."""
    User = get_user_model()
    other = User.objects.select_related("profile__town").filter(pk=user_id, is_active=True).first()
    if other is None or not policy.allowed(viewer, "forum.see_profile", other):
        return None
    return other
