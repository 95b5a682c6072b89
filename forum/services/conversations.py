"""Private two-person conversations and blocks: writing a message (checked, rendered like a
post, the other person told once per unread stretch, both people's pages told live), reading
(the "neu" marker), and blocking a person.

A conversation begins when the contact person of a case page answers a question (cms calls
``open_with_answer`` after its own check); afterwards either person writes with
``send_message``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events, notifications
from .. import rules as policy
from ..markdown import render_markdown, render_plain_snippet
from ..models import (
    ContactBlock,
    Conversation,
    ConversationMessage,
    Notification,
    NotificationKind,
    display_name,
)
from ..streams import personal_stream
from ..text import require_visible

MAX_MESSAGE_LENGTH = 5_000
MAX_MESSAGES_PER_MINUTE = 10
EXCERPT_LENGTH = 280


def clean_message(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": _("Bitte schreiben Sie eine Nachricht.")})
    require_visible(body, field="body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {
                "body": _(
                    "Die Nachricht ist %(length)s Zeichen lang; erlaubt sind höchstens %(max)s."
                )
                % {"length": f"{len(body):,}".replace(",", "."), "max": "5.000"}
            }
        )
    return body


def conversation_between(person: Any, other: Any) -> Conversation:
    """The pair's one conversation, begun if needed. Callers authorise; call inside atomic."""
    if person.pk == other.pk:
        raise ValidationError(_("Eine Unterhaltung braucht zwei Personen."))
    low, high = sorted((person, other), key=lambda user: user.pk)
    conversation, _created = Conversation.objects.get_or_create(first=low, second=high)
    conversation.first, conversation.second = low, high
    return conversation


def _add(
    conversation: Conversation, author: Any, body: str, created_at: datetime | None = None
) -> ConversationMessage:
    html, _mentions = render_markdown(body)
    message = ConversationMessage.objects.create(
        conversation=conversation,
        author=author,
        body=body,
        body_html=html,
        created_at=created_at or timezone.now(),
    )
    now = timezone.now()
    conversation.last_message_at = now
    fields = ["last_message_at"]
    # Writing is reading: one's own message is never "neu" for oneself.
    if author.pk == conversation.first_id:
        conversation.first_read_at = now
        fields.append("first_read_at")
    else:
        conversation.second_read_at = now
        fields.append("second_read_at")
    conversation.save(update_fields=fields)
    return message


def _announce(conversation: Conversation, message: ConversationMessage) -> None:
    """Both people's open pages fetch what follows their last message (ids only)."""
    for user_id in (conversation.first_id, conversation.second_id):
        if user_id is not None:
            events.publish(
                personal_stream(user_id),
                "conversation.message",
                {"conversation_id": conversation.pk, "message_id": message.pk},
            )


def _check_rate(author: Any) -> None:
    since = timezone.now() - timedelta(minutes=1)
    recent = ConversationMessage.objects.filter(author=author, created_at__gte=since).count()
    if recent >= MAX_MESSAGES_PER_MINUTE:
        raise ValidationError(
            _(
                "Sie haben in der letzten Minute schon %(max)s Nachrichten geschrieben. Bitte "
                "warten Sie einen Moment; Ihr Text bleibt im Formular erhalten."
            )
            % {"max": MAX_MESSAGES_PER_MINUTE}
        )


@transaction.atomic
def send_message(*, conversation: Conversation, author: Any, body: str) -> ConversationMessage:
    """A message from one participant to the other. The other person is notified unless a
    notice of this conversation is still unread for them (one email per unread stretch)."""
    if not policy.allowed(author, "forum.write_in_conversation", conversation):
        raise PermissionDenied
    body = clean_message(body)
    _check_rate(author)
    message = _add(conversation, author, body)
    other_id = conversation.other_id_than(author)
    url = conversation.get_absolute_url()
    waiting = Notification.objects.filter(
        recipient_id=other_id,
        kind=NotificationKind.CONVERSATION_MESSAGE,
        url=url,
        read_at__isnull=True,
    ).exists()
    if not waiting:
        notifications.notify(
            kind=NotificationKind.CONVERSATION_MESSAGE,
            recipient_ids=[other_id],
            title=_("Nachricht von %(name)s") % {"name": display_name(author)},
            url=url,
            actor=author,
            excerpt=render_plain_snippet(body, EXCERPT_LENGTH),
        )
    _announce(conversation, message)
    return message


@transaction.atomic
def open_with_answer(
    *, asker: Any, contact: Any, question: str, asked_at: datetime, answer: str, title: str
) -> Conversation:
    """The contact person answers a question: the pair's conversation gets the question (as
    the asker's message, at the time it was asked) and the answer; the asker is told
    (``contact_answered``, with ``title``). The caller (cms) authorised the answer."""
    answer = clean_message(answer)
    conversation = conversation_between(asker, contact)
    if not policy.allowed(contact, "forum.write_in_conversation", conversation):
        raise PermissionDenied
    _add(conversation, asker, question, created_at=asked_at)
    message = _add(conversation, contact, answer)
    notifications.notify(
        kind=NotificationKind.CONTACT_ANSWERED,
        recipient_ids=[asker.pk],
        title=title,
        url=conversation.get_absolute_url(),
        actor=contact,
        excerpt=render_plain_snippet(answer, EXCERPT_LENGTH),
    )
    _announce(conversation, message)
    return conversation


@transaction.atomic
def mark_conversation_read(*, conversation: Conversation, user: Any) -> None:
    """``user`` has seen everything so far: the "neu" marker and the conversation's notices
    go (only the participants' own rows are touched)."""
    if not conversation.has_participant(user):
        raise PermissionDenied
    if conversation.is_unread_for(user):
        field = "first_read_at" if user.pk == conversation.first_id else "second_read_at"
        setattr(conversation, field, timezone.now())
        conversation.save(update_fields=[field])
    unread = Notification.objects.filter(
        recipient=user, url=conversation.get_absolute_url(), read_at__isnull=True
    ).values_list("pk", flat=True)
    ids = list(unread)
    if ids:
        notifications.mark_read(user=user, notification_ids=ids)


@transaction.atomic
def block_person(*, blocker: Any, blocked: Any) -> ContactBlock:
    """``blocker`` takes no more contact requests or messages from ``blocked`` (again: no
    change)."""
    if blocker is None or not blocker.is_authenticated or blocker.pk == blocked.pk:
        raise PermissionDenied
    block, _created = ContactBlock.objects.get_or_create(blocker=blocker, blocked=blocked)
    policy.forget_blocks(blocked)
    return block


@transaction.atomic
def unblock_person(*, blocker: Any, block_id: int) -> bool:
    """Lift one of ``blocker``'s own blocks; ``False`` when there is no such block of theirs."""
    block = ContactBlock.objects.filter(blocker=blocker, pk=block_id).select_related("blocked")
    found = block.first()
    if found is None:
        return False
    found.delete()
    policy.forget_blocks(found.blocked)
    return True
