"""Reads that depend on who asks; each result is already filtered by ``forum.rules``."""

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
    Min,
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
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules as policy
from .models import (
    Attachment,
    Consortium,
    ContactBlock,
    Conversation,
    ConversationMessage,
    HelpfulMark,
    Invitation,
    Membership,
    ModerationLogEntry,
    Phase,
    Post,
    ReadState,
    Report,
    Role,
    ShareConsent,
    ShareProposal,
    Space,
    Subscription,
    Tag,
    Topic,
    Town,
)


def consortia_visible_to(user: Any) -> QuerySet[Consortium]:
    """Consortia whose existence ``user`` may know: their own, or all for admins."""
    consortia = Consortium.objects.select_related("lead_town").order_by("name")
    if policy.is_admin(user):
        return consortia
    if user is None or not user.is_authenticated or not user.is_active:
        return consortia.none()
    return consortia.filter(memberships__user=user)


def consortia_managed_by(user: Any) -> QuerySet[Consortium]:
    """Consortia in which ``user`` may invite and remove members."""
    consortia = Consortium.objects.order_by("name")
    if policy.is_admin(user):
        return consortia
    if user is None or not user.is_authenticated or not user.is_active:
        return consortia.none()
    return consortia.filter(
        memberships__user=user, memberships__role__in=[Role.COACH, Role.CORE_TEAM]
    )


def consortium_for_overview(slug: str, user: Any) -> Consortium | None:
    """The consortium with towns and phases loaded, or ``None`` when ``user`` may not see it."""
    consortium = (
        consortia_visible_to(user)
        .prefetch_related(
            Prefetch("towns", queryset=Town.objects.order_by("name")),
            Prefetch("phases", queryset=Phase.objects.order_by("start")),
        )
        .filter(slug=slug)
        .first()
    )
    return consortium


def memberships_of(consortium: Consortium) -> QuerySet[Membership]:
    """Members of a consortium with profile and town, town staff grouped by town name."""
    return (
        Membership.objects.filter(consortium=consortium, user__is_active=True)
        .select_related("user__profile__town")
        .prefetch_related("user__memberships")
        .order_by("user__profile__town__name", "user__profile__display_name")
    )


def pending_invitations(consortium: Consortium) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            consortium=consortium,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("town", "invited_by__profile")
        .order_by("-sent_at")
    )


def profile_user_visible_to(user_id: int, viewer: Any) -> Any | None:
    """The user behind a profile page, or ``None`` if ``viewer`` shares no consortium with them."""
    User = get_user_model()
    other = User.objects.select_related("profile__town").filter(pk=user_id, is_active=True).first()
    if other is None or not policy.allowed(viewer, "forum.see_profile", other):
        return None
    return other


# A condition true for every row that, unlike ``Q()``, keeps its meaning when OR-ed with
# others (``Q(a) | Q()`` is just ``Q(a)``: an admin would lose everything but ``a``).
EVERYTHING = ~Q(pk__in=[])


def readable_spaces_q(user: Any, prefix: str = "") -> Q:
    """The filter for spaces ``user`` may read, as a membership semi-join (never a list of ids).

    ``prefix`` is the path from the queried model to ``Space`` (``"space__"`` for topics).
    Mirrors ``forum.rules.can_read_space``; a test asserts the two agree.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if policy.is_admin(user):
        return EVERYTHING
    # A semi-join per row (EXISTS) rather than joining all memberships of every consortium
    # and filtering them afterwards.
    readable = Q(
        Exists(
            Membership.objects.filter(user=user, consortium_id=OuterRef(f"{prefix}consortium_id"))
        )
    )
    if policy.is_signed_in_member(user) or policy.is_editor(user):
        readable |= Q(**{f"{prefix}consortium__isnull": True})
    return readable


def readers_of(space: Space) -> QuerySet[Any]:
    """Everyone who may read ``space``: the queryset side of ``forum.rules.can_read_space``
    (a test asserts the two agree), for fan-outs that must not ask person by person."""
    readers = Q(is_superuser=True)
    if space.is_academy_wide:
        readers |= Q(memberships__isnull=False) | Q(groups__name=policy.EDITOR_GROUP)
    else:
        readers |= Q(memberships__consortium_id=space.consortium_id)
    return get_user_model().objects.filter(readers, is_active=True).distinct()


def editors_and_admins() -> QuerySet[Any]:
    """Active editors and admins: the queryset side of ``forum.rules.is_editor | is_admin``
    (a test asserts the two agree), e.g. for who handles reports of barriers."""
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=policy.EDITOR_GROUP), is_active=True)
        .distinct()
    )


def moderated_spaces_q(user: Any, prefix: str = "") -> Q:
    """The filter for spaces ``user`` moderates: the queryset side of
    ``forum.rules.can_moderate_space`` (a test asserts the two agree)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if policy.is_admin(user):
        return EVERYTHING
    moderated = Q(**{f"{prefix}consortium_id__in": policy.guided_consortium_ids(user)})
    if policy.is_core_team_anywhere(user):
        moderated |= Q(**{f"{prefix}consortium__isnull": True})
    return moderated


def moderators_of(space: Space) -> QuerySet[Any]:
    """Everyone who moderates ``space``: the user side of ``can_moderate_space``."""
    moderators = Q(is_superuser=True)
    if space.is_academy_wide:
        moderators |= Q(memberships__role=Role.CORE_TEAM)
    else:
        moderators |= Q(
            memberships__consortium_id=space.consortium_id,
            memberships__role__in=[Role.COACH, Role.CORE_TEAM],
        )
    return get_user_model().objects.filter(moderators, is_active=True).distinct()


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


def open_reports(space: Space) -> QuerySet[Report]:
    return (
        Report.objects.filter(post__topic__space=space)
        .select_related(
            "post__topic",
            "post__author__profile__town",
            "reporter__profile__town",
            "handled_by__profile__town",
        )
        .prefetch_related(
            "post__author__memberships", "reporter__memberships", "handled_by__memberships"
        )
        .order_by(F("handled_at").asc(nulls_first=True), "-created_at")
    )


def moderation_log(consortium: Consortium | None) -> QuerySet[ModerationLogEntry]:
    return (
        ModerationLogEntry.objects.filter(consortium=consortium)
        .select_related("actor__profile__town", "space", "topic")
        .prefetch_related("actor__memberships")
    )


def move_targets(topic: Topic, moderator: Any) -> QuerySet[Space]:
    """Where a moderator may move a topic: its consortium's spaces, and the academy-wide ones
    for those who may move across (``forum.move_across_spaces``: not coaches).

    From an academy-wide space, core-team members may also move into their consortia's spaces.
    """
    targets = Q(consortium__isnull=True)
    if topic.space.consortium_id:
        targets = Q(consortium_id=topic.space.consortium_id)
        if policy.allowed(moderator, "forum.move_across_spaces", topic.space):
            targets |= Q(consortium__isnull=True)
    elif policy.is_admin(moderator):
        targets = Q()
    else:
        targets |= Q(
            consortium__memberships__user=moderator,
            consortium__memberships__role=Role.CORE_TEAM,
        )
    return Space.objects.filter(targets).exclude(pk=topic.space_id).order_by("name")


# --- sharing with consent ------------------------------------------------------------------


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


# --- private conversations -----------------------------------------------------------------


def conversations_q(user: Any) -> Q:
    """The queryset side of ``forum.read_conversation``: the two participants only (admins
    too see only their own), a test asserts the two agree."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ~EVERYTHING
    return Q(first=user) | Q(second=user)


def conversations_of(user: Any) -> QuerySet[Conversation]:
    """``user``'s conversations, latest activity first, with both people and the last
    message's text for the list (one query whatever the number of messages)."""
    last = ConversationMessage.objects.filter(conversation=OuterRef("pk")).order_by("-pk")
    return (
        Conversation.objects.filter(conversations_q(user))
        .select_related("first__profile", "second__profile")
        .annotate(
            last_body=Subquery(last.values("body")[:1]),
            last_author_id=Subquery(last.values("author_id")[:1]),
        )
        .order_by("-last_message_at", "-pk")
    )


def conversation_for(pk: int, user: Any) -> Conversation | None:
    return (
        Conversation.objects.filter(conversations_q(user), pk=pk)
        .select_related("first__profile", "second__profile")
        .first()
    )


def messages_of(conversation: Conversation) -> QuerySet[ConversationMessage]:
    return ConversationMessage.objects.filter(conversation=conversation).order_by("pk")


def message_page(
    conversation: Conversation, *, before: int | None, per_page: int
) -> tuple[list[ConversationMessage], int | None]:
    """The ``per_page`` messages before ``before`` (the newest without it), oldest first, and
    the id to page back from when older ones exist. Authors come from the conversation, so
    the page costs the same few queries for 1 and for 1,000 messages."""
    messages = messages_of(conversation)
    if before is not None:
        messages = messages.filter(pk__lt=before)
    newest = list(messages.order_by("-pk")[: per_page + 1])
    older = newest[per_page - 1].pk if len(newest) > per_page else None
    page = list(reversed(newest[:per_page]))
    attach_authors(conversation, page)
    return page, older


def messages_after(
    conversation: Conversation, *, after: int, limit: int
) -> list[ConversationMessage]:
    """What followed message ``after``, for the open page's catch-up."""
    page = list(messages_of(conversation).filter(pk__gt=after)[:limit])
    attach_authors(conversation, page)
    return page


def attach_authors(conversation: Conversation, messages: list[ConversationMessage]) -> None:
    """Set each message's author from the conversation's two (loaded) people: no query."""
    people = {p.pk: p for p in (conversation.first, conversation.second) if p is not None}
    for message in messages:
        message.author = people.get(message.author_id)


def blocks_of(user: Any) -> QuerySet[ContactBlock]:
    return (
        ContactBlock.objects.filter(blocker=user)
        .select_related("blocked__profile")
        .order_by("-created_at", "-pk")
    )
