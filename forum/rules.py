"""The access policy: every permission question in the platform is answered here.

Predicates are small and safe for anonymous users and ``None``. Membership roles of a user are
loaded once per user object, so a page asking several questions costs one query.
Named permissions (``forum.*``) compose the predicates; views, selectors, consumers, services and
templates all ask these, never the models directly.
"""

from __future__ import annotations

from typing import Any

import rules
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, QuerySet

from .models import (
    Attachment,
    Consortium,
    ContactBlock,
    Post,
    Role,
    ShareConsent,
    ShareProposal,
    Space,
    Topic,
)

EDITOR_GROUP = "Editors"


def consortium_roles(user: Any) -> dict[int, str]:
    """Map consortium id → role for ``user``; cached on the user object for the request.

    Memberships prefetched with the user (``Prefetch("author__memberships")``) are used as
    they are, so asking about every author of a page costs no query per author."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_consortium_roles", None)
    if cached is None:
        if "memberships" in getattr(user, "_prefetched_objects_cache", {}):
            cached = {m.consortium_id: m.role for m in user.memberships.all()}
        else:
            cached = dict(user.memberships.values_list("consortium_id", "role"))
        user._consortium_roles = cached
    return cached


def forget_consortium_roles(user: Any) -> None:
    """Drop the cached roles after a membership of ``user`` changed."""
    if user is not None and hasattr(user, "_consortium_roles"):
        del user._consortium_roles


def guided_consortium_ids(user: Any) -> list[int]:
    """The consortia ``user`` guides as coach or core team."""
    return [
        cid for cid, role in consortium_roles(user).items() if role in (Role.COACH, Role.CORE_TEAM)
    ]


def _consortium_id(obj: Any) -> int | None:
    if isinstance(obj, Consortium):
        return obj.pk
    consortium_id = getattr(obj, "consortium_id", None)
    return consortium_id if isinstance(consortium_id, int) else None


@rules.predicate
def is_admin(user: Any) -> bool:
    return bool(user is not None and user.is_active and user.is_superuser)


def with_editor_flag(users: QuerySet) -> QuerySet:
    """``users`` with the answer ``is_editor`` would look up one query per person: for asking
    the policy about many people at once."""
    editor = Group.objects.filter(user=OuterRef("pk"), name=EDITOR_GROUP)
    return users.annotate(_is_editor=Exists(editor))


@rules.predicate
def is_editor(user: Any) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_is_editor", None)
    if cached is None:
        cached = user._is_editor = user.groups.filter(name=EDITOR_GROUP).exists()
    return cached


@rules.predicate
def is_active_account(user: Any, account: Any) -> bool:
    """Deactivated accounts and the shared "ehemaliges Mitglied" have no profile to open."""
    return bool(account is not None and account.is_active)


@rules.predicate
def is_account_owner(user: Any, account: Any) -> bool:
    """The account is the asking person's own (and they are signed in and active)."""
    if user is None or not user.is_authenticated or not user.is_active or account is None:
        return False
    return user.pk == account.pk


@rules.predicate
def is_signed_in_member(user: Any) -> bool:
    """Belongs to at least one consortium: the condition for academy-wide spaces."""
    return bool(consortium_roles(user))


@rules.predicate
def is_consortium_member(user: Any, obj: Any) -> bool:
    """Any role in the consortium of ``obj`` (a consortium or anything with ``consortium_id``)."""
    return _consortium_id(obj) in consortium_roles(user)


@rules.predicate
def is_coach_of(user: Any, obj: Any) -> bool:
    return consortium_roles(user).get(_consortium_id(obj)) == Role.COACH


@rules.predicate
def is_core_team_of(user: Any, obj: Any) -> bool:
    return consortium_roles(user).get(_consortium_id(obj)) == Role.CORE_TEAM


@rules.predicate
def has_mfa(user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@rules.predicate
def shares_consortium_with(user: Any, other: Any) -> bool:
    if other is None:
        return False
    if user == other:
        return True
    mine = consortium_roles(user)
    return bool(mine) and not mine.keys().isdisjoint(consortium_roles(other))


@rules.predicate
def is_core_team_anywhere(user: Any) -> bool:
    return Role.CORE_TEAM in consortium_roles(user).values()


def space_of(obj: Any) -> Space | None:
    """The space a forum object lives in; callers pass objects with their relations loaded."""
    if isinstance(obj, Space):
        return obj
    if isinstance(obj, Topic):
        return obj.space
    if isinstance(obj, Post):
        return obj.topic.space
    if isinstance(obj, Attachment):
        return obj.post.topic.space
    if isinstance(obj, ShareProposal):
        return obj.topic.space
    if isinstance(obj, ShareConsent):
        return obj.proposal.topic.space
    return None


def _takes_part(user: Any, obj: Any, *, academy_wide_also_for_editors: bool) -> bool:
    """Member of the space's consortium; for academy-wide spaces, member of any consortium."""
    space = space_of(obj)
    if space is None or user is None or not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    if space.is_academy_wide:
        return is_signed_in_member(user) or (academy_wide_also_for_editors and is_editor(user))
    return space.consortium_id in consortium_roles(user)


@rules.predicate
def can_read_space(user: Any, obj: Any) -> bool:
    """Editors read the academy-wide exchange too; closed spaces only their members."""
    return _takes_part(user, obj, academy_wide_also_for_editors=True)


@rules.predicate
def can_post_in_space(user: Any, obj: Any) -> bool:
    return _takes_part(user, obj, academy_wide_also_for_editors=False)


@rules.predicate
def can_moderate_space(user: Any, obj: Any) -> bool:
    """Coaches and core team in their consortium's space; core team and admins academy-wide."""
    space = space_of(obj)
    if space is None:
        return False
    if is_admin(user):
        return True
    if space.is_academy_wide:
        return is_core_team_anywhere(user)
    return space.consortium_id in guided_consortium_ids(user)


@rules.predicate
def is_post_author(user: Any, post: Any) -> bool:
    return bool(user is not None and user.is_authenticated and post.author_id == user.pk)


@rules.predicate
def is_topic_author(user: Any, topic: Any) -> bool:
    return bool(user is not None and user.is_authenticated and topic.author_id == user.pk)


@rules.predicate
def is_topic_open(user: Any, topic: Any) -> bool:
    return not topic.is_locked


@rules.predicate
def is_post_untouched_by_moderation(user: Any, post: Any) -> bool:
    return post.deleted_at is None and post.hidden_at is None


@rules.predicate
def is_post_not_deleted(user: Any, post: Any) -> bool:
    return post.deleted_at is None


@rules.predicate
def is_export_owner(user: Any, export: Any) -> bool:
    return bool(user is not None and user.is_authenticated and export.user_id == user.pk)


@rules.predicate
def is_proposer(user: Any, proposal: Any) -> bool:
    return bool(user is not None and user.is_authenticated and proposal.proposer_id == user.pk)


@rules.predicate
def is_share_open(user: Any, obj: Any) -> bool:
    """The proposal (or the consent's proposal) still asks or waits for confirmation."""
    proposal = obj.proposal if isinstance(obj, ShareConsent) else obj
    return proposal.is_open


@rules.predicate
def is_consent_author(user: Any, consent: Any) -> bool:
    """The person asked: the author of the selected post (asked however they read now)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and consent.author_id == user.pk
    )


@rules.predicate
def is_shared_copy(user: Any, post: Any) -> bool:
    return post.shared_from_id is not None


@rules.predicate
def guides_some_consortium(user: Any) -> bool:
    return bool(guided_consortium_ids(user))


def has_blocked(blocker: Any, blocked: Any) -> bool:
    """``blocker`` takes no contact requests or messages from ``blocked`` (one query, cached
    per pair on ``blocked`` for the request)."""
    if blocker is None or blocked is None or not getattr(blocked, "is_authenticated", False):
        return False
    cache = blocked.__dict__.setdefault("_blocked_by", {})
    if blocker.pk not in cache:
        cache[blocker.pk] = ContactBlock.objects.filter(blocker=blocker, blocked=blocked).exists()
    return cache[blocker.pk]


def forget_blocks(user: Any) -> None:
    """Drop the cached answers of ``has_blocked`` after a block of ``user`` changed."""
    if user is not None:
        user.__dict__.pop("_blocked_by", None)


@rules.predicate
def is_conversation_participant(user: Any, conversation: Any) -> bool:
    """One of the two people of a private conversation; admins are not (it is private)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return conversation.has_participant(user)


@rules.predicate
def other_participant_takes_messages(user: Any, conversation: Any) -> bool:
    """The other person still has an active account and has not blocked ``user``."""
    other = conversation.other_than(user)
    return other is not None and other.is_active and not has_blocked(other, user)


can_view_consortium = is_consortium_member | is_admin
# Reads at least the academy-wide exchange: what forum search, "my spaces" and the like need.
can_read_forum = is_signed_in_member | is_editor | is_admin
can_manage_members = is_coach_of | is_core_team_of | is_admin

rules.add_perm("forum.access_consortium", can_view_consortium)
rules.add_perm("forum.read_forum", can_read_forum)
rules.add_perm("forum.list_members", can_view_consortium)
rules.add_perm("forum.manage_members", can_manage_members)
rules.add_perm("forum.see_profile", is_active_account & (shares_consortium_with | is_admin))
# The community in the Wagtail admin: editors add and change the public data of towns and
# consortia (with their phases); deleting those, and profiles, spaces and tags, which decide or
# show who reads what, are for academy admins.
rules.add_perm("forum.edit_public_community", is_editor | is_admin)
rules.add_perm("forum.administer_community", is_admin)
# Erasing an account (GDPR Art. 17): the person themselves, or an academy admin (the object is
# the account to erase).
rules.add_perm("forum.erase_account", is_account_owner | is_admin)

rules.add_perm("forum.read_space", can_read_space)
rules.add_perm("forum.post_in_space", can_post_in_space)
rules.add_perm("forum.moderate_space", can_moderate_space)
rules.add_perm("forum.reply_to_topic", can_post_in_space & (is_topic_open | can_moderate_space))
rules.add_perm(
    "forum.change_own_post",
    is_post_author & can_post_in_space & is_post_untouched_by_moderation,
)
# Text and files of a post: everyone while it is untouched; of a hidden post, its author (with
# the reason) and the moderators; of a deleted one, the moderators only.
rules.add_perm(
    "forum.see_post_content",
    can_read_space
    & (
        is_post_untouched_by_moderation
        | can_moderate_space
        | (is_post_author & is_post_not_deleted)
    ),
)
rules.add_perm(
    "forum.mark_helpful",
    can_post_in_space & ~is_post_author & is_post_untouched_by_moderation,
)
rules.add_perm("forum.see_post_history", can_read_space & (is_post_author | can_moderate_space))
rules.add_perm("forum.see_moderation_log", can_manage_members)
rules.add_perm("forum.see_academy_moderation_log", is_core_team_anywhere | is_admin)
# Offered the academy-wide spaces in the move form (the object is the consortium): the core team
# of that consortium and admins. Such a move changes who reads the topic, so the form leads
# into a proposal to share, which asks every author (forum.services.sharing).
rules.add_perm("forum.move_across_spaces", is_core_team_of | is_admin)
# A data export holds everything about one person: only they may open it, admins included.
rules.add_perm("forum.download_data_export", is_export_owner)
# Sharing with consent (forum.services.sharing): whoever takes part in the topic's space may
# propose; each selected post's author answers for that post; the moderators of the SOURCE
# space (coaches and core team of its consortium, the core team academy-wide, admins) decide;
# the proposer and they see the proposal and its audit trail; an author takes their copy back.
rules.add_perm("forum.propose_share", can_post_in_space)
rules.add_perm("forum.see_share_proposal", can_read_space & (is_proposer | can_moderate_space))
rules.add_perm("forum.decide_share", can_moderate_space & is_share_open)
rules.add_perm(
    "forum.cancel_share", can_read_space & (is_proposer | can_moderate_space) & is_share_open
)
rules.add_perm("forum.answer_share_consent", is_consent_author & is_share_open)
rules.add_perm("forum.withdraw_shared_post", is_post_author & is_shared_copy)
rules.add_perm("forum.read_conversation", is_conversation_participant)
rules.add_perm(
    "forum.write_in_conversation", is_conversation_participant & other_participant_takes_messages
)
rules.add_perm("forum.mark_lesson", (is_topic_author & can_post_in_space) | can_moderate_space)


def roles_assignable_by(user: Any, consortium: Consortium) -> list[str]:
    """Coaches invite town staff and fellow coaches; the core team and admins invite every role."""
    if is_admin(user) or is_core_team_of(user, consortium):
        return [Role.MEMBER, Role.COACH, Role.CORE_TEAM]
    if is_coach_of(user, consortium):
        return [Role.MEMBER, Role.COACH]
    return []


def needs_mfa_to_manage(user: Any, consortium: Consortium) -> bool:
    """Managing members is allowed by role, but only with a second factor in place."""
    return can_manage_members(user, consortium) and not has_mfa(user)


def allowed(user: Any, permission: str, obj: Any = None) -> bool:
    """Ask the policy itself. Unlike ``user.has_perm`` this has no superuser shortcut, so
    author-only permissions stay author-only for admins too (admins get their rights from
    ``is_admin`` inside the predicates)."""
    return rules.has_perm(permission, user, obj)
