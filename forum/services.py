"""Every write to the community model: check, write, then notify after commit."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.utils import generate_unique_username
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import events, mail, notifications, selectors
from . import rules as policy
from .markdown import Mention, render_markdown
from .models import (
    Attachment,
    Consortium,
    HelpfulMark,
    Invitation,
    Membership,
    ModerationLogEntry,
    Post,
    PostRevision,
    Profile,
    ReadState,
    Report,
    Role,
    Space,
    Subscription,
    Tag,
    Topic,
    TopicPresence,
    Town,
    display_name,
    hash_invitation_token,
)
from .signals import membership_changed
from .text import clean_line, require_visible
from .uploads import check_uploads, make_thumbnail


class InvitationError(Exception):
    """A link that cannot be used; ``code`` selects the message shown to the visitor."""

    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    WRONG_ACCOUNT = "wrong_account"

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_url(token: str) -> str:
    return mail.site_url(reverse("forum:invitation_accept", kwargs={"token": token}))


def _queue_invitation_email(invitation: Invitation, token: str) -> None:
    inviter = getattr(invitation.invited_by, "profile", None)
    context = {
        "invitation": invitation,
        "inviter_name": inviter.display_name if inviter else _("Die Kleinstadtakademie"),
        "url": invitation_url(token),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    # Invitees have no language preference yet: the academy writes to them in German.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Einladung in den Verbund „%(name)s“") % {"name": invitation.consortium.name}
        text = render_to_string("forum/email/invitation.txt", context)
        html = render_to_string("forum/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        to=[invitation.email],
    )
    message.attach_alternative(html, "text/html")
    mail.queue_email(kind="invitation", message=message)


def _issue_token(invitation: Invitation) -> str:
    token = _new_token()
    now = timezone.now()
    invitation.token_hash = hash_invitation_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_VALID_DAYS)
    return token


def _require_manager(actor: Any, consortium: Consortium) -> None:
    if not policy.allowed(actor, "forum.manage_members", consortium):
        raise PermissionDenied
    if not policy.has_mfa(actor):
        raise PermissionDenied(_("Zum Einladen ist die Zwei-Faktor-Anmeldung nötig."))


@transaction.atomic
def invite_member(
    *,
    consortium: Consortium,
    inviter: Any,
    email: str,
    role: str,
    town: Town | None,
) -> IssuedInvitation:
    """Create an invitation and email its single-use link once the transaction commits."""
    _require_manager(inviter, consortium)
    email = email.strip().lower()
    if role not in policy.roles_assignable_by(inviter, consortium):
        raise ValidationError({"role": _("Diese Rolle dürfen Sie nicht vergeben.")})
    if role == Role.MEMBER and town is None:
        raise ValidationError(
            {"town": _("Bitte wählen Sie die Kleinstadt der eingeladenen Person.")}
        )
    if town is not None and not consortium.own_towns().filter(pk=town.pk).exists():
        raise ValidationError({"town": _("Diese Kleinstadt gehört nicht zum Verbund.")})
    if Membership.objects.filter(consortium=consortium, user__email__iexact=email).exists():
        raise ValidationError({"email": _("Diese Person ist bereits Mitglied des Verbunds.")})
    pending = Invitation.objects.select_for_update().filter(
        consortium=consortium,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise ValidationError(
            {
                "email": _(
                    "An diese Adresse ist bereits eine offene Einladung unterwegs. "
                    "Sie können sie in der Liste erneut senden."
                )
            }
        )
    invitation = Invitation(
        consortium=consortium, email=email, role=role, town=town, invited_by=inviter
    )
    token = _issue_token(invitation)
    invitation.save()
    _queue_invitation_email(invitation, token)
    return IssuedInvitation(invitation=invitation, token=token)


@transaction.atomic
def resend_invitation(*, invitation: Invitation, actor: Any) -> IssuedInvitation:
    """Send a fresh link valid for another full period; the previous link stops working."""
    _require_manager(actor, invitation.consortium)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("Diese Einladung ist nicht mehr offen."))
    token = _issue_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    _queue_invitation_email(invitation, token)
    return IssuedInvitation(invitation=invitation, token=token)


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor: Any) -> Invitation:
    _require_manager(actor, invitation.consortium)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("Diese Einladung wurde bereits angenommen."))
    if not invitation.revoked_at:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def find_invitation(token: str, *, for_update: bool = False) -> Invitation:
    """The usable invitation behind ``token``, or ``InvitationError`` saying why not."""
    invitations = Invitation.objects.select_related("consortium", "town")
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=hash_invitation_token(token)).first()
    if invitation is None:
        raise InvitationError(InvitationError.INVALID)
    if invitation.accepted_at:
        raise InvitationError(InvitationError.USED)
    if invitation.revoked_at:
        raise InvitationError(InvitationError.REVOKED)
    if invitation.expires_at <= timezone.now():
        raise InvitationError(InvitationError.EXPIRED)
    return invitation


def account_exists(email: str) -> bool:
    User = get_user_model()
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def invitation_matches_user(invitation: Invitation, user: Any) -> bool:
    """Only the account that verified the invited address may use the link."""
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


def _join(invitation: Invitation, user: Any) -> Membership:
    membership, _created = Membership.objects.get_or_create(
        user=user, consortium=invitation.consortium, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    policy.forget_consortium_roles(user)
    membership_changed.send(sender=Membership, consortium=invitation.consortium)
    notifications.notify_invitation_accepted(invitation=invitation, user=user)
    return membership


@transaction.atomic
def accept_invitation_with_signup(
    *, token: str, display_name: str, function: str, password: str
) -> Any:
    """Create the invitee's account with a verified email (the link proved it) and join."""
    display_name = clean_line(display_name, field="display_name")
    function = clean_line(function, field="function")
    invitation = find_invitation(token, for_update=True)
    if account_exists(invitation.email):
        raise InvitationError(InvitationError.WRONG_ACCOUNT)
    user = get_user_model()(
        username=generate_unique_username([display_name, invitation.email]),
        email=invitation.email,
    )
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    Profile.objects.create(
        user=user,
        display_name=display_name,
        town=invitation.town,
        function=function,
    )
    _join(invitation, user)
    return user


@transaction.atomic
def accept_invitation_as_user(*, token: str, user: Any) -> Membership:
    """An existing account joins; only the account whose email the link was sent to."""
    invitation = find_invitation(token, for_update=True)
    if not invitation_matches_user(invitation, user):
        raise InvitationError(InvitationError.WRONG_ACCOUNT)
    profile, _created = Profile.objects.get_or_create(
        user=user, defaults={"display_name": user.get_username(), "town": invitation.town}
    )
    if profile.town is None and invitation.town is not None:
        profile.town = invitation.town
        profile.save(update_fields=["town"])
    return _join(invitation, user)


@transaction.atomic
def update_profile(*, user: Any, display_name: str, function: str, bio: str) -> Profile:
    """People edit their own profile; the town is set by the invitation or by an admin."""
    profile, _created = Profile.objects.select_for_update().get_or_create(
        user=user, defaults={"display_name": display_name}
    )
    profile.display_name = display_name.strip()
    profile.function = function.strip()
    profile.bio = bio.strip()
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def remove_member(*, membership: Membership, actor: Any) -> None:
    """Remove a member (on the site and in the admin); what they wrote stays, their access
    ends with this commit."""
    _require_manager(actor, membership.consortium)
    if membership.user_id == actor.pk:
        raise ValidationError(_("Sie können sich nicht selbst aus dem Verbund entfernen."))
    _require_role_holder(actor, membership)
    membership.delete()
    _membership_ended(user=membership.user, consortium=membership.consortium, actor=actor)


@transaction.atomic
def add_member(*, user: Any, consortium: Consortium, role: str, actor: Any) -> Membership:
    """Add a person directly, without an invitation (academy admins in the Wagtail admin)."""
    _require_role_grant(actor, consortium, role)
    if Membership.objects.filter(user=user, consortium=consortium).exists():
        raise ValidationError({"user": _("Diese Person ist bereits Mitglied des Verbunds.")})
    membership = Membership.objects.create(user=user, consortium=consortium, role=role)
    _membership_began(membership)
    return membership


@transaction.atomic
def change_membership(
    *, membership: Membership, user: Any, consortium: Consortium, role: str, actor: Any
) -> Membership:
    """Change a membership's person, consortium or role (the Wagtail admin).

    Handing it to another person or moving it to another consortium ends it for the previous
    holder or consortium exactly as a removal does, and begins it for the new one."""
    current = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "consortium")
        .get(pk=membership.pk)
    )
    _require_manager(actor, current.consortium)
    _require_role_holder(actor, current)
    _require_role_grant(actor, consortium, role)
    previous_user, previous_consortium = current.user, current.consortium
    moved = (previous_user.pk, previous_consortium.pk) != (user.pk, consortium.pk)
    if moved and Membership.objects.filter(user=user, consortium=consortium).exists():
        raise ValidationError({"user": _("Diese Person ist bereits Mitglied des Verbunds.")})
    current.user, current.consortium, current.role = user, consortium, role
    current.save(update_fields=["user", "consortium", "role"])
    if moved:
        _membership_ended(user=previous_user, consortium=previous_consortium, actor=actor)
    _membership_began(current)
    return current


def _require_role_holder(actor: Any, membership: Membership) -> None:
    """Only who may grant a role may take it away (coaches do not remove the core team)."""
    if membership.role != Role.MEMBER and membership.role not in policy.roles_assignable_by(
        actor, membership.consortium
    ):
        raise PermissionDenied


def _require_role_grant(actor: Any, consortium: Consortium, role: str) -> None:
    _require_manager(actor, consortium)
    if role not in policy.roles_assignable_by(actor, consortium):
        raise ValidationError({"role": _("Diese Rolle dürfen Sie nicht vergeben.")})


def _membership_began(membership: Membership) -> None:
    """A membership began or its role changed: rights are derived anew, open streams re-check."""
    policy.forget_consortium_roles(membership.user)
    membership_changed.send(sender=Membership, consortium=membership.consortium)
    events.publish(
        f"user:{membership.user_id}", "access.changed", {"consortium_id": membership.consortium_id}
    )


def _membership_ended(*, user: Any, consortium: Consortium, actor: Any) -> None:
    """What ends with a membership, however it ends: it is logged, the person no longer
    follows the consortium's topics, rights are derived anew, and the person's open streams
    re-check their access at once (``access.changed``)."""
    ModerationLogEntry.objects.create(
        consortium=consortium,
        actor=actor,
        action=ModerationLogEntry.Action.REMOVE_MEMBER,
        subject=display_name(user),
    )
    policy.forget_consortium_roles(user)
    membership_changed.send(sender=Membership, consortium=consortium)
    Subscription.objects.filter(user=user, topic__space__consortium=consortium).delete()
    events.publish(f"user:{user.pk}", "access.changed", {"consortium_id": consortium.pk})


# --- Forum: spaces, topics, posts ------------------------------------------------------------

MAX_POST_LENGTH = 20_000
MAX_POSTS_PER_MINUTE = 10


def create_consortium_space(*, consortium: Consortium) -> Space:
    """Every consortium has its closed space; idempotent for admin hooks and the seeder."""
    space, _created = Space.objects.get_or_create(
        consortium=consortium,
        defaults={
            "name": consortium.name,
            "slug": _free_space_slug(consortium.slug),
        },
    )
    return space


@transaction.atomic
def change_space(
    *,
    space: Space,
    actor: Any,
    name: str,
    slug: str,
    consortium: Consortium | None,
    description: str,
) -> Space:
    """Edit a space (academy admins, in the Wagtail admin).

    Giving it to another consortium, or making it closed or academy-wide, changes who reads
    it: everyone on its streams and on the streams of its topics re-checks their access."""
    if not policy.is_admin(actor):
        raise PermissionDenied
    current = Space.objects.select_for_update().get(pk=space.pk)
    moved = current.consortium_id != (consortium.pk if consortium else None)
    current.name, current.slug, current.consortium = name, slug, consortium
    current.description = description
    current.full_clean()
    current.save()
    if moved:
        payload = {"space_id": current.pk}
        events.publish(f"space:{current.pk}", "access.changed", payload)
        for topic_id in current.topics.values_list("pk", flat=True).iterator():
            events.publish(f"topic:{topic_id}", "access.changed", payload)
    return current


def _free_space_slug(base: str) -> str:
    slug, number = base, 2
    while Space.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


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


def post_event_payload(post: Post) -> dict[str, Any]:
    """What every reader of a topic may learn about a post: where to fetch it for themselves."""
    return {
        "post_id": post.pk,
        "topic_id": post.topic_id,
        "fragment_url": reverse("forum:post_fragment", kwargs={"pk": post.pk}),
    }


def topic_activity_payload(topic: Topic) -> dict[str, Any]:
    """Counters for topic lists; ``topic.last_post`` with its author's profile must be loaded."""
    return {
        "topic_id": topic.pk,
        "space_id": topic.space_id,
        "reply_count": topic.reply_count,
        "last_post_id": topic.last_post_id,
        "last_activity_at": topic.last_activity_at.isoformat(),
        "last_poster": display_name(topic.last_post.author) if topic.last_post else "",
    }


def _publish_post(post: Post, kind: str, change: str = "") -> None:
    payload = post_event_payload(post)
    if change:
        payload["change"] = change
    events.publish(f"topic:{post.topic_id}", kind, payload)


def _publish_topic(topic: Topic) -> None:
    events.publish(
        f"topic:{topic.pk}",
        "topic.changed",
        {
            "topic_id": topic.pk,
            "is_locked": topic.is_locked,
            "is_pinned": topic.is_pinned,
            "is_lesson": topic.is_lesson,
        },
    )


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
) -> Post:
    html, mentioned = _render(body, topic.space)
    check_uploads(uploads)  # validate before anything is written
    post = Post.objects.create(
        topic=topic, author=author, body=body, body_html=html, idempotency_key=idempotency_key
    )
    post.mentions.set(mentioned)
    _store_attachments(post, uploads)
    Subscription.objects.get_or_create(topic=topic, user=author)
    _publish_post(post, "post.created")
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
) -> Topic:
    """Open a topic with its first post. A repeated submission returns the first topic."""
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
    now = timezone.now()
    topic = Topic.objects.create(space=space, title=title, author=author, last_activity_at=now)
    if tags:
        topic.tags.set(tags)
    post = _add_post(
        topic=topic,
        author=author,
        body=body,
        uploads=uploads or [],
        idempotency_key=idempotency_key,
    )
    Topic.objects.filter(pk=topic.pk).update(last_post=post, last_activity_at=post.created_at)
    topic.last_post = post
    notifications.notify_post(post=post, mentioned=post.mentions.all(), is_reply=False)
    notifications.notify_new_topic(topic=topic, post=post)
    events.publish(
        f"space:{space.pk}",
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
) -> Post:
    """Reply to a topic. A repeated submission (same idempotency key) returns the first post."""
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
    )
    Topic.objects.filter(pk=topic.pk).update(
        last_post=post, last_activity_at=post.created_at, reply_count=F("reply_count") + 1
    )
    topic.refresh_from_db(fields=["reply_count", "last_post", "last_activity_at"])
    events.publish(f"space:{topic.space_id}", "topic.activity", topic_activity_payload(topic))
    _hint_followers(topic, author)
    notifications.notify_post(post=post, mentioned=post.mentions.all(), is_reply=True)
    return post


def _hint_followers(topic: Topic, author: Any) -> None:
    """Tell followers who can still read the topic that there is something new for them."""
    followers = (
        selectors.readers_of(topic.space)
        .filter(topic_subscriptions__topic=topic)
        .exclude(pk=author.pk)
        .values_list("pk", flat=True)
    )
    for follower_id in followers:
        events.publish(f"user:{follower_id}", "unread.changed", {"space_id": topic.space_id})


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
    already_mentioned = set(post.mentions.values_list("pk", flat=True))
    post.mentions.set(mentioned)
    notifications.notify_mentions(
        post=post, user_ids={user.pk for user in mentioned} - already_mentioned
    )
    _publish_post(post, "post.changed", "edited")
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
    _publish_post(post, "post.changed", "deleted")
    return post


def _log(
    *,
    actor: Any,
    action: str,
    space: Space,
    topic: Topic | None = None,
    post: Post | None = None,
    subject: str = "",
    reason: str = "",
) -> None:
    ModerationLogEntry.objects.create(
        consortium_id=space.consortium_id,
        space=space,
        actor=actor,
        action=action,
        topic=topic,
        post=post,
        subject=subject[:300],
        reason=reason[:500],
    )


def _require_moderator(actor: Any, space: Space) -> None:
    if not policy.allowed(actor, "forum.moderate_space", space):
        raise PermissionDenied
    if not policy.has_mfa(actor):
        raise PermissionDenied(_("Zum Moderieren ist die Zwei-Faktor-Anmeldung nötig."))


def _required_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Bitte geben Sie einen Grund an.")})
    return reason[:500]


def _set_hidden(post: Post, moderator: Any, *, hidden: bool, reason: str) -> Post:
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("topic__space").get(pk=post.pk)
    )
    _require_moderator(moderator, post.topic.space)
    if hidden:
        post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), moderator, reason
    else:
        post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _log(
        actor=moderator,
        action=ModerationLogEntry.Action.HIDE if hidden else ModerationLogEntry.Action.RESTORE,
        space=post.topic.space,
        topic=post.topic,
        post=post,
        subject=post.topic.title,
        reason=reason,
    )
    _publish_post(post, "post.changed", "hidden" if hidden else "restored")
    notifications.notify_moderation(
        post=post,
        moderator=moderator,
        action=_("Ausgeblendet") if hidden else _("Wieder eingeblendet"),
    )
    return post


@transaction.atomic
def hide_post(*, post: Post, moderator: Any, reason: str) -> Post:
    """Others see „Von der Moderation ausgeblendet“; the author sees the text and the reason."""
    return _set_hidden(post, moderator, hidden=True, reason=_required_reason(reason))


@transaction.atomic
def restore_post(*, post: Post, moderator: Any, reason: str = "") -> Post:
    return _set_hidden(post, moderator, hidden=False, reason=reason)


@transaction.atomic
def set_topic_flag(
    *, topic: Topic, moderator: Any, flag: str, value: bool, reason: str = ""
) -> Topic:
    """Lock/unlock (``flag="locked"``) or pin/unpin (``flag="pinned"``) a topic."""
    actions = {
        ("locked", True): ModerationLogEntry.Action.LOCK,
        ("locked", False): ModerationLogEntry.Action.UNLOCK,
        ("pinned", True): ModerationLogEntry.Action.PIN,
        ("pinned", False): ModerationLogEntry.Action.UNPIN,
    }
    action = actions[(flag, value)]
    topic = Topic.objects.select_for_update(of=("self",)).select_related("space").get(pk=topic.pk)
    _require_moderator(moderator, topic.space)
    setattr(topic, f"is_{flag}", value)
    topic.save(update_fields=[f"is_{flag}"])
    _publish_topic(topic)
    _log(
        actor=moderator,
        action=action,
        space=topic.space,
        topic=topic,
        subject=topic.title,
        reason=reason,
    )
    return topic


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


class MoveNeedsConfirmation(ValidationError):
    """Moving between a closed and an academy-wide space changes who can read the topic."""


@transaction.atomic
def move_topic(
    *, topic: Topic, moderator: Any, target: Space, reason: str = "", confirmed: bool = False
) -> Topic:
    topic = Topic.objects.select_for_update(of=("self",)).select_related("space").get(pk=topic.pk)
    source = topic.space
    _require_moderator(moderator, source)
    if not selectors.move_targets(topic, moderator).filter(pk=target.pk).exists():
        raise ValidationError(
            {"target": _("In diesen Bereich kann die Diskussion nicht verschoben werden.")}
        )
    if source.is_academy_wide != target.is_academy_wide:
        if not (
            policy.is_admin(moderator)
            or policy.is_core_team_of(moderator, target.consortium or source.consortium)
        ):
            raise PermissionDenied(
                _(
                    "Nur das Kernteam kann eine Diskussion in einen geschlossenen Bereich oder aus "
                    "ihm heraus verschieben."
                )
            )
        if not confirmed:
            raise MoveNeedsConfirmation(
                _(
                    "Damit ändert sich, wer die Diskussion lesen kann. Bitte bestätigen Sie das "
                    "Verschieben ausdrücklich."
                )
            )
    topic.space = target
    topic.save(update_fields=["space"])
    events.publish(
        f"topic:{topic.pk}", "topic.moved", {"topic_id": topic.pk, "space_id": target.pk}
    )
    subject = f"{topic.title}: {source.name} → {target.name}"
    _log(
        actor=moderator,
        action=ModerationLogEntry.Action.MOVE,
        space=source,
        topic=topic,
        subject=subject,
        reason=reason,
    )
    if source.consortium_id != target.consortium_id and target.consortium_id:
        _log(
            actor=moderator,
            action=ModerationLogEntry.Action.MOVE,
            space=target,
            topic=topic,
            subject=subject,
            reason=reason,
        )
    return topic


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
    _publish_topic(topic)
    return topic


def set_subscription(*, topic: Topic, user: Any, subscribed: bool) -> None:
    if not policy.allowed(user, "forum.read_space", topic.space):
        raise PermissionDenied
    if subscribed:
        Subscription.objects.get_or_create(topic=topic, user=user)
    else:
        Subscription.objects.filter(topic=topic, user=user).delete()


def mark_read(*, topic: Topic, user: Any, up_to_post_id: int) -> None:
    """Move the user's read position forward (never back)."""
    updated = ReadState.objects.filter(
        topic=topic, user=user, last_read_post_id__lt=up_to_post_id
    ).update(last_read_post_id=up_to_post_id, updated_at=timezone.now())
    if not updated:
        ReadState.objects.get_or_create(
            topic=topic, user=user, defaults={"last_read_post_id": up_to_post_id}
        )


@transaction.atomic
def report_post(*, post: Post, reporter: Any, reason: str) -> Report:
    """Anyone who takes part in the space may report; a second open report is not duplicated."""
    if not policy.allowed(reporter, "forum.post_in_space", post.topic.space):
        raise PermissionDenied
    reason = _required_reason(reason)
    open_report = Report.objects.filter(
        post=post, reporter=reporter, handled_at__isnull=True
    ).first()
    if open_report:
        return open_report
    report = Report.objects.create(post=post, reporter=reporter, reason=reason)
    notifications.notify_report(report=report)
    return report


@transaction.atomic
def handle_report(*, report: Report, moderator: Any, resolution: str) -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("post__topic__space")
        .get(pk=report.pk)
    )
    _require_moderator(moderator, report.post.topic.space)
    report.handled_at, report.handled_by = timezone.now(), moderator
    report.resolution = (resolution or "").strip()[:500]
    report.save(update_fields=["handled_at", "handled_by", "resolution"])
    _log(
        actor=moderator,
        action=ModerationLogEntry.Action.HANDLE_REPORT,
        space=report.post.topic.space,
        topic=report.post.topic,
        post=report.post,
        subject=report.reason,
        reason=report.resolution,
    )
    return report


# --- Realtime: presence and sessions ----------------------------------------------------------

PRESENCE_TIMEOUT = timedelta(seconds=90)


def _present_count(topic_id: int) -> int:
    since = timezone.now() - PRESENCE_TIMEOUT
    return (
        TopicPresence.objects.filter(topic_id=topic_id, seen_at__gte=since)
        .values("user")
        .distinct()
        .count()
    )


def _counted(topic_id: int) -> tuple[int, bool]:
    """The number of readers, and whether it differs from the last one announced.

    Announcing only changes keeps a topic with N readers from costing N² presence frames when
    several tabs of the same people join."""
    count = _present_count(topic_id)
    key = f"presence-count:{topic_id}"
    if cache.get(key) == count:
        return count, False
    cache.set(key, count, int(PRESENCE_TIMEOUT.total_seconds()))
    return count, True


def enter_presence(*, channel_name: str, topic_id: int, user: Any) -> tuple[int, bool]:
    """Record that a socket reads a topic; returns the reader count and whether it changed."""
    TopicPresence.objects.update_or_create(
        channel_name=channel_name,
        defaults={"topic_id": topic_id, "user": user, "seen_at": timezone.now()},
    )
    return _counted(topic_id)


def refresh_presence(*, channel_name: str) -> None:
    TopicPresence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def leave_presence(*, channel_name: str, topic_id: int) -> tuple[int, bool]:
    TopicPresence.objects.filter(channel_name=channel_name, topic_id=topic_id).delete()
    return _counted(topic_id)


def end_realtime_session(*, user_id: Any, session_key: str) -> None:
    """A session ended (logout, or its row deleted by any path): its sockets close."""
    events.publish(f"user:{user_id}", "session.ended", {"session_key": session_key})


def check_realtime_sessions(
    *, user_id: Any, keep: str | None = None, renewed_from: str | None = None
) -> None:
    """The account changed in a way that may end its sessions or change its rights (password
    changed, set or reset, deactivated, deleted, edited by an admin, a session renewed): every
    socket of the user re-validates its session (closing if it no longer signs in) and
    re-checks its subscriptions. ``keep`` is the session that made the change, which Django
    keeps signed in; ``renewed_from`` its previous key when Django gave it a new one."""
    events.publish(f"user:{user_id}", "session.check", {"keep": keep, "renewed_from": renewed_from})
