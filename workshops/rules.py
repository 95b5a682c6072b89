"""Who may see, join, run and document a consortium's workshops; composed from ``forum.rules``.

Workshops are the consortium's own: their existence, agenda, participants and documentation are
for its members (any role) and admins. Coaches and core team run them; the staff of the host
town prepare agenda and venue and may export the participant list. Every member pins and
groups cards on the idea board, from the opening of the registration on.
"""

from __future__ import annotations

from typing import Any

import rules

from forum import rules as policy

from .models import IdeaCard, Workshop

# A workshop carries ``consortium_id``: the forum's consortium predicates apply to it as they are.
is_workshop_member = policy.is_consortium_member
can_view = policy.can_view_consortium
can_run = policy.can_manage_members  # coaches, core team, admins


@rules.predicate
def is_host_town_staff(user: Any, workshop: Workshop) -> bool:
    """A member of the consortium working for the host town."""
    if not is_workshop_member(user, workshop):
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.town_id == workshop.host_town_id


@rules.predicate
def is_registration_open(user: Any, workshop: Workshop) -> bool:
    return workshop.is_registration_open


@rules.predicate
def is_not_cancelled(user: Any, workshop: Workshop) -> bool:
    return workshop.status != Workshop.Status.CANCELLED


@rules.predicate
def is_held(user: Any, workshop: Workshop) -> bool:
    return workshop.status == Workshop.Status.HELD


@rules.predicate
def is_still_ahead(user: Any, workshop: Workshop) -> bool:
    return workshop.status in (
        Workshop.Status.PLANNED,
        Workshop.Status.OPEN,
        Workshop.Status.CLOSED,
    )


@rules.predicate
def has_idea_board(user: Any, workshop: Workshop) -> bool:
    """The board is up from the opening of the registration; after the workshop it stays
    (cards are added while writing things up); a planned or cancelled one has none."""
    return workshop.status in (
        Workshop.Status.OPEN,
        Workshop.Status.CLOSED,
        Workshop.Status.HELD,
    )


@rules.predicate
def may_remove_idea(user: Any, card: IdeaCard) -> bool:
    """Authors take back their own cards; those who run the workshop tidy up any card."""
    workshop = card.workshop
    if not has_idea_board(user, workshop):
        return False
    if can_run(user, workshop):
        return True
    return card.author_id == user.pk and is_workshop_member(user, workshop)


rules.add_perm("workshops.create_workshop", policy.can_manage_members)
rules.add_perm("workshops.see_workshop", can_view)
rules.add_perm("workshops.register", is_workshop_member & is_registration_open)
# Withdrawing (a seat or a waiting-list place) while the workshop is still ahead.
rules.add_perm("workshops.cancel_registration", is_workshop_member & is_still_ahead)
rules.add_perm("workshops.edit_workshop", can_run & is_not_cancelled)
rules.add_perm("workshops.edit_agenda", (can_run | is_host_town_staff) & is_still_ahead)
rules.add_perm("workshops.export_participants", can_run | is_host_town_staff)
rules.add_perm("workshops.document", can_run & is_held)
rules.add_perm("workshops.see_documentation", can_view & is_held)
rules.add_perm("workshops.see_idea_board", can_view & has_idea_board)
# Posting and grouping cards is for everyone at the table, as on a real pinboard.
rules.add_perm("workshops.post_idea", is_workshop_member & has_idea_board)
rules.add_perm("workshops.remove_idea", may_remove_idea)
