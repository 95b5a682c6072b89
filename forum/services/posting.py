"""Writing in the forum: topics, replies, edits and deletions by their authors, with the text
checks, the rate limit, mentions, attachments, idempotent submits and edit conflicts."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events, notifications, selectors
from .. import rules as policy
from ..markdown import Mention, render_markdown
from ..models import (
    Attachment,
    Post,
    PostRevision,
    ReadState,
    Space,
    Subscription,
    Tag,
    Topic,
)
from ..signals import send_lesson_changed
from ..streams import space_stream
from ..text import clean_line, require_visible
from ..uploads import check_uploads, make_thumbnail

MAX_POST_LENGTH = 20_000
MAX_POSTS_PER_MINUTE = 10


def _clean_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": _("Bitte schreiben Sie einen Text.")})
    require_visible(body, field="body")
    if len(body) > MAX_POST_LENGTH:
        raise ValidationError(
            {
                "body": _("Der Text ist %(length)s Zeichen lang; erlaubt sind höchstens %(max)s.")
                % {"length": f"{len(body):,}".replace(",", "."), "max": "20.000"}
            }
        )
    return body


def _check_rate(author: Any) -> None:
    since = timezone.now() - timedelta(minutes=1)
    if Post.objects.filter(author=author, created_at__gte=since).count() >= MAX_POSTS_PER_MINUTE:
        raise ValidationError(
            _(
                "Sie haben in der letzten Minute schon %(max)s Beiträge geschrieben. Bitte warten "
                "Sie einen Moment; Ihr Text bleibt im Formular erhalten."
            )
            % {"max": MAX_POSTS_PER_MINUTE}
        )


def _resolver_for(space: Space):
    """Mentions resolve by username to people who can read ``space``; others stay plain text."""
    readers = selectors.readers_of(space).select_related("profile")

    def resolve(handle: str) -> Mention | None:
        user = readers.filter(username__iexact=handle).first()
        if user is None:
            return None
        label = getattr(getattr(user, "profile", None), "display_name", "") or user.username
        return Mention(
            handle=handle,
            url=reverse("forum:profile", kwargs={"user_id": user.pk}),
            label=label,
        )

    return resolve


def _render(body: str, space: Space) -> tuple[str, list[Any]]:
    html, mentions = render_markdown(body, resolve_mention=_resolver_for(space))
    # The resolver matched case-insensitively; so must this lookup, or "@Anna.Berger" would be
    # a link without a notification.
    handles = Q()
    for mention in mentions:
        handles |= Q(username__iexact=mention.handle)
    users = list(get_user_model().objects.filter(handles)) if mentions else []
    return html, users


def render_body(*, body: str, space: Space) -> tuple[str, list[Any]]:
    """The HTML of a post's text in ``space`` and the people it mentions, as a new post would
    render it (for callers that rewrite stored text, e.g. the erasure of an account)."""
    return _render(body, space)


def _store_attachments(post: Post, uploads: list[Any]) -> None:
    for checked, upload in zip(check_uploads(uploads), uploads, strict=True):
        attachment = Attachment(
            post=post,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
        )
        upload.seek(0)
        attachment.file.save(f"upload.{checked.extension}", upload, save=False)
        if checked.kind == "image":
            upload.seek(0)
            thumbnail = make_thumbnail(upload)
            attachment.thumbnail.save(thumbnail.name, thumbnail, save=False)
        attachment.save()


def _existing_post(author: Any, idempotency_key: uuid.UUID | None) -> Post | None:
    """The post an earlier submission with this key created. Asked under a lock on the
    author's row (call inside atomic): two identical submits at the same moment wait for each
    other, and the second finds the first one's post instead of failing on the unique key.
    ``FOR NO KEY UPDATE``: rows that reference the author (a notification another reply
    writes for its followers) need ``KEY SHARE`` on it at commit; ``FOR UPDATE`` made them
    wait, and deadlock against a reply holding the space's stream head."""
    if idempotency_key is None:
        return None
    authors = get_user_model().objects.select_for_update(no_key=True).filter(pk=author.pk)
    list(authors.values_list("pk"))
    return Post.objects.filter(author=author, idempotency_key=idempotency_key).first()


def _add_post(
    *,
    topic: Topic,
    author: Any,
    body: str,
    uploads: list[Any],
    idempotency_key: uuid.UUID | None,
    at: datetime,
) -> Post:
    html, mentioned = _render(body, topic.space)
    check_uploads(uploads)  # validate before anything is written
    post = Post.objects.create(
        topic=topic,
        author=author,
        body=body,
        body_html=html,
        idempotency_key=idempotency_key,
        created_at=at,
    )
    post.mentions.set(mentioned)
    _store_attachments(post, uploads)
    Subscription.objects.get_or_create(topic=topic, user=author, defaults={"created_at": at})
    events.publish_post(post, "post.created")
    ReadState.objects.update_or_create(
        topic=topic,
        user=author,
        defaults={"last_read_post_id": post.pk, "updated_at": post.created_at},
    )
    return post


@transaction.atomic
def create_topic(
    *,
    space: Space,
    author: Any,
    title: str,
    body: str,
    tags: list[Tag] | None = None,
    uploads: list[Any] | None = None,
    idempotency_key: uuid.UUID | None = None,
    at: datetime | None = None,
) -> Topic:
    """Open a topic with its first post. A repeated submission returns the first topic.
    ``at``: when it was written, for demo history (``seed_demo``); people post now."""
    if not policy.allowed(author, "forum.post_in_space", space):
        raise PermissionDenied
    existing = _existing_post(author, idempotency_key)
    if existing is not None:
        return existing.topic
    title = clean_line(title, field="title")
    if len(title) < 3:
        raise ValidationError(
            {"title": _("Bitte geben Sie einen Titel mit mindestens 3 Zeichen an.")}
        )
    if len(title) > 200:
        raise ValidationError({"title": _("Der Titel darf höchstens 200 Zeichen lang sein.")})
    body = _clean_body(body)
    _check_rate(author)
    at = at or timezone.now()
    topic = Topic.objects.create(
        space=space, title=title, author=author, created_at=at, last_activity_at=at
    )
    if tags:
        topic.tags.set(tags)
    post = _add_post(
        topic=topic,
        author=author,
        body=body,
        uploads=uploads or [],
        idempotency_key=idempotency_key,
        at=at,
    )
    Topic.objects.filter(pk=topic.pk).update(last_post=post, last_activity_at=post.created_at)
    topic.last_post = post
    notifications.notify_post(post=post, mentioned=post.mentions.all(), is_reply=False)
    notifications.notify_new_topic(topic=topic, post=post)
    events.publish(
        space_stream(space.pk),
        "topic.created",
        {
            "topic_id": topic.pk,
            "space_id": space.pk,
            "title": topic.title,
            "url": topic.get_absolute_url(),
        },
    )
    return topic


@transaction.atomic
def post_reply(
    *,
    topic: Topic,
    author: Any,
    body: str,
    uploads: list[Any] | None = None,
    idempotency_key: uuid.UUID | None = None,
    at: datetime | None = None,
) -> Post:
    """Reply to a topic. A repeated submission (same idempotency key) returns the first post.
    ``at``: when it was written, for demo history (``seed_demo``); people post now."""
    existing = _existing_post(author, idempotency_key)
    if existing is not None:
        return existing
    topic = Topic.objects.select_for_update(of=("self",)).select_related("space").get(pk=topic.pk)
    if not policy.allowed(author, "forum.reply_to_topic", topic):
        if topic.is_locked and policy.allowed(author, "forum.post_in_space", topic.space):
            raise ValidationError(_("Diese Diskussion ist gesperrt; Antworten sind nicht möglich."))
        raise PermissionDenied
    body = _clean_body(body)
    _check_rate(author)
    post = _add_post(
        topic=topic,
        author=author,
        body=body,
        uploads=uploads or [],
        idempotency_key=idempotency_key,
        at=at or timezone.now(),
    )
    Topic.objects.filter(pk=topic.pk).update(
        last_post=post, last_activity_at=post.created_at, reply_count=F("reply_count") + 1
    )
    topic.refresh_from_db(fields=["reply_count", "last_post", "last_activity_at"])
    if topic.is_lesson:
        send_lesson_changed(topic)
    events.publish(
        space_stream(topic.space_id), "topic.activity", events.topic_activity_payload(topic)
    )
    notifications.notify_post(post=post, mentioned=post.mentions.all(), is_reply=True)
    return post


@transaction.atomic
def edit_post(*, post: Post, editor: Any, body: str, based_on: str | None = None) -> Post:
    """Replace the text; the previous version is kept as a revision. ``based_on``: the
    ``Post.version`` the editor started from (an edit saved since is a conflict)."""
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("topic__space").get(pk=post.pk)
    )
    if not policy.allowed(editor, "forum.change_own_post", post):
        raise PermissionDenied
    require_unchanged(version=post.version, based_on=based_on)
    body = _clean_body(body)
    if body == post.body:
        return post
    PostRevision.objects.create(
        post=post, body=post.body, created_at=post.edited_at or post.created_at, replaced_by=editor
    )
    post.body = body
    post.body_html, mentioned = _render(body, post.topic.space)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    if post.topic.is_lesson:
        send_lesson_changed(post.topic)
    already_mentioned = set(post.mentions.values_list("pk", flat=True))
    post.mentions.set(mentioned)
    notifications.notify_mentions(
        post=post, user_ids={user.pk for user in mentioned} - already_mentioned
    )
    events.publish_post(post, "post.changed", "edited")
    return post


@transaction.atomic
def delete_post(*, post: Post, actor: Any) -> Post:
    """Soft delete by the author: others see „Beitrag gelöscht“, moderators keep the text."""
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("topic__space").get(pk=post.pk)
    )
    if not policy.allowed(actor, "forum.change_own_post", post):
        raise PermissionDenied
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    if post.topic.is_lesson:
        send_lesson_changed(post.topic)
    notifications.counter.touch_recipients(Q(post=post))
    events.publish_post(post, "post.changed", "deleted")
    return post


class EditConflict(ValidationError):
    """Someone saved after the form was loaded: nothing is overwritten unseen."""


def require_unchanged(*, version: str, based_on: str | None) -> None:
    """Optimistic check of an edit: ``based_on`` is the version the form was loaded with
    (``None``: the caller has none, no check). Call with the row locked."""
    if based_on is not None and based_on != version:
        raise EditConflict(
            _(
                "Inzwischen hat jemand anderes hier gespeichert. Ihre Eingaben sind erhalten; "
                "prüfen Sie die gespeicherte Fassung und speichern Sie erneut, um sie zu ersetzen."
            ),
            code="conflict",
        )
