"""Spaces, topics, posts and attachments the viewer may read, with what is unread for them, and
the pages of a topic."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from ..models import (
    Attachment,
    HelpfulMark,
    Membership,
    Post,
    ReadState,
    Role,
    Space,
    Subscription,
    Tag,
    Topic,
)
from .access import readable_spaces_q


def spaces_visible_to(user: Any) -> QuerySet[Space]:
    return Space.objects.filter(readable_spaces_q(user)).select_related("consortium")


def topics_visible_to(user: Any) -> QuerySet[Topic]:
    return Topic.objects.filter(readable_spaces_q(user, "space__"))


def _last_read(user: Any) -> Subquery | Value:
    if user is None or not user.is_authenticated:
        return Value(0)
    return Subquery(
        ReadState.objects.filter(topic=OuterRef("pk"), user=user).values("last_read_post_id")[:1]
    )


def _with_unread(topics: QuerySet[Topic], user: Any) -> QuerySet[Topic]:
    """Annotate ``last_read`` and ``is_unread`` for ``user`` in the same query."""
    return topics.annotate(last_read=Coalesce(_last_read(user), Value(0))).annotate(
        is_unread=Case(
            When(last_post_id__gt=F("last_read"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def spaces_for_home(user: Any) -> list[Space]:
    """Readable spaces with topic count, unread count and last activity: the spaces, then one
    grouped pass over their topics with the reader's read state joined. (A read-state lookup per
    topic inside a subquery per space took 98 ms for an admin's 421 spaces at 1,000,000 posts.)"""
    spaces = list(
        spaces_visible_to(user).order_by(F("consortium__name").asc(nulls_first=True), "name")
    )
    if not spaces:
        return spaces
    topics = Topic.objects.filter(readable_spaces_q(user, "space__")).annotate(
        mine=FilteredRelation("read_states", condition=Q(read_states__user=user))
    )
    unread = Q(last_post_id__gt=Coalesce(F("mine__last_read_post_id"), Value(0)))
    counts = {
        row["space_id"]: row
        for row in topics.order_by()
        .values("space_id")
        .annotate(
            topic_count=Count("pk"),
            unread_count=Count("pk", filter=unread),
            last_activity_at=Max("last_activity_at"),
        )
    }
    for space in spaces:
        row = counts.get(space.pk, {})
        space.topic_count = row.get("topic_count", 0)
        space.unread_count = row.get("unread_count", 0)
        space.last_activity_at = row.get("last_activity_at")
    return spaces


def _topic_list(topics: QuerySet[Topic], user: Any) -> QuerySet[Topic]:
    return (
        _with_unread(topics, user)
        .select_related("space__consortium", "author__profile", "last_post__author__profile")
        .prefetch_related("tags")
    )


def new_for_user(user: Any, limit: int = 10) -> QuerySet[Topic]:
    """„Neu für mich“: topics with posts the user has not yet seen, newest activity first.

    In two steps: the ids walk the topics newest first (index on ``last_activity_at``) and stop
    at ``limit`` unread ones; only those are then joined with authors and spaces. Joining first
    made PostgreSQL join and sort every readable topic (75 ms at 1,000,000 posts)."""
    newest_unread = (
        _with_unread(topics_visible_to(user), user)
        .filter(is_unread=True)
        .order_by("-last_activity_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    return _topic_list(Topic.objects.filter(pk__in=list(newest_unread)), user).order_by(
        "-last_activity_at", "-pk"
    )


def topics_in_space(space: Space, user: Any, tag: Tag | None = None) -> QuerySet[Topic]:
    """The space's topics for its list; the caller has checked that ``user`` may read it."""
    topics = Topic.objects.filter(space=space)
    if tag is not None:
        topics = topics.filter(tags=tag)
    return _topic_list(topics, user).order_by("-is_pinned", "-last_activity_at", "-pk")


def space_visible_to(slug: str, user: Any) -> Space | None:
    return spaces_visible_to(user).filter(slug=slug).first()


def topic_visible_to(pk: int, user: Any) -> Topic | None:
    """The topic with its reader's state: read position (``is_unread``) and ``is_subscribed``."""
    subscribed = Subscription.objects.filter(topic_id=OuterRef("pk"), user_id=user.pk)
    return (
        _with_unread(topics_visible_to(user), user)
        .annotate(is_subscribed=Exists(subscribed))
        .select_related(
            "space__consortium", "author__profile", "share_origin__topic__space__consortium"
        )
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )


def post_visible_to(pk: int, user: Any) -> Post | None:
    return (
        Post.objects.filter(readable_spaces_q(user, "topic__space__"), pk=pk)
        .select_related("topic__space__consortium", "author__profile__town")
        .first()
    )


def attachment_visible_to(pk: int, user: Any) -> Attachment | None:
    """Attachments of deleted or hidden posts are served to moderators only (checked by view)."""
    return (
        Attachment.objects.filter(readable_spaces_q(user, "post__topic__space__"), pk=pk)
        .select_related("post__topic__space__consortium")
        .first()
    )


def posts_for_topic_page(topic: Topic) -> QuerySet[Post]:
    """Posts with everything the topic page shows, in a fixed number of queries."""
    helpful = HelpfulMark.objects.select_related("user__profile").order_by("created_at")
    # The author's role in this consortium, to label coaches and core team next to their name.
    guiding_role = Membership.objects.filter(
        user_id=OuterRef("author_id"),
        consortium_id=topic.space.consortium_id,
        role__in=[Role.COACH, Role.CORE_TEAM],
    ).values("role")[:1]
    return (
        Post.objects.filter(topic=topic)
        .select_related("author__profile__town")
        .annotate(
            author_guiding_role=Subquery(guiding_role),
            has_attachments=Exists(Attachment.objects.filter(post_id=OuterRef("pk"))),
            has_mentions=Exists(Post.mentions.through.objects.filter(post_id=OuterRef("pk"))),
        )
        # The authors' memberships: the policy's profile rule asks them, for no query per post.
        .prefetch_related(Prefetch("helpful_marks", queryset=helpful), "author__memberships")
        .order_by("pk")
    )


def load_attachments(posts: list[Post]) -> None:
    """``post.attachments.all()`` for each post, in one query and only if any post has one."""
    with_files = [post for post in posts if post.has_attachments]
    prefetch_related_objects(
        with_files, Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )


def load_mentions(posts: list[Post]) -> None:
    """``post.mentions.all()`` with each person's memberships (the profile rule asks them), in
    two queries and only if any post mentions someone."""
    with_mentions = [post for post in posts if post.has_mentions]
    people = get_user_model().objects.prefetch_related("memberships")
    prefetch_related_objects(with_mentions, Prefetch("mentions", queryset=people))


def topic_page(topic: Topic, number: Any, per_page: int) -> tuple[Page, list[Post]]:
    """One page of a topic's posts (``number=None``: the last page). The page's ids come from
    the (topic, id) index alone, then only those posts are joined with everything the page
    shows, in the same statement: an offset over all joined rows made the last page of a
    20,000-post topic 7.6× slower than its first (107 ms against 14 ms at 1,000,000 posts,
    bench/scale.py)."""
    ids = Post.objects.filter(topic=topic).values("pk")
    paginator = Paginator(ids.order_by("pk"), per_page)
    # Posts are never removed from a topic (deleting one keeps its row), so the opening post
    # and the maintained reply count are all of them: no COUNT over a 20,000-post topic.
    paginator.count = count = topic.reply_count + 1
    page = paginator.get_page(paginator.num_pages if number is None else number)
    start, end = page.start_index() - 1, page.end_index()
    if start > count // 2:
        # Pages in the back half are counted from the end (the last page is the one most read).
        page_ids = ids.order_by("-pk")[count - end : count - start]
    else:
        page_ids = ids.order_by("pk")[start:end]
    posts = list(posts_for_topic_page(topic).filter(pk__in=Subquery(page_ids)))
    load_attachments(posts)
    load_mentions(posts)
    page.object_list = posts
    return page, posts
