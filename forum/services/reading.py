"""What readers do with topics and posts: helpful marks, lessons, following a topic, and
read positions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import events
from .. import rules as policy
from ..models import (
    HelpfulMark,
    Post,
    ReadState,
    Subscription,
    Topic,
)
from ..signals import send_lesson_changed


@transaction.atomic
def toggle_helpful(*, post: Post, user: Any) -> bool:
    """Mark or unmark a post as helpful; returns whether it is marked now."""
    if not policy.allowed(user, "forum.mark_helpful", post):
        raise PermissionDenied
    deleted, _rows = HelpfulMark.objects.filter(post=post, user=user).delete()
    if deleted:
        return False
    HelpfulMark.objects.create(post=post, user=user)
    return True


@transaction.atomic
def set_lesson(*, topic: Topic, user: Any, value: bool) -> Topic:
    topic = Topic.objects.select_for_update(of=("self",)).select_related("space").get(pk=topic.pk)
    if not policy.allowed(user, "forum.mark_lesson", topic):
        raise PermissionDenied
    topic.is_lesson = value
    topic.save(update_fields=["is_lesson"])
    send_lesson_changed(topic)
    events.publish_topic_changed(topic)
    return topic


def set_subscription(*, topic: Topic, user: Any, subscribed: bool) -> None:
    if not policy.allowed(user, "forum.read_space", topic.space):
        raise PermissionDenied
    if subscribed:
        Subscription.objects.get_or_create(topic=topic, user=user)
    else:
        Subscription.objects.filter(topic=topic, user=user).delete()


def mark_read(*, topic: Topic, user: Any, up_to_post_id: int, at: Any = None) -> None:
    """Move the user's read position forward (never back). ``at``: when it was read, for demo
    history (``seed_demo``); people read now."""
    at = at or timezone.now()
    updated = ReadState.objects.filter(
        topic=topic, user=user, last_read_post_id__lt=up_to_post_id
    ).update(last_read_post_id=up_to_post_id, updated_at=at)
    if not updated:
        ReadState.objects.get_or_create(
            topic=topic, user=user, defaults={"last_read_post_id": up_to_post_id, "updated_at": at}
        )
