"""Erasure of an account (GDPR Art. 17), asked for by the person or run by an admin.

Posts and topics point at their author with ``PROTECT``. What stays of a person's writing is
attributed to one shared, inactive account, "ehemaliges Mitglied" (``former_member_account``),
not to a scrubbed row per person: a row per person would still tie all of a person's posts
together under one id (pseudonymous, and so still personal data that style and context can
re-identify); with one shared account, no post can be linked to another post of the same person.

``erase_person`` runs everything in one transaction: the sections of higher apps (workshops,
cms: registered in their ``AppConfig.ready()``, so the forum does not import them) and then the
forum's own parts; the farewell email is queued last, after every other row that held the
address is gone, and the account row is deleted at the very end (its cascades remove profile,
email addresses, authenticators, memberships, read states, subscriptions, helpful marks, reports
made, presence rows, notifications to the person and their blocks). Private conversations stay
with the other person (``_conversations``). Sockets and sessions end when the
transaction commits (session rows deleted here; ``forum.apps`` tells the sockets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks_db.models import DBTaskResult
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, PageLogEntry

from .. import events, mail, notifications
from .. import rules as policy
from ..markdown import render_markdown
from ..models import (
    Attachment,
    Consortium,
    Conversation,
    ConversationMessage,
    Invitation,
    Membership,
    ModerationLogEntry,
    Notification,
    OutgoingEmail,
    Post,
    PostRevision,
    Profile,
    Report,
    Role,
    ShareConsent,
    ShareProposal,
    StreamEvent,
    StreamHead,
    Topic,
    display_name,
)
from ..notifications.email import send_notification_email
from ..services.posting import render_body
from ..sessions import user_id_in
from ..signals import membership_changed, send_lesson_changed
from ..streams import personal_stream
from .export import delete_exports_of
from .scrubbing import (
    FORMER_MEMBER_NAME,
    MENTION_MARKER,
    MIN_SCRUBBED_LENGTH,
    mention_pattern,
    names_in,
    rows_mentioning,
    scrub_json,
    scrub_names,
)

# "#" is outside what usernames may contain (Django's validator, allauth's generator from a
# display name or address), so no sign-up or admin form can take this account's name first.
FORMER_MEMBER_USERNAME = "#ehemaliges-mitglied"
LOG_ACTION = "forum.erase_account"
FAREWELL_SUBJECT = gettext_noop("Ihr Konto wurde gelöscht")
MANAGER_ROLES = (Role.COACH, Role.CORE_TEAM)


@dataclass
class Erasure:
    """What the sections of an erasure share. ``person`` is still in the database while the
    sections run; ``names`` are the strings that must not remain anywhere (display name,
    username, email addresses); ``touched`` collects people whose bells must count again."""

    person: Any
    delete_posts: bool
    actor: Any
    former_member: Any
    names: tuple[str, ...]
    touched: set[int] = field(default_factory=set)

    def scrub(self, text: str) -> str:
        """``text`` with every name replaced by "ehemaliges Mitglied"."""
        return scrub_names(text, self.names)


Section = Callable[[Erasure], None]
_sections: dict[str, Section] = {}


def register_section(name: str, section: Section) -> None:
    """A higher app's part of every erasure (called inside the transaction, before the forum's
    own parts, while the person still has their memberships)."""
    _sections[name] = section


def former_member_account() -> Any:
    """The one shared account former members' posts are attributed to: inactive, without
    password, email or membership, so nobody can sign in as it or open its profile."""
    User = get_user_model()
    account, created = User.objects.get_or_create(
        username=FORMER_MEMBER_USERNAME, defaults={"is_active": False, "email": ""}
    )
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
        Profile.objects.create(user=account, display_name=FORMER_MEMBER_NAME)
    return account


def consortia_needing_handover(person: Any) -> list[Consortium]:
    """Active consortia (today between start and end) where ``person`` is the last coach or
    core-team member: someone must take over their role before the account can go."""
    today = timezone.localdate()
    managed = Consortium.objects.filter(
        start__lte=today,
        end__gte=today,
        memberships__user=person,
        memberships__role__in=MANAGER_ROLES,
    )
    others = Membership.objects.filter(
        consortium=models.OuterRef("pk"), role__in=MANAGER_ROLES, user__is_active=True
    ).exclude(user=person)
    return list(managed.exclude(models.Exists(others)).distinct().order_by("name"))


def require_no_handover(person: Any) -> None:
    consortia = consortia_needing_handover(person)
    if consortia:
        raise ValidationError(
            _(
                "Das Konto kann noch nicht gelöscht werden: Es ist die letzte Kleinstadtpatin, "
                "der letzte Kleinstadtpate oder das letzte Kernteam-Mitglied im laufenden "
                "Verbund %(names)s. Bitte übergeben Sie die Rolle zuerst an eine andere Person."
            )
            % {"names": ", ".join(f"„{consortium.name}“" for consortium in consortia)},
            code="handover",
        )


def log_label(account_id: int) -> str:
    return _("Konto #%(id)s gelöscht") % {"id": account_id}


@transaction.atomic
def erase_person(*, person: Any, delete_posts: bool, actor: Any) -> int:
    """Delete ``person``'s account and everything that names them; returns the id the account
    had (for the log and the confirmation). ``delete_posts``: their posts are emptied and shown
    as deleted (files removed) instead of kept as "ehemaliges Mitglied"."""
    User = get_user_model()
    if not policy.allowed(actor, "forum.erase_account", person):
        raise PermissionDenied
    person = (
        User.objects.select_for_update(of=("self",)).select_related("profile").get(pk=person.pk)
    )
    if person.username == FORMER_MEMBER_USERNAME:
        raise PermissionDenied
    require_no_handover(person)
    addresses = {person.email, *person.emailaddress_set.values_list("email", flat=True)} - {""}
    erasure = Erasure(
        person=person,
        delete_posts=delete_posts,
        actor=actor,
        former_member=former_member_account(),
        names=tuple({display_name(person), person.username, *addresses}),
    )
    farewell_to = person.email or next(iter(sorted(addresses)), "")
    farewell_language = mail.language_of(person)
    account_id = person.pk

    for section in _sections.values():
        section(erasure)
    _sharing(erasure)
    _posts(erasure)
    _mentions(erasure)
    _conversations(erasure)
    removed_notifications = _notifications(erasure)
    _invitations(erasure, addresses)
    _free_text(erasure)
    removed_emails = _outgoing_email(erasure, addresses)
    _queued_tasks(notification_ids=removed_notifications, email_ids=removed_emails)
    _streams(erasure)
    _end_sessions(person)
    _memberships(person)
    delete_exports_of(person)
    _admin_log(erasure)
    log(
        instance=person,
        action=LOG_ACTION,
        user=None if actor is None or actor.pk == person.pk else actor,
        title=log_label(account_id),
        data={"posts_deleted": delete_posts},
    )
    if farewell_to:
        _queue_farewell(to=farewell_to, language=farewell_language, delete_posts=delete_posts)
    person.delete()
    notifications.counter.touch(erasure.touched - {account_id})
    return account_id


# --- the forum's parts ---------------------------------------------------------------------


def _posts(erasure: Erasure) -> None:
    person, former = erasure.person, erasure.former_member
    posts = Post.objects.filter(author=person)
    if erasure.delete_posts:
        now = timezone.now()
        # Files leave storage only once the erasure committed (a refusal keeps them).
        for attachment in Attachment.objects.filter(post__author=person):
            for stored in (attachment.file, attachment.thumbnail):
                if stored:
                    transaction.on_commit(
                        lambda name=stored.name, storage=stored.storage: storage.delete(name)
                    )
        Attachment.objects.filter(post__author=person).delete()
        PostRevision.objects.filter(post__author=person).delete()
        erasure.touched.update(
            Notification.objects.filter(post__author=person).values_list("recipient_id", flat=True)
        )
        Notification.objects.filter(post__author=person).delete()
        deleted = list(posts.select_related("topic"))
        posts.filter(deleted_at__isnull=True).update(deleted_at=now)
        posts.update(author=former, body="", body_html="", idempotency_key=None)
        send_lesson_changed(*{post.topic for post in deleted if post.topic.is_lesson})
        for post in deleted:
            events.publish_post(post, "post.changed", "deleted")
    else:
        posts.update(author=former, idempotency_key=None)
    Topic.objects.filter(author=person).update(author=former)


def _sharing(erasure: Erasure) -> None:
    """Answers to proposals to share follow the posts they are about: they stay with
    "ehemaliges Mitglied" (the copies are posts, and follow the posts choice). The person's
    reasons for proposing are their writing: emptied with the posts; the proposals themselves
    lose their proposer with the account."""
    person = erasure.person
    ShareConsent.objects.filter(author=person).update(author=erasure.former_member)
    if erasure.delete_posts:
        ShareProposal.objects.filter(proposer=person).update(note="")


def _conversations(erasure: Erasure) -> None:
    """Private conversations stay readable for the other person, without the erased name:
    the person's side and their messages' author become empty with the account (shown as
    "ehemaliges Mitglied"); their messages are emptied like their posts when they chose that;
    their name in the other person's messages is replaced. A conversation whose other side is
    gone too has no reader left and goes. (Blocks go with the account.)"""
    person = erasure.person
    theirs = Conversation.objects.filter(Q(first=person) | Q(second=person))
    theirs.filter(Q(first__isnull=True) | Q(second__isnull=True)).delete()
    if erasure.delete_posts:
        ConversationMessage.objects.filter(author=person).update(
            body="", body_html="", removed_at=timezone.now()
        )
    naming = Q()
    for name in erasure.names:
        if len(name) >= MIN_SCRUBBED_LENGTH:
            naming |= Q(body__icontains=name)
    if not naming:
        return
    others = ConversationMessage.objects.filter(naming, conversation__in=theirs).exclude(
        author=person
    )
    for message in others:
        message.body = erasure.scrub(message.body)
        message.body_html, _mentioned = render_markdown(message.body)
        message.save(update_fields=["body", "body_html"])


def _mentions(erasure: Erasure) -> None:
    """@mentions of the person in anyone's posts and revisions become a neutral marker, and
    their name, username or address written out in plain text becomes "ehemaliges Mitglied";
    posts are rendered again, so no link or name of the person stays in their HTML."""
    pattern = mention_pattern(erasure.person.username)
    handle = "@" + erasure.person.username
    naming = Q(body__icontains=handle)
    for name in erasure.names:
        if len(name) >= MIN_SCRUBBED_LENGTH:
            naming |= Q(body__icontains=name)
    mentioning = Post.objects.filter(naming | Q(mentions=erasure.person)).select_related(
        "topic__space"
    )
    lessons = set()
    for post in mentioning.distinct():
        post.body = erasure.scrub(pattern.sub(MENTION_MARKER, post.body))
        post.body_html, mentioned = render_body(body=post.body, space=post.topic.space)
        post.save(update_fields=["body", "body_html"])
        post.mentions.set([user for user in mentioned if user.pk != erasure.person.pk])
        events.publish_post(post, "post.changed", "edited")
        if post.topic.is_lesson:
            lessons.add(post.topic)
    send_lesson_changed(*lessons)
    for revision in PostRevision.objects.filter(naming):
        revision.body = erasure.scrub(pattern.sub(MENTION_MARKER, revision.body))
        revision.save(update_fields=["body"])


def _notifications(erasure: Erasure) -> list[int]:
    """Notifications about the person (they acted, or their name is in the title or excerpt)
    go; those to the person go with the account. Returns the ids removed."""
    person = erasure.person
    naming = Q()
    for name in erasure.names:
        naming |= Q(title__icontains=name) | Q(excerpt__icontains=name)
    named = [
        notification.pk
        for notification in Notification.objects.filter(naming).only("title", "excerpt")
        if names_in(f"{notification.title}\n{notification.excerpt}", erasure.names)
    ]
    rows = Notification.objects.filter(Q(actor=person) | Q(recipient=person) | Q(pk__in=named))
    removed = list(rows.values_list("pk", flat=True))
    erasure.touched.update(rows.values_list("recipient_id", flat=True))
    rows.delete()
    return removed


def _invitations(erasure: Erasure, addresses: set[str]) -> None:
    """Invitations to the person's addresses go; those they sent stay with the consortium
    (their sender is emptied with the account), so an invitee can still accept."""
    to_them = Q()
    for address in addresses:
        to_them |= Q(email__iexact=address)
    if to_them:
        Invitation.objects.filter(to_them).delete()


def _free_text(erasure: Erasure) -> None:
    """The person's name in text other people wrote about them (moderation log, reports,
    reasons for hiding, topic titles) becomes "ehemaliges Mitglied"."""
    for model, fields in (
        (ModerationLogEntry, ("subject", "reason")),
        (Report, ("reason", "resolution")),
        (Post, ("hidden_reason",)),
        (Topic, ("title",)),
        (ShareProposal, ("note",)),
    ):
        condition = Q()
        for name in erasure.names:
            for field_name in fields:
                condition |= Q(**{f"{field_name}__icontains": name})
        for row in model.objects.filter(condition):
            for field_name in fields:
                setattr(row, field_name, erasure.scrub(getattr(row, field_name)))
            row.save(update_fields=list(fields))
            if model is Topic and row.is_lesson:
                send_lesson_changed(row)


def _outgoing_email(erasure: Erasure, addresses: set[str]) -> list[int]:
    """Emails to the person (sent or not) go; unsent emails to others that name them (an
    invitation they sent) lose the name. Returns the ids removed."""
    to_them = Q(recipient=erasure.person)
    for address in addresses:
        to_them |= Q(to__iexact=address)
    rows = OutgoingEmail.objects.filter(to_them)
    removed = list(rows.values_list("pk", flat=True))
    rows.delete()
    naming = Q()
    for name in erasure.names:
        naming |= Q(subject__icontains=name) | Q(text__icontains=name) | Q(html__icontains=name)
    for email in OutgoingEmail.objects.filter(naming, sent_at__isnull=True):
        email.subject = erasure.scrub(email.subject)
        email.text = erasure.scrub(email.text)
        email.html = erasure.scrub(email.html)
        email.save(update_fields=["subject", "text", "html"])
    return removed


def _queued_tasks(*, notification_ids: list[int], email_ids: list[int]) -> None:
    """Queued task rows (durable queue) that would send what was just removed."""
    for task_function, ids in (
        (send_notification_email, notification_ids),
        (mail.send_outgoing_email, email_ids),
    ):
        if not ids:
            continue
        wanted = set(ids)
        queued = DBTaskResult.objects.filter(
            task_path=task_function.module_path, finished_at__isnull=True
        ).only("pk", "args_kwargs")
        stale = [
            row.pk
            for row in queued
            if wanted.intersection(
                arg for arg in (row.args_kwargs or {}).get("args", []) if isinstance(arg, int)
            )
        ]
        DBTaskResult.objects.filter(pk__in=stale).delete()


def _streams(erasure: Erasure) -> None:
    """The person's own event stream goes; stored events of other streams that carry their
    name (the last poster of a topic) lose it."""
    stream = personal_stream(erasure.person.pk)
    StreamEvent.objects.filter(stream=stream).delete()
    StreamHead.objects.filter(stream=stream).delete()
    for event in rows_mentioning(StreamEvent.objects.all(), "payload", erasure.names):
        event.payload = scrub_json(event.payload, erasure.names)
        event.save(update_fields=["payload"])


def _end_sessions(person: Any) -> None:
    """Every session of the person is deleted; each deletion closes the sockets opened with it
    (``forum.apps``), after the commit. Sessions are stored encoded, so they are read to find
    the person's."""
    theirs = [
        session.pk
        for session in Session.objects.iterator()
        if user_id_in(session.get_decoded()) == person.pk
    ]
    for session in Session.objects.filter(pk__in=theirs):
        session.delete()


def _memberships(person: Any) -> None:
    """Memberships end without the moderation log's entry (which would name the person): the
    rights are derived anew and the CMS hears of it like of any change of members."""
    consortia = list(Consortium.objects.filter(memberships__user=person))
    Membership.objects.filter(user=person).delete()
    policy.forget_consortium_roles(person)
    for consortium in consortia:
        membership_changed.send(sender=Membership, consortium=consortium)


def _admin_log(erasure: Erasure) -> None:
    """Wagtail's log keeps entries about the account and by it: the ones about it are relabelled
    "Konto #id", those by it lose their user, and names inside any entry are replaced."""
    person = erasure.person
    label = log_label(person.pk)
    user_type = ContentType.objects.get_for_model(person, for_concrete_model=False)
    ModelLogEntry.objects.filter(content_type=user_type, object_id=str(person.pk)).update(
        label=label
    )
    for model in (ModelLogEntry, PageLogEntry):
        model.objects.filter(user_id=person.pk).update(user=None)
        for entry in rows_mentioning(model.objects.all(), "label", erasure.names):
            entry.label = erasure.scrub(entry.label)
            entry.save(update_fields=["label"])
        for entry in rows_mentioning(model.objects.all(), "data", erasure.names):
            entry.data = scrub_json(entry.data, erasure.names)
            entry.save(update_fields=["data"])


def _queue_farewell(*, to: str, language: str, delete_posts: bool) -> None:
    """The last email to the old address, queued without a recipient row (which the account's
    deletion would take along); its address is forgotten once it is sent (``forum.mail``)."""
    context = {"delete_posts": delete_posts}
    with translation.override(language):
        subject = _(FAREWELL_SUBJECT)
        text = render_to_string("forum/email/account_deleted.txt", context)
        html = render_to_string("forum/email/account_deleted.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=text, to=[to]
    )
    message.attach_alternative(html, "text/html")
    mail.queue_email(kind=mail.ACCOUNT_DELETED_KIND, message=message)
