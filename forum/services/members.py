"""Members: profiles, and memberships added, changed or removed (on the site and in the
admin), with what follows when a membership begins or ends: rights derived anew, the
moderation log, subscriptions, and the person's open sockets re-checking their access."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import events, notifications
from .. import rules as policy
from ..models import (
    Consortium,
    Membership,
    ModerationLogEntry,
    Profile,
    Role,
    Subscription,
    display_name,
)
from ..signals import membership_changed
from ..streams import personal_stream
from .realtime import check_realtime_sessions


def require_manager(actor: Any, consortium: Consortium) -> None:
    """Who may invite, add, change and remove the members of a consortium: with MFA only."""
    if not policy.allowed(actor, "forum.manage_members", consortium):
        raise PermissionDenied
    if not policy.has_mfa(actor):
        raise PermissionDenied(_("Zum Einladen ist die Zwei-Faktor-Anmeldung nötig."))


@transaction.atomic
def update_profile(
    *,
    user: Any,
    display_name: str,
    function: str,
    bio: str,
    accepts_contact_requests: bool | None = None,
) -> Profile:
    """People edit their own profile; the town is set by the invitation or by an admin.
    ``accepts_contact_requests`` (the consent to be named a case page's contact person) is
    left as it is when not given."""
    profile, _created = Profile.objects.select_for_update().get_or_create(
        user=user, defaults={"display_name": display_name}
    )
    profile.display_name = display_name.strip()
    profile.function = function.strip()
    profile.bio = bio.strip()
    if accepts_contact_requests is not None:
        profile.accepts_contact_requests = accepts_contact_requests
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def remove_member(*, membership: Membership, actor: Any) -> None:
    """Remove a member (on the site and in the admin); what they wrote stays, their access
    ends with this commit."""
    require_manager(actor, membership.consortium)
    if membership.user_id == actor.pk:
        raise ValidationError(_("Sie können sich nicht selbst aus dem Verbund entfernen."))
    _require_role_holder(actor, membership)
    membership.delete()
    _membership_ended(user=membership.user, consortium=membership.consortium, actor=actor)


@transaction.atomic
def add_member(*, user: Any, consortium: Consortium, role: str, actor: Any) -> Membership:
    """Add a person directly, without an invitation (academy admins in the Wagtail admin)."""
    _require_role_grant(actor, consortium, role)
    if Membership.objects.filter(user=user, consortium=consortium).exists():
        raise ValidationError({"user": _("Diese Person ist bereits Mitglied des Verbunds.")})
    membership = Membership.objects.create(user=user, consortium=consortium, role=role)
    membership_began(membership)
    return membership


@transaction.atomic
def change_membership(
    *, membership: Membership, user: Any, consortium: Consortium, role: str, actor: Any
) -> Membership:
    """Change a membership's person, consortium or role (the Wagtail admin).

    Handing it to another person or moving it to another consortium ends it for the previous
    holder or consortium exactly as a removal does, and begins it for the new one."""
    current = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "consortium")
        .get(pk=membership.pk)
    )
    require_manager(actor, current.consortium)
    _require_role_holder(actor, current)
    _require_role_grant(actor, consortium, role)
    previous_user, previous_consortium = current.user, current.consortium
    moved = (previous_user.pk, previous_consortium.pk) != (user.pk, consortium.pk)
    if moved and Membership.objects.filter(user=user, consortium=consortium).exists():
        raise ValidationError({"user": _("Diese Person ist bereits Mitglied des Verbunds.")})
    current.user, current.consortium, current.role = user, consortium, role
    current.save(update_fields=["user", "consortium", "role"])
    if moved:
        _membership_ended(user=previous_user, consortium=previous_consortium, actor=actor)
    membership_began(current)
    return current


def _require_role_holder(actor: Any, membership: Membership) -> None:
    """Only who may grant a role may take it away (coaches do not remove the core team)."""
    if membership.role != Role.MEMBER and membership.role not in policy.roles_assignable_by(
        actor, membership.consortium
    ):
        raise PermissionDenied


def _require_role_grant(actor: Any, consortium: Consortium, role: str) -> None:
    require_manager(actor, consortium)
    if role not in policy.roles_assignable_by(actor, consortium):
        raise ValidationError({"role": _("Diese Rolle dürfen Sie nicht vergeben.")})


def membership_began(membership: Membership) -> None:
    """A membership began (added, changed, or an invitation accepted) or its role changed:
    rights are derived anew, the bell counts again, open streams re-check."""
    policy.forget_consortium_roles(membership.user)
    notifications.counter.touch([membership.user_id])
    membership_changed.send(sender=Membership, consortium=membership.consortium)
    events.publish(
        personal_stream(membership.user_id),
        "access.changed",
        {"consortium_id": membership.consortium_id},
    )


def _membership_ended(*, user: Any, consortium: Consortium, actor: Any) -> None:
    """What ends with a membership, however it ends: it is logged, the person no longer
    follows the consortium's topics, rights are derived anew, and the person's open streams
    re-check their access at once (``access.changed``)."""
    ModerationLogEntry.objects.create(
        consortium=consortium,
        actor=actor,
        action=ModerationLogEntry.Action.REMOVE_MEMBER,
        subject=display_name(user),
    )
    policy.forget_consortium_roles(user)
    notifications.counter.touch([user.pk])
    membership_changed.send(sender=Membership, consortium=consortium)
    Subscription.objects.filter(user=user, topic__space__consortium=consortium).delete()
    events.publish(personal_stream(user.pk), "access.changed", {"consortium_id": consortium.pk})


def account_edited(*, user_ids: Iterable[int], keep: str | None = None) -> None:
    """Accounts changed in the admin (deactivated, admin rights, groups, password): their bells
    count again and their sockets re-validate. ``keep``: the session that made the change, when
    it edited a single account."""
    user_ids = list(user_ids)
    notifications.counter.touch(user_ids)
    for user_id in user_ids:
        check_realtime_sessions(user_id=user_id, keep=keep)
