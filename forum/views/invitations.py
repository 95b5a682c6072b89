"""Invitations: managing a consortium's pending invitations, and the link from the invitation
email (sign up, or join with the matching existing account), with one page per way it fails."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import rules as policy
from .. import selectors, services
from ..forms import InvitationForm, InvitationSignupForm, add_service_errors, posted
from ..models import Invitation
from ..services import InvitationError
from .guards import managed_consortium


@login_required
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = managed_consortium(request, slug)
    roles = policy.roles_assignable_by(request.user, consortium)
    form = InvitationForm(posted(request), consortium=consortium, assignable_roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invite_member(
                consortium=consortium,
                inviter=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                town=form.cleaned_data["town"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Die Einladung an %(email)s ist verschickt.")
                % {"email": issued.invitation.email},
            )
            return redirect("forum:invitations", slug=consortium.slug)
    context = {
        "consortium": consortium,
        "form": form,
        "invitations": selectors.pending_invitations(consortium),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    status = 400 if form.is_bound else 200
    return render(request, "forum/invitation_list.html", context, status=status)


def _pending_invitation(request: HttpRequest, slug: str, pk: int) -> Invitation:
    consortium = managed_consortium(request, slug)
    return get_object_or_404(
        Invitation.objects.select_related("consortium"), pk=pk, consortium=consortium
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = _pending_invitation(request, slug, pk)
    try:
        services.resend_invitation(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Die Einladung an %(email)s wurde erneut gesendet.") % {"email": invitation.email},
        )
    return redirect("forum:invitations", slug=slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = _pending_invitation(request, slug, pk)
    try:
        services.revoke_invitation(invitation=invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Die Einladung an %(email)s ist zurückgezogen.") % {"email": invitation.email},
        )
    return redirect("forum:invitations", slug=slug)


INVITATION_ERRORS: dict[str, tuple[int, Promise, Promise]] = {
    InvitationError.INVALID: (
        404,
        gettext_lazy("Ungültiger Einladungslink"),
        gettext_lazy(
            "Diesen Einladungslink kennen wir nicht. Bitte prüfen Sie, ob Sie ihn vollständig "
            "aus der E-Mail übernommen haben."
        ),
    ),
    InvitationError.EXPIRED: (
        410,
        gettext_lazy("Einladung abgelaufen"),
        gettext_lazy(
            "Dieser Einladungslink ist abgelaufen. Bitten Sie die Person, die Sie eingeladen hat, "
            "die Einladung erneut zu senden."
        ),
    ),
    InvitationError.USED: (
        410,
        gettext_lazy("Einladung bereits angenommen"),
        gettext_lazy(
            "Diese Einladung wurde bereits angenommen. Melden Sie sich mit Ihrem Konto an."
        ),
    ),
    InvitationError.REVOKED: (
        410,
        gettext_lazy("Einladung zurückgezogen"),
        gettext_lazy(
            "Diese Einladung wurde zurückgezogen. Wenden Sie sich bei Fragen an Ihre "
            "Kleinstadtpatin oder Ihren Kleinstadtpaten."
        ),
    ),
    InvitationError.WRONG_ACCOUNT: (
        403,
        gettext_lazy("Einladung für eine andere E-Mail-Adresse"),
        gettext_lazy(
            "Diese Einladung gilt für eine andere E-Mail-Adresse als die Ihres Kontos. Melden Sie "
            "sich ab und öffnen Sie den Link erneut, oder bitten Sie um eine Einladung an "
            "Ihre Adresse."
        ),
    ),
}


def _invitation_error(request: HttpRequest, error: InvitationError) -> HttpResponse:
    status, title, text = INVITATION_ERRORS[error.code]
    return render(
        request,
        "forum/invitation_error.html",
        {"title": title, "text": text, "code": error.code},
        status=status,
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation email: sign up, or join with the matching existing account."""
    try:
        invitation = services.find_invitation(token)
    except InvitationError as error:
        return _invitation_error(request, error)

    if request.user.is_authenticated:
        return _accept_as_user(request, token, invitation)

    if services.account_exists(invitation.email):
        login_url = reverse("account_login") + "?next=" + request.path
        return render(
            request,
            "forum/invitation_login.html",
            {"invitation": invitation, "login_url": login_url},
        )

    form = InvitationSignupForm(posted(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation_with_signup(
                token=token,
                display_name=form.cleaned_data["display_name"],
                function=form.cleaned_data["function"],
                password=form.cleaned_data["password1"],
            )
        except InvitationError as error:
            return _invitation_error(request, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Willkommen im Verbund „%(name)s“!") % {"name": invitation.consortium.name},
            )
            return redirect(invitation.consortium.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(
        request,
        "forum/invitation_signup.html",
        {"invitation": invitation, "form": form},
        status=status,
    )


def _accept_as_user(request: HttpRequest, token: str, invitation: Invitation) -> Any:
    if not services.invitation_matches_user(invitation, request.user):
        return _invitation_error(request, InvitationError(InvitationError.WRONG_ACCOUNT))
    if request.method == "POST":
        try:
            services.accept_invitation_as_user(token=token, user=request.user)
        except InvitationError as error:
            return _invitation_error(request, error)
        messages.success(
            request,
            _("Sie sind jetzt Mitglied im Verbund „%(name)s“.")
            % {"name": invitation.consortium.name},
        )
        return redirect(invitation.consortium.get_absolute_url())
    return render(request, "forum/invitation_confirm.html", {"invitation": invitation})
