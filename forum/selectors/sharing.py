"""Sharing a topic with consent: the targets, proposals and the authors' answers."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Min, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from .. import rules as policy
from ..models import ShareConsent, ShareProposal, Space, Topic
from .access import moderated_spaces_q, readable_spaces_q


def share_targets(topic: Topic) -> QuerySet[Space]:
    """Where a topic may be shared: from a closed space, the academy-wide spaces and every other
    consortium; from an academy-wide space, every consortium. A consortium is offered through
    its first space only, and labelled with the consortium's name (``share_target_label``):
    the proposer learns no space of a consortium they do not belong to."""
    first_spaces = (
        Space.objects.filter(consortium__isnull=False)
        .values("consortium_id")
        .annotate(first=Min("pk"))
        .values("first")
    )
    targets = Q(pk__in=Subquery(first_spaces))
    if topic.space.consortium_id:
        targets |= Q(consortium__isnull=True)
    return (
        Space.objects.filter(targets)
        .exclude(consortium_id=topic.space.consortium_id)
        .exclude(pk=topic.space_id)
        .select_related("consortium")
        .order_by(F("consortium__name").asc(nulls_first=True), "name")
    )


def share_proposal_visible_to(pk: int, user: Any) -> ShareProposal | None:
    """The proposal with everything its page shows, or ``None`` unless ``user`` may see it
    (``forum.see_share_proposal``: the proposer and the source's moderators)."""
    proposal = (
        ShareProposal.objects.filter(readable_spaces_q(user, "topic__space__"), pk=pk)
        .select_related(
            "topic__space__consortium",
            "target__consortium",
            "proposer__profile",
            "decided_by__profile",
            "copy",
        )
        .first()
    )
    if proposal is None or not policy.allowed(user, "forum.see_share_proposal", proposal):
        return None
    return proposal


def consents_of(proposal: ShareProposal) -> QuerySet[ShareConsent]:
    """The selected posts with their authors' answers, in the topic's order."""
    return (
        ShareConsent.objects.filter(proposal=proposal)
        .select_related("post", "author__profile")
        .order_by("post_id")
    )


def consents_asked_of(user: Any) -> QuerySet[ShareConsent]:
    """ "Meine Zustimmungen": every post of ``user``'s that someone proposed to share, newest
    proposal first. Their own post and the topic's title are theirs to see, wherever they read
    now; the source's other posts are not shown."""
    return (
        ShareConsent.objects.filter(author=user)
        .select_related(
            "post",
            "copy",
            "proposal__topic",
            "proposal__target__consortium",
            "proposal__topic__space__consortium",
            "proposal__proposer__profile",
        )
        .order_by("-proposal__created_at", "-proposal_id", "post_id")
    )


def share_proposals_for(user: Any) -> QuerySet[ShareProposal]:
    """Proposals ``user`` made or decides (as moderator of the source space), still readable."""
    mine = Q(proposer=user) if user is not None and user.is_authenticated else Q(pk__in=[])
    return (
        ShareProposal.objects.filter(readable_spaces_q(user, "topic__space__"))
        .filter(mine | moderated_spaces_q(user, "topic__space__"))
        .select_related("topic__space__consortium", "target__consortium", "proposer__profile")
        .order_by("-created_at", "-pk")
    )


def share_target_label(space: Space) -> str:
    """„Verbund X“ or the academy-wide space's name: how a target is named to the proposer."""
    if space.consortium_id is None:
        return _("akademieweit: %(space)s") % {"space": space.name}
    return _("Verbund %(name)s") % {"name": space.consortium.name}
