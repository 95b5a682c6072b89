"""Sharing a topic with another consortium or academy-wide, with the consent of its authors.

A proposal names the posts and the target; each author is asked for their posts and answers
yes or no (silence counts as no); a moderator of the source space confirms (at any time, with
the answers so far) or refuses; the copy then holds only the accepted posts, in their order,
under their authors' names, each marked as a copy. An author may take their copy back later:
it is removed from the copy, not hidden. Every step keeps its time on the proposal and its
consents: that is the audit trail the proposal's page shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events, notifications, selectors
from .. import rules as policy
from ..models import Attachment, Post, ShareConsent, ShareProposal, Space, Topic
from ..streams import space_stream
from .posting import render_body

MAX_NOTE_LENGTH = 2000


@transaction.atomic
def propose_share(
    *, topic: Topic, proposer: Any, post_ids: Iterable[int], target: Space, note: str = ""
) -> ShareProposal:
    """Ask the authors of the selected posts; the proposer's own posts count as accepted."""
    topic = Topic.objects.select_related("space__consortium").get(pk=topic.pk)
    if not policy.allowed(proposer, "forum.propose_share", topic):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not selectors.share_targets(topic).filter(pk=target.pk).exists():
        errors["target"] = _("Mit diesem Ziel kann die Diskussion nicht geteilt werden.")
    wanted = {int(pk) for pk in post_ids}
    posts = list(
        Post.objects.filter(topic=topic, pk__in=wanted, deleted_at=None, hidden_at=None)
        .select_related("author")
        .order_by("pk")
    )
    if not posts:
        errors["posts"] = _("Bitte wählen Sie mindestens einen Beitrag aus.")
    elif len(posts) != len(wanted):
        errors["posts"] = _(
            "Einige der gewählten Beiträge gibt es nicht (mehr) oder sie sind ausgeblendet."
        )
    note = (note or "").replace("\x00", "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = _("Die Begründung darf höchstens %(max)s Zeichen lang sein.") % {
            "max": MAX_NOTE_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    proposal = ShareProposal.objects.create(
        topic=topic, proposer=proposer, target=target, note=note, created_at=now
    )
    ShareConsent.objects.bulk_create(
        ShareConsent(
            proposal=proposal,
            post=post,
            author_id=post.author_id,
            # Proposing is the proposer's consent for their own posts.
            state=ShareConsent.State.ACCEPTED
            if post.author_id == proposer.pk
            else ShareConsent.State.ASKED,
            answered_at=now if post.author_id == proposer.pk else None,
        )
        for post in posts
    )
    first_posts: dict[int, Post] = {}
    for post in posts:
        if post.author_id != proposer.pk and post.author.is_active:
            first_posts.setdefault(post.author_id, post)
    notifications.notify_share_consent(proposal=proposal, first_posts=first_posts)
    _advance(proposal)
    return proposal


@transaction.atomic
def answer_consent(*, consent: ShareConsent, author: Any, accept: bool) -> ShareConsent:
    """The author's yes or no for one post; changeable while the proposal is open."""
    consent = (
        ShareConsent.objects.select_for_update(of=("self",))
        .select_related("proposal__topic__space__consortium")
        .get(pk=consent.pk)
    )
    if not policy.allowed(author, "forum.answer_share_consent", consent):
        raise PermissionDenied
    consent.state = ShareConsent.State.ACCEPTED if accept else ShareConsent.State.DECLINED
    consent.answered_at = timezone.now()
    consent.save(update_fields=["state", "answered_at"])
    _advance(consent.proposal)
    return consent


def _advance(proposal: ShareProposal) -> None:
    """Once nobody is left to answer, the source's moderators are asked to confirm. Former
    members (inactive accounts) cannot answer: their posts stay out, nobody waits for them."""
    if proposal.status != ShareProposal.Status.ASKING:
        return
    asked = proposal.consents.filter(state=ShareConsent.State.ASKED, author__is_active=True)
    if asked.exists():
        return
    proposal.status = ShareProposal.Status.WAITING
    proposal.save(update_fields=["status"])
    notifications.notify_share_confirm(proposal=proposal)


def _locked_open(proposal: ShareProposal, actor: Any, permission: str) -> ShareProposal:
    proposal = (
        ShareProposal.objects.select_for_update(of=("self",))
        .select_related("topic__space__consortium", "target__consortium")
        .get(pk=proposal.pk)
    )
    if not policy.allowed(actor, permission, proposal):
        if not proposal.is_open and policy.allowed(actor, "forum.see_share_proposal", proposal):
            raise ValidationError(_("Über diesen Vorschlag ist bereits entschieden."))
        raise PermissionDenied
    return proposal


def _require_mfa(moderator: Any) -> None:
    if not policy.has_mfa(moderator):
        raise PermissionDenied(_("Zum Moderieren ist die Zwei-Faktor-Anmeldung nötig."))


@transaction.atomic
def confirm_share(*, proposal: ShareProposal, moderator: Any) -> Topic:
    """Create the copy in the target space from the accepted posts only."""
    proposal = _locked_open(proposal, moderator, "forum.decide_share")
    _require_mfa(moderator)
    consents = list(
        proposal.consents.filter(state=ShareConsent.State.ACCEPTED, post__deleted_at=None)
        .select_related("post")
        .order_by("post_id")
    )
    if not consents:
        raise ValidationError(
            _("Niemand hat zugestimmt: Es gibt keinen Beitrag, der geteilt werden könnte.")
        )
    source, target = proposal.topic, proposal.target
    now = timezone.now()
    first = consents[0].post
    copy = Topic.objects.create(
        space=target,
        title=source.title,
        author_id=first.author_id,
        created_at=now,
        last_activity_at=now,
    )
    copies = []
    for consent in consents:
        original = consent.post
        # Rendered for the target's readers: mentions link only to people who read it there.
        html, _mentioned = render_body(body=original.body, space=target)
        post = Post.objects.create(
            topic=copy,
            author_id=original.author_id,
            body=original.body,
            body_html=html,
            created_at=original.created_at,
            shared_from=original,
        )
        consent.copy = post
        consent.save(update_fields=["copy"])
        events.publish_post(post, "post.created")
        copies.append(post)
    Topic.objects.filter(pk=copy.pk).update(last_post=copies[-1], reply_count=len(copies) - 1)
    copy.refresh_from_db()
    proposal.status = ShareProposal.Status.SHARED
    proposal.decided_at, proposal.decided_by, proposal.copy = now, moderator, copy
    proposal.save(update_fields=["status", "decided_at", "decided_by", "copy"])
    events.publish(
        space_stream(target.pk),
        "topic.created",
        {
            "topic_id": copy.pk,
            "space_id": target.pk,
            "title": copy.title,
            "url": copy.get_absolute_url(),
        },
    )
    notifications.notify_new_topic(topic=copy, post=copies[0])
    notifications.notify_share_done(
        proposal=proposal, author_ids={c.author_id for c in consents}, actor=moderator
    )
    return copy


@transaction.atomic
def refuse_share(*, proposal: ShareProposal, moderator: Any) -> ShareProposal:
    proposal = _locked_open(proposal, moderator, "forum.decide_share")
    _require_mfa(moderator)
    return _close(proposal, moderator, ShareProposal.Status.REFUSED)


@transaction.atomic
def cancel_share(*, proposal: ShareProposal, actor: Any) -> ShareProposal:
    """The proposer (or a moderator of the source) takes the proposal back before a decision."""
    proposal = _locked_open(proposal, actor, "forum.cancel_share")
    return _close(proposal, actor, ShareProposal.Status.CANCELLED)


def _close(proposal: ShareProposal, actor: Any, status: str) -> ShareProposal:
    proposal.status, proposal.decided_at, proposal.decided_by = status, timezone.now(), actor
    proposal.save(update_fields=["status", "decided_at", "decided_by"])
    return proposal


@transaction.atomic
def withdraw_shared_post(*, post: Post, author: Any) -> ShareConsent:
    """The author takes their copied post back: it is removed from the copy (its row, files
    and notifications go), the consent keeps the time. A copy left without posts goes too."""
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("topic__space").get(pk=post.pk)
    )
    if not policy.allowed(author, "forum.withdraw_shared_post", post):
        raise PermissionDenied
    consent = ShareConsent.objects.select_for_update(of=("self",)).filter(copy=post).first()
    if consent is None:
        raise PermissionDenied
    topic = Topic.objects.select_for_update(of=("self",)).get(pk=post.topic_id)
    consent.withdrawn_at = timezone.now()
    consent.copy = None
    consent.save(update_fields=["withdrawn_at", "copy"])
    notifications.counter.touch_recipients(Q(post=post))
    for attachment in Attachment.objects.filter(post=post):
        for stored in (attachment.file, attachment.thumbnail):
            if stored:
                transaction.on_commit(
                    lambda name=stored.name, storage=stored.storage: storage.delete(name)
                )
    events.publish_post(post, "post.changed", "removed")
    post.delete()
    remaining = Post.objects.filter(topic=topic).order_by("pk")
    first, last = remaining.first(), remaining.last()
    if first is None:
        notifications.counter.touch_recipients(Q(topic=topic))
        topic.delete()
        return consent
    Topic.objects.filter(pk=topic.pk).update(
        author_id=first.author_id, last_post=last, reply_count=F("reply_count") - 1
    )
    return consent
