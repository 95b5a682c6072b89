"""Private two-person conversations and blocks."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from ..models import ContactBlock, Conversation, ConversationMessage
from .access import EVERYTHING


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
