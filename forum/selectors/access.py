"""Who may read and who moderates which spaces, as query conditions other selectors (and the
peer finder's table) filter with."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from .. import rules as policy
from ..models import Membership, Role, Space

# A condition true for every row that, unlike ``Q()``, keeps its meaning when OR-ed with
# others (``Q(a) | Q()`` is just ``Q(a)``: an admin would lose everything but ``a``).
EVERYTHING = ~Q(pk__in=[])


def readable_spaces_q(user: Any, prefix: str = "") -> Q:
    """The filter for spaces ``user`` may read, as a membership semi-join (never a list of ids).

    ``prefix`` is the path from the queried model to ``Space`` (``"space__"`` for topics).
    Mirrors ``forum.rules.can_read_space``; a test asserts the two agree.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if policy.is_admin(user):
        return EVERYTHING
    # A semi-join per row (EXISTS) rather than joining all memberships of every consortium
    # and filtering them afterwards.
    readable = Q(
        Exists(
            Membership.objects.filter(user=user, consortium_id=OuterRef(f"{prefix}consortium_id"))
        )
    )
    if policy.is_signed_in_member(user) or policy.is_editor(user):
        readable |= Q(**{f"{prefix}consortium__isnull": True})
    return readable


def readers_of(space: Space) -> QuerySet[Any]:
    """Everyone who may read ``space``: the queryset side of ``forum.rules.can_read_space``
    (a test asserts the two agree), for fan-outs that must not ask person by person."""
    readers = Q(is_superuser=True)
    if space.is_academy_wide:
        readers |= Q(memberships__isnull=False) | Q(groups__name=policy.EDITOR_GROUP)
    else:
        readers |= Q(memberships__consortium_id=space.consortium_id)
    return get_user_model().objects.filter(readers, is_active=True).distinct()


def editors_and_admins() -> QuerySet[Any]:
    """Active editors and admins: the queryset side of ``forum.rules.is_editor | is_admin``
    (a test asserts the two agree), e.g. for who handles reports of barriers."""
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=policy.EDITOR_GROUP), is_active=True)
        .distinct()
    )


def moderated_spaces_q(user: Any, prefix: str = "") -> Q:
    """The filter for spaces ``user`` moderates: the queryset side of
    ``forum.rules.can_moderate_space`` (a test asserts the two agree)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if policy.is_admin(user):
        return EVERYTHING
    moderated = Q(**{f"{prefix}consortium_id__in": policy.guided_consortium_ids(user)})
    if policy.is_core_team_anywhere(user):
        moderated |= Q(**{f"{prefix}consortium__isnull": True})
    return moderated


def moderators_of(space: Space) -> QuerySet[Any]:
    """Everyone who moderates ``space``: the user side of ``can_moderate_space``."""
    moderators = Q(is_superuser=True)
    if space.is_academy_wide:
        moderators |= Q(memberships__role=Role.CORE_TEAM)
    else:
        moderators |= Q(
            memberships__consortium_id=space.consortium_id,
            memberships__role__in=[Role.COACH, Role.CORE_TEAM],
        )
    return get_user_model().objects.filter(moderators, is_active=True).distinct()
