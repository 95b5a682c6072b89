"""Creating notifications: who hears of a forum, community or workshop event, never the actor,
never twice, only readers of the space, and what each notification carries.

Services call the ``notify_*`` functions inside their transaction. Rows are written at once (so
the bell is right after commit); emails and the fan-out of a new topic run as tasks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from .. import events, selectors
from ..markdown import render_plain_snippet
from ..models import (
    Delivery,
    Notification,
    NotificationKind,
    Post,
    Space,
    SpaceNotificationLevel,
    Subscription,
    Topic,
    display_name,
)
from ..streams import personal_stream
from ..tasks import enqueue
from . import counter
from .email import send_notification_email
from .preferences import deliveries_for, muted

EXCERPT_LENGTH = 280
FAN_OUT_BATCH = 1000

# Kinds a space's "mute" silences; mentions and personal matters always get through.
MUTABLE_KINDS = {NotificationKind.NEW_TOPIC, NotificationKind.REPLY}
# Kinds about posts that may be hidden or deleted: they never carry the post's text.
WITHOUT_EXCERPT = {NotificationKind.MODERATION, NotificationKind.REPORT}
# Kinds that can happen again for the same post or workshop (hidden, then restored; moved up
# a second time) and so are not de-duplicated per object.
REPEATABLE_KINDS = {
    NotificationKind.MODERATION,
    NotificationKind.WORKSHOP_MOVED_UP,
    NotificationKind.WORKSHOP_MOVED,
    # A post may be proposed for sharing again, to another target.
    NotificationKind.SHARE_CONSENT,
}


def _excerpt(post: Post | None) -> str:
    return render_plain_snippet(post.body, EXCERPT_LENGTH) if post is not None else ""


def notify(
    *,
    kind: str,
    recipient_ids: Iterable[int],
    title: str,
    url: str,
    actor: Any = None,
    space: Space | None = None,
    topic: Topic | None = None,
    post: Post | None = None,
    workshop: Any = None,
    consortium: Any = None,
    excerpt: str = "",
) -> list[Notification]:
    """Write one notification per recipient (never the actor, never twice for the same post or
    workshop and kind unless the kind is repeatable, not for preference "off" or a muted space)
    and queue the emails. ``excerpt`` is the text shown for notices without a post (a
    question, a message).
    Call inside the transaction of the change; nothing happens if it rolls back."""
    recipients = set(recipient_ids) - {getattr(actor, "pk", None)}
    if kind in MUTABLE_KINDS:
        recipients -= muted(recipients, space)
    if not recipients:
        return []
    duplicate = Notification.objects.filter(kind=kind, recipient_id__in=recipients)
    if kind not in REPEATABLE_KINDS and post is not None:
        recipients -= set(duplicate.filter(post=post).values_list("recipient_id", flat=True))
    elif kind not in REPEATABLE_KINDS and workshop is not None:
        recipients -= set(
            duplicate.filter(workshop=workshop).values_list("recipient_id", flat=True)
        )
    deliveries = deliveries_for(recipients, kind)
    wanted = [user_id for user_id, delivery in deliveries.items() if delivery != Delivery.OFF]
    if consortium is None and space is not None:
        consortium = space.consortium
    created = Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            kind=kind,
            actor=actor,
            consortium=consortium,
            space=space,
            topic=topic,
            post=post,
            workshop=workshop,
            title=title[:300],
            excerpt="" if kind in WITHOUT_EXCERPT else (excerpt or _excerpt(post)),
            url=url[:500],
        )
        for user_id in wanted
    )
    counter.touch(wanted)
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35.
    for notification in created:
        events.publish(
            personal_stream(notification.recipient_id),
            "notification.created",
            {"notification_id": notification.pk, "kind": kind},
        )
        if deliveries[notification.recipient_id] == Delivery.IMMEDIATE:
            enqueue(send_notification_email, notification.pk)
    return created


# --- forum events --------------------------------------------------------------------------


def notify_post(*, post: Post, mentioned: Iterable[Any], is_reply: bool) -> None:
    """A new post: mentions at once; for replies the topic's followers and those following every
    post of the space hear of it from a task (``fan_out_reply``), so the reply's request does not
    grow with them. (A new topic's readers are told by ``notify_new_topic``.)"""
    notify_mentions(post=post, user_ids={user.pk for user in mentioned})
    if is_reply:
        enqueue(fan_out_reply, post.pk)


@task()
def fan_out_reply(post_id: int) -> int:
    """Followers of the reply's topic and of every post of its space who still read it; the
    mentioned heard of it as a mention (or chose not to). The topic's followers also get the
    unread hint here, not in the reply's request. Run again, it adds nobody twice."""
    post = _published_post(post_id)
    if post is None:
        return 0
    topic = post.topic
    followers = Q(pk__in=Subscription.objects.filter(topic=topic).values("user_id")) | Q(
        pk__in=SpaceNotificationLevel.objects.filter(
            space=topic.space, level=SpaceNotificationLevel.Level.ALL
        ).values("user_id")
    )
    readers = selectors.readers_of(topic.space)
    recipients = (
        readers.filter(followers)
        .exclude(pk__in=post.mentions.values("pk"))
        .values_list("pk", flat=True)
    )
    # Everyone following the topic learns that it has something unread for them, in the same
    # transaction as their notification: one personal event per person.
    hinted = (
        readers.filter(topic_subscriptions__topic=topic)
        .exclude(pk=post.author_id)
        .values_list("pk", flat=True)
    )
    return _notify_in_batches(
        post, NotificationKind.REPLY, post.get_absolute_url(), recipients, hinted=hinted
    )


def notify_mentions(*, post: Post, user_ids: set[int]) -> None:
    """Mentions in a new post, or added to a post by editing it; only readers of the space
    hear of it, and nobody twice for the same post."""
    if not user_ids:
        return
    topic = post.topic
    notify(
        kind=NotificationKind.MENTION,
        recipient_ids=_readers(topic.space, user_ids),
        title=topic.title,
        url=post.get_absolute_url(),
        actor=post.author,
        space=topic.space,
        topic=topic,
        post=post,
    )


def notify_new_topic(*, topic: Topic, post: Post) -> None:
    """Fan-out to everyone who reads the space, as a task: an academy-wide space has thousands."""
    enqueue(fan_out_new_topic, topic.pk, post.pk)


@task()
def fan_out_new_topic(topic_id: int, post_id: int) -> int:
    post = _published_post(post_id, topic_id=topic_id)
    if post is None:
        return 0
    topic = post.topic
    # Mentioned people heard of it already.
    recipients = (
        selectors.readers_of(topic.space)
        .exclude(pk__in=Notification.objects.filter(post=post).values("recipient_id"))
        .values_list("pk", flat=True)
    )
    return _notify_in_batches(
        post, NotificationKind.NEW_TOPIC, topic.get_absolute_url(), recipients
    )


def _published_post(post_id: int, **filters: Any) -> Post | None:
    """The post with its topic and space, or ``None`` once it is deleted or hidden: then nobody
    hears of it any more."""
    return (
        Post.objects.select_related("topic__space__consortium", "author")
        .filter(pk=post_id, deleted_at__isnull=True, hidden_at__isnull=True, **filters)
        .first()
    )


def _notify_in_batches(
    post: Post, kind: str, url: str, recipient_ids: Iterable[int], hinted: Iterable[int] = ()
) -> int:
    """Tell ``recipient_ids`` (readers of the post's space) of ``post``, and ``hinted`` that the
    topic has something unread for them. An academy-wide space has thousands of readers: short
    transactions and IN lists well below SQLite's parameter limit."""
    recipients = set(recipient_ids)
    hints = set(hinted)
    everyone = sorted(recipients | hints)
    topic = post.topic
    created = 0
    for start in range(0, len(everyone), FAN_OUT_BATCH):
        batch = everyone[start : start + FAN_OUT_BATCH]
        with transaction.atomic():
            for user_id in hints.intersection(batch):
                events.publish(
                    personal_stream(user_id), "unread.changed", {"space_id": topic.space_id}
                )
            created += len(
                notify(
                    kind=kind,
                    recipient_ids=recipients.intersection(batch),
                    title=topic.title,
                    url=url,
                    actor=post.author,
                    space=topic.space,
                    topic=topic,
                    post=post,
                )
            )
    return created


def notify_moderation(*, post: Post, moderator: Any, action: str) -> None:
    """The author hears when a moderator hid, restored or deleted their post."""
    notify(
        kind=NotificationKind.MODERATION,
        recipient_ids=[post.author_id],
        title=f"{action}: {post.topic.title}",
        url=post.get_absolute_url(),
        actor=moderator,
        space=post.topic.space,
        topic=post.topic,
        post=post,
    )


def notify_report(*, report: Any) -> None:
    """Coaches and core team of the space's consortium (core team and admins academy-wide)."""
    post = report.post
    space = post.topic.space
    notify(
        kind=NotificationKind.REPORT,
        recipient_ids=selectors.moderators_of(space).values_list("pk", flat=True),
        title=post.topic.title,
        url=reverse("forum:reports", kwargs={"slug": space.slug}),
        actor=report.reporter,
        space=space,
        topic=post.topic,
        post=post,
    )


def _readers(space: Space, user_ids: Iterable[int]) -> set[int]:
    return set(
        selectors.readers_of(space).filter(pk__in=list(user_ids)).values_list("pk", flat=True)
    )


# --- sharing with consent ------------------------------------------------------------------


def notify_share_consent(*, proposal: Any, first_posts: dict[int, Post]) -> None:
    """Each author of a selected post is asked once per proposal. ``first_posts``: author id →
    their first selected post, the notification's anchor: its author may see it however
    they read now (``visibility.visible_q``), and its text is theirs."""
    topic = proposal.topic
    for author_id, post in first_posts.items():
        notify(
            kind=NotificationKind.SHARE_CONSENT,
            recipient_ids=[author_id],
            title=_("Zustimmung erbeten: „%(title)s“ teilen") % {"title": topic.title},
            url=reverse("forum:share_overview"),
            actor=proposal.proposer,
            space=topic.space,
            topic=topic,
            post=post,
        )


def notify_share_confirm(*, proposal: Any) -> None:
    """The source space's moderators, once every author has answered."""
    topic = proposal.topic
    notify(
        kind=NotificationKind.SHARE_CONFIRM,
        recipient_ids=selectors.moderators_of(topic.space).values_list("pk", flat=True),
        title=_("Teilen von „%(title)s“ bestätigen") % {"title": topic.title},
        url=proposal.get_absolute_url(),
        actor=proposal.proposer,
        space=topic.space,
        topic=topic,
    )


def notify_share_done(*, proposal: Any, author_ids: Iterable[int], actor: Any) -> None:
    """The proposer (to the proposal) and the consenting authors (to their answers) hear that
    the copy exists; both are anchored at the source topic, which they read."""
    topic = proposal.topic
    title = _("„%(title)s“ ist geteilt") % {"title": topic.title}
    common = {"kind": NotificationKind.SHARE_DONE, "title": title, "actor": actor}
    if proposal.proposer_id:
        notify(
            recipient_ids=[proposal.proposer_id],
            url=proposal.get_absolute_url(),
            space=topic.space,
            topic=topic,
            **common,
        )
    notify(
        recipient_ids=_readers(topic.space, set(author_ids) - {proposal.proposer_id}),
        url=reverse("forum:share_overview"),
        space=topic.space,
        topic=topic,
        **common,
    )


# --- community and workshop events ---------------------------------------------------------


def notify_invitation_accepted(*, invitation: Any, user: Any) -> None:
    if invitation.invited_by_id is None:
        return
    name = display_name(user)
    notify(
        kind=NotificationKind.INVITATION_ACCEPTED,
        recipient_ids=[invitation.invited_by_id],
        title=_("%(name)s ist dem Verbund %(consortium)s beigetreten")
        % {"name": name, "consortium": invitation.consortium.name},
        url=reverse("forum:profile", kwargs={"user_id": user.pk}),
        actor=user,
        consortium=invitation.consortium,
    )


def notify_workshop(
    *, kind: str, workshop: Any, recipient_ids: Iterable[int], actor: Any = None
) -> None:
    notify(
        kind=kind,
        actor=actor,
        recipient_ids=recipient_ids,
        title=workshop.title,
        url=workshop.get_absolute_url(),
        workshop=workshop,
        consortium=workshop.consortium,
    )
