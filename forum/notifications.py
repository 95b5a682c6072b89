"""Notifications: who hears of what, in the app and by email, never of anything they may not read.

Services call the ``notify_*`` functions inside their transaction. Rows are written at once (so
the bell is right after commit); emails and fan-outs run as tasks (django-tasks; the database
backend in production keeps them across worker restarts). Access is checked when a
notification is created, again when it is shown (``visible_q``) and again when an email or a
digest is sent (``is_still_visible``): someone removed from a consortium meanwhile gets nothing.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from . import events
from . import rules as policy
from .mail import (
    MAX_ATTEMPTS,
    deliver,
    language_of,
    mail_server,
    message_to,
    queue_email,
    retry_delay,
    site_url,
)
from .markdown import render_plain_snippet
from .models import (
    DEFAULT_DELIVERY,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationSettings,
    Post,
    Space,
    SpaceNotificationLevel,
    Topic,
    display_name,
)
from .tasks import enqueue, enqueue_later

logger = logging.getLogger(__name__)

EXCERPT_LENGTH = 280
FAN_OUT_BATCH = 1000
UNSUBSCRIBE_SALT = "forum.notifications.unsubscribe"
DIGEST_PERIODS = {Delivery.DAILY: timedelta(days=1), Delivery.WEEKLY: timedelta(days=7)}

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
}


# --- preferences ---------------------------------------------------------------------------


def deliveries_for(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each person's delivery for ``kind``: their preference, else the default."""
    user_ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    default = DEFAULT_DELIVERY[kind]
    return {user_id: chosen.get(user_id, default) for user_id in user_ids}


def delivery_of(user: Any, kind: str) -> str:
    return deliveries_for([user.pk], kind)[user.pk]


def deliveries_by_user(user_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Every kind's delivery for each person, in one query (digests, preferences)."""
    user_ids = list(user_ids)
    chosen: dict[int, dict[str, str]] = {user_id: dict(DEFAULT_DELIVERY) for user_id in user_ids}
    for user_id, kind, delivery in NotificationPreference.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "kind", "delivery"):
        chosen[user_id][kind] = delivery
    return chosen


@transaction.atomic
def set_preferences(*, user: Any, deliveries: dict[str, str]) -> None:
    for kind, delivery in deliveries.items():
        NotificationKind(kind)
        Delivery(delivery)
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


@transaction.atomic
def set_space_level(*, user: Any, space: Space, level: str) -> None:
    if not policy.allowed(user, "forum.read_space", space):
        raise PermissionError
    SpaceNotificationLevel.Level(level)
    SpaceNotificationLevel.objects.update_or_create(
        user=user, space=space, defaults={"level": level}
    )


def _muted(user_ids: Iterable[int], space: Space | None) -> set[int]:
    if space is None:
        return set()
    return set(
        SpaceNotificationLevel.objects.filter(
            space=space, user_id__in=list(user_ids), level=SpaceNotificationLevel.Level.MUTE
        ).values_list("user_id", flat=True)
    )


# --- creating ------------------------------------------------------------------------------


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
) -> list[Notification]:
    """Write one notification per recipient (never the actor, never twice for the same post or
    workshop and kind unless the kind is repeatable, not for preference "off" or a muted space)
    and queue the emails.
    Call inside the transaction of the change; nothing happens if it rolls back."""
    recipients = set(recipient_ids) - {getattr(actor, "pk", None)}
    if kind in MUTABLE_KINDS:
        recipients -= _muted(recipients, space)
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
            excerpt="" if kind in WITHOUT_EXCERPT else _excerpt(post),
            url=url[:500],
        )
        for user_id in wanted
    )
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35.
    for notification in created:
        events.publish(
            f"user:{notification.recipient_id}",
            "notification.created",
            {"notification_id": notification.pk, "kind": kind},
        )
        if deliveries[notification.recipient_id] == Delivery.IMMEDIATE:
            enqueue(send_notification_email, notification.pk)
    return created


# --- notifying about forum events ---------------------------------------------------------


def notify_post(*, post: Post, mentioned: Iterable[Any], is_reply: bool) -> None:
    """A new post: mentions; for replies also the topic's followers and those following every
    post of the space. (A new topic's readers are told by ``notify_new_topic``.)"""
    topic = post.topic
    space = topic.space
    mentioned_ids = {user.pk for user in mentioned}
    notify_mentions(post=post, user_ids=mentioned_ids)
    if not is_reply:
        return
    followers = set(topic.subscriptions.values_list("user_id", flat=True))
    followers |= set(
        SpaceNotificationLevel.objects.filter(
            space=space, level=SpaceNotificationLevel.Level.ALL
        ).values_list("user_id", flat=True)
    )
    notify(
        kind=NotificationKind.REPLY,
        recipient_ids=_readers(space, followers - mentioned_ids),
        title=topic.title,
        url=post.get_absolute_url(),
        actor=post.author,
        space=space,
        topic=topic,
        post=post,
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
    from . import selectors

    post = (
        Post.objects.select_related("topic__space__consortium", "author")
        .filter(pk=post_id, topic_id=topic_id, deleted_at__isnull=True, hidden_at__isnull=True)
        .first()
    )
    if post is None:
        return 0
    topic = post.topic
    already = set(
        Notification.objects.filter(post=post).values_list("recipient_id", flat=True)
    )  # mentioned people heard of it already
    readers = sorted(set(selectors.readers_of(topic.space).values_list("pk", flat=True)) - already)
    created = 0
    # An academy-wide space has thousands of readers: short transactions and IN lists well
    # below SQLite's parameter limit.
    for start in range(0, len(readers), FAN_OUT_BATCH):
        with transaction.atomic():
            created += len(
                notify(
                    kind=NotificationKind.NEW_TOPIC,
                    recipient_ids=readers[start : start + FAN_OUT_BATCH],
                    title=topic.title,
                    url=topic.get_absolute_url(),
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
    from . import selectors

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


def _readers(space: Space, user_ids: Iterable[int]) -> set[int]:
    from . import selectors

    return set(
        selectors.readers_of(space).filter(pk__in=list(user_ids)).values_list("pk", flat=True)
    )


# --- reading -------------------------------------------------------------------------------


def visible_q(user: Any) -> Q:
    """Notifications ``user`` may still see: the queryset side of ``is_still_visible``."""
    from . import selectors

    readable_space = Q(space__isnull=True) | selectors.readable_spaces_q(user, "space__")
    # A topic may have been moved since (e.g. out of the academy-wide space into a closed one):
    # what counts is where it is now.
    readable_topic = Q(topic__isnull=True) | selectors.readable_spaces_q(user, "topic__space__")
    member = Q(consortium__isnull=True) | Q(consortium_id__in=list(policy.consortium_roles(user)))
    if policy.is_admin(user):
        member = Q()
    # As ``forum.see_post_content``: a hidden post stays visible to its author and the
    # moderators, a deleted one to the moderators. A moderation notice tells the author what
    # happened to their post, whatever it was, and carries no text of it.
    visible_post = (
        Q(post__isnull=True)
        | Q(kind=NotificationKind.MODERATION)
        | Q(post__deleted_at__isnull=True, post__hidden_at__isnull=True)
        | Q(post__author=user, post__deleted_at__isnull=True)
        | selectors.moderated_spaces_q(user, "post__topic__space__")
    )
    return Q(recipient=user) & readable_space & readable_topic & member & visible_post


def notifications_for(user: Any):
    return (
        Notification.objects.filter(visible_q(user))
        .select_related("actor__profile", "space", "workshop")
        .order_by("-created_at", "-pk")
    )


def unread_count(user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(visible_q(user), read_at__isnull=True).count()


def is_still_visible(notification: Notification) -> bool:
    user = notification.recipient
    if not user.is_active:
        return False
    return Notification.objects.filter(visible_q(user), pk=notification.pk).exists()


@transaction.atomic
def mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or, without ids, all) of ``user``'s notifications read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    changed = unread.update(read_at=timezone.now())
    if changed:
        events.publish(f"user:{user.pk}", "notification.read", {})
    return changed


# --- email ---------------------------------------------------------------------------------


def unsubscribe_token(user: Any, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def digest_unsubscribe_token(user: Any, period: str) -> str:
    return signing.dumps({"u": user.pk, "p": period}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str | None, str | None]:
    """(user id, kind, digest period) from a token, exactly one of kind and period set;
    ``signing.BadSignature`` for anything tampered, ``ValueError`` for unknown values."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if "p" in data:
        period = Delivery(data["p"])
        if period not in DIGEST_PERIODS:
            raise ValueError(period)
        return int(data["u"]), None, period
    return int(data["u"]), NotificationKind(data["k"]), None


def unsubscribe_url(user: Any, kind: str) -> str:
    token = unsubscribe_token(user, kind)
    return site_url(reverse("forum:unsubscribe", kwargs={"token": token}))


def digest_unsubscribe_url(user: Any, period: str) -> str:
    token = digest_unsubscribe_token(user, period)
    return site_url(reverse("forum:unsubscribe", kwargs={"token": token}))


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[Any, list[str]]:
    """Stops the emails the token stands for: one kind, or every kind the person gets in that
    digest. The notifications stay in the app. Returns the person and the kinds changed."""
    user_id, kind, period = read_unsubscribe_token(token)
    user = get_user_model().objects.get(pk=user_id)
    deliveries = deliveries_by_user([user.pk])[user.pk]
    if kind is not None:
        kinds = [kind] if deliveries[kind] != Delivery.OFF else []
    else:
        kinds = [k for k, delivery in deliveries.items() if delivery == period]
    set_preferences(user=user, deliveries={k: Delivery.IN_APP for k in kinds})
    return user, kinds


def _include_content() -> bool:
    return NotificationSettings.load().include_post_content


def _message(
    *,
    user: Any,
    subject: str,
    template: str,
    context: dict,
    unsubscribe_link: str,
    include_content: bool,
):
    with translation.override(language_of(user)):
        context = {
            **context,
            "recipient": user,
            "include_content": include_content,
            "unsubscribe_url": unsubscribe_link,
            "preferences_url": site_url(reverse("forum:notification_preferences")),
        }
        subject = _(subject) % context.get("subject_args", {})
        context["subject"] = subject
        text = render_to_string(f"forum/email/{template}.txt", context)
        html = render_to_string(f"forum/email/{template}.html", context)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return message_to(user, subject=subject, text=text, html=html, headers=headers)


SUBJECTS = {
    NotificationKind.MENTION: gettext_noop("%(actor)s hat Sie erwähnt: %(title)s"),
    NotificationKind.REPLY: gettext_noop("Neue Antwort: %(title)s"),
    NotificationKind.NEW_TOPIC: gettext_noop("Neue Diskussion: %(title)s"),
    NotificationKind.MODERATION: gettext_noop("Moderation an Ihrem Beitrag: %(title)s"),
    NotificationKind.WORKSHOP_OPEN: gettext_noop("Anmeldung geöffnet: %(title)s"),
    NotificationKind.WORKSHOP_MOVED_UP: gettext_noop("Sie sind nachgerückt: %(title)s"),
    NotificationKind.WORKSHOP_REMINDER: gettext_noop("Erinnerung: %(title)s"),
    NotificationKind.WORKSHOP_MOVED: gettext_noop("Neuer Termin oder Ort: %(title)s"),
    NotificationKind.WORKSHOP_CANCELLED: gettext_noop("Abgesagt: %(title)s"),
    NotificationKind.INVITATION_ACCEPTED: gettext_noop("%(title)s"),
    NotificationKind.REPORT: gettext_noop("Neue Meldung: %(title)s"),
}


# Subjects (and the email's only sentence) when the academy keeps forum text out of emails.
CONTENT_FREE_SUBJECTS = {
    NotificationKind.MENTION: gettext_noop("Sie wurden in einem Beitrag erwähnt"),
    NotificationKind.REPLY: gettext_noop("Sie haben eine neue Antwort"),
    NotificationKind.NEW_TOPIC: gettext_noop("Es gibt eine neue Diskussion"),
    NotificationKind.MODERATION: gettext_noop("Die Moderation hat an Ihrem Beitrag etwas geändert"),
    NotificationKind.REPORT: gettext_noop("Es gibt eine neue Meldung zum Bearbeiten"),
}
# The forum's kinds: those whose emails follow the academy's content setting.
FORUM_KINDS = frozenset(CONTENT_FREE_SUBJECTS)


def actor_name(notification: Notification) -> str:
    """Who caused it; no query when ``actor__profile`` is joined."""
    if notification.actor is None:
        return _("Die Kleinstadtakademie")
    return display_name(notification.actor)


@task()
def send_notification_email(notification_id: int) -> str:
    """One immediate email; idempotent (``emailed_at``), re-checks access, retries SMTP
    failures with a growing delay. What the person may not see (any more) is not sent; the row
    stays, hidden by ``visible_q`` for as long as that lasts (a hidden post may be restored).

    The notification stays locked from the check of ``emailed_at`` until the record of the
    sending commits, right after the mail server accepted the message (see ``mail_server``):
    two runs of the task cannot both send, and a run after a killed one sends only if the
    killed one died before the record committed."""
    with mail_server() as server, transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient__profile", "actor__profile", "workshop__host_town")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return "skipped"
        if not is_still_visible(notification):
            return "withdrawn"
        recipient = notification.recipient
        if not recipient.email or delivery_of(recipient, notification.kind) != Delivery.IMMEDIATE:
            return "not wanted"
        # With post content kept out of emails, forum notices say only that there is news.
        include_content = _include_content()
        withheld = notification.kind in FORUM_KINDS and not include_content
        message = _message(
            user=recipient,
            subject=CONTENT_FREE_SUBJECTS[notification.kind]
            if withheld
            else SUBJECTS[notification.kind],
            template="notification",
            unsubscribe_link=unsubscribe_url(recipient, notification.kind),
            include_content=include_content,
            context={
                "notification": notification,
                "withheld": withheld,
                "actor_name": actor_name(notification),
                "url": site_url(notification.url),
                "subject_args": {
                    "actor": actor_name(notification),
                    "title": notification.title,
                },
            },
        )
        notification.email_attempts += 1
        try:
            deliver(server, message)
        except (smtplib.SMTPException, OSError) as error:
            notification.save(update_fields=["email_attempts"])
            if notification.email_attempts >= MAX_ATTEMPTS:
                logger.error("Giving up on notification %s: %s", notification_id, error)
                return "failed"
            delay = retry_delay(notification.email_attempts)
            logger.warning("Notification %s: %s; retrying in %s", notification_id, error, delay)
            # The in-process backend of the embedded default cannot wait: there the failure
            # is only logged, and the next digest run or a later event is the fallback.
            enqueue_later(send_notification_email, delay, notification_id)
            return "retry"
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "email_attempts"])
    return "sent"


def send_digests(*, period: str, now: Any = None) -> int:
    """One email per person with something new for ``period`` (daily or weekly), grouped by
    space and topic; each notification goes into one digest at most. Returns the number of
    digests queued (they leave after the commit of each)."""
    Delivery(period)
    now = now or timezone.now()
    # Bounded look-back: in-app-only notifications are never digested and must not pile up here.
    since = now - DIGEST_PERIODS[Delivery(period)] - timedelta(days=1)
    candidates = (
        Notification.objects.filter(
            digested_at__isnull=True,
            emailed_at__isnull=True,
            created_at__lte=now,
            created_at__gt=since,
        )
        .order_by()
        .values_list("recipient_id", "kind")
        .distinct()
    )
    wanted: dict[int, set[str]] = defaultdict(set)
    for user_id, kind in candidates:
        wanted[user_id].add(kind)
    sent = 0
    include_content = _include_content()
    people = sorted(wanted)
    User = get_user_model()
    # In batches: preferences for a batch in one query, IN lists below SQLite's limit.
    for start in range(0, len(people), FAN_OUT_BATCH):
        batch = people[start : start + FAN_OUT_BATCH]
        deliveries = deliveries_by_user(batch)
        people_batch = User.objects.filter(pk__in=batch, is_active=True)
        for user in people_batch.select_related("profile", "wagtail_userprofile"):
            kinds = [kind for kind in wanted[user.pk] if deliveries[user.pk][kind] == period]
            if not kinds:
                continue
            if _send_digest(
                user=user, kinds=kinds, period=period, now=now, include_content=include_content
            ):
                sent += 1
    return sent


def _send_digest(
    *, user: Any, kinds: list[str], period: str, now: Any, include_content: bool
) -> bool:
    # The entries are marked digested in the transaction that queues the digest: it leaves
    # once, retried while the mail server fails (``mail.send_outgoing_email``).
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(
                recipient=user,
                kind__in=kinds,
                digested_at__isnull=True,
                emailed_at__isnull=True,
                created_at__lte=now,
            )
            .select_related("space", "topic", "actor__profile", "workshop")
            # Forum spaces first, then workshop and consortium news, on every database.
            .order_by(
                F("space__name").asc(nulls_last=True),
                F("topic__title").asc(nulls_last=True),
                "created_at",
            )
        )
        if not pending:
            return False
        visible = set(
            Notification.objects.filter(
                visible_q(user), pk__in=[n.pk for n in pending]
            ).values_list("pk", flat=True)
        )
        # What may not be seen now is left out and not offered again.
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(digested_at=now)
        items = [n for n in pending if n.pk in visible]
        if not items or not user.email:
            return False
        groups: dict[str, dict[str, list[Notification]]] = defaultdict(lambda: defaultdict(list))
        for item in items:
            space_name = item.space.name if item.space else _("Transferwerkstätten und Verbund")
            groups[space_name][item.title].append(item)
        message = _message(
            user=user,
            subject=gettext_noop("Ihre Zusammenfassung: %(count)s Neuigkeiten"),
            template="digest",
            unsubscribe_link=digest_unsubscribe_url(user, period),
            include_content=include_content,
            context={
                "groups": {space: dict(topics) for space, topics in groups.items()},
                "period": period,
                "count": len(items),
                "site_url": site_url(""),
                "subject_args": {"count": len(items)},
            },
        )
        queue_email(kind=f"digest_{period}", message=message, recipient=user)
    return True
