"""Which notifications a person may see now, and reading them: access is checked again when a
notification is shown (``visible_q``) and when it is emailed (``is_still_visible``), so someone
who lost access meanwhile sees and gets nothing of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events, selectors
from .. import rules as policy
from ..models import Notification, NotificationKind, UnreadCount, display_name
from ..streams import personal_stream
from . import counter

# Notifications about objects of higher apps (the cms's transfers): the app registers, in its
# ``AppConfig.ready()``, the kinds and a function giving the ones among them ``user`` may still
# see, so that the forum asks the object's own policy without importing the app.
_object_rules: dict[frozenset[str], Callable[[Any], Q]] = {}


def register_object_rule(kinds: Iterable[str], rule: Callable[[Any], Q]) -> None:
    _object_rules[frozenset(kinds)] = rule


def visible_q(user: Any) -> Q:
    """Notifications ``user`` may still see: the queryset side of ``is_still_visible``."""
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
    # A consent request is about the recipient's own post: they answer for it even where they
    # no longer read the space (left the consortium since), and see nothing beyond their post.
    own_post_asked = Q(
        kind=NotificationKind.SHARE_CONSENT, post__author=user, post__deleted_at__isnull=True
    )
    visible = Q(recipient=user) & (
        (readable_space & readable_topic & member & visible_post) | own_post_asked
    )
    for kinds, rule in _object_rules.items():
        visible &= ~Q(kind__in=kinds) | rule(user)
    return visible


def notifications_for(user: Any):
    return (
        Notification.objects.filter(visible_q(user))
        .select_related("actor__profile", "space", "workshop")
        .order_by("-created_at", "-pk")
    )


def unread_count(user: Any) -> int:
    """The bell's number: the stored one while valid (``counter``), else counted and stored."""
    if user is None or not user.is_authenticated:
        return 0
    stored = (
        UnreadCount.objects.filter(user=user)
        .values_list("generation", "counted_generation", "unread")
        .first()
    )
    if stored is not None and stored[0] == stored[1]:
        return stored[2]
    # Read the generation before counting: a write committed after this read raises it, and
    # the number counted here is then not stored.
    generation = stored[0] if stored is not None else 0
    unread = _count_unread(user)
    if stored is None:
        UnreadCount.objects.bulk_create(
            [UnreadCount(user=user, generation=0, counted_generation=0, unread=unread)],
            ignore_conflicts=True,
        )
    else:
        UnreadCount.objects.filter(user=user, generation=generation).update(
            counted_generation=generation, unread=unread
        )
    return unread


def _count_unread(user: Any) -> int:
    return Notification.objects.filter(visible_q(user), read_at__isnull=True).count()


def is_still_visible(notification: Notification) -> bool:
    user = notification.recipient
    if not user.is_active:
        return False
    return Notification.objects.filter(visible_q(user), pk=notification.pk).exists()


def actor_name(notification: Notification) -> str:
    """Who caused it; no query when ``actor__profile`` is joined (as by ``notifications_for``)."""
    if notification.actor is None:
        return _("Die Kleinstadtakademie")
    return display_name(notification.actor)


@transaction.atomic
def mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or, without ids, all) of ``user``'s notifications read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    changed = unread.update(read_at=timezone.now())
    if changed:
        counter.touch([user.pk])
        events.publish(personal_stream(user.pk), "notification.read", {})
    return changed
