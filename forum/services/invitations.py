"""Invitations: who may invite whom, the single-use link and its email, and joining a
consortium through it, with a new account or an existing one."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.utils import generate_unique_username
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import notifications
from .. import rules as policy
from ..mail import language_of, queue_email, site_url
from ..models import (
    Consortium,
    Invitation,
    Membership,
    Profile,
    Role,
    Town,
    hash_invitation_token,
)
from ..text import clean_line
from .members import membership_began, require_manager


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
    return site_url(reverse("forum:invitation_accept", kwargs={"token": token}))


def _queue_invitation_email(invitation: Invitation, token: str) -> None:
    inviter = getattr(invitation.invited_by, "profile", None)
    context = {
        "invitation": invitation,
        "inviter_name": inviter.display_name if inviter else _("Die Kleinstadtakademie"),
        "url": invitation_url(token),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    # A person who has an account already reads it in their language; new invitees in German.
    existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
    with translation.override(language_of(existing) if existing else settings.LANGUAGE_CODE):
        subject = _("Einladung in den Verbund „%(name)s“") % {"name": invitation.consortium.name}
        text = render_to_string("forum/email/invitation.txt", context)
        html = render_to_string("forum/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        to=[invitation.email],
    )
    message.attach_alternative(html, "text/html")
    queue_email(kind="invitation", message=message)


def _issue_token(invitation: Invitation) -> str:
    token = _new_token()
    now = timezone.now()
    invitation.token_hash = hash_invitation_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_VALID_DAYS)
    return token


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
    require_manager(inviter, consortium)
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
    require_manager(actor, invitation.consortium)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("Diese Einladung ist nicht mehr offen."))
    token = _issue_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    _queue_invitation_email(invitation, token)
    return IssuedInvitation(invitation=invitation, token=token)


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor: Any) -> Invitation:
    require_manager(actor, invitation.consortium)
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
    membership_began(membership)
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
