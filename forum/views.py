"""Thin views: authorise through ``forum.rules``, read through selectors, write through services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import rules as policy
from . import selectors, services
from .forms import InvitationForm, InvitationSignupForm, ProfileForm
from .models import Consortium, Invitation, Membership, Profile
from .services import InvitationError

MEMBERS_PER_PAGE = 50


def _visible_consortium(request: HttpRequest, slug: str) -> Consortium:
    """The consortium, or 404 for non-members exactly as for a slug that does not exist."""
    consortium = selectors.consortium_for_overview(slug, request.user)
    if consortium is None:
        raise Http404
    return consortium


def _managed_consortium(request: HttpRequest, slug: str) -> Consortium | HttpResponse:
    """The consortium if the user may manage members, a redirect to MFA setup if that is missing."""
    consortium = _visible_consortium(request, slug)
    if not request.user.has_perm("forum.manage_members", consortium):
        raise Http404
    if not policy.has_mfa(request.user):
        messages.warning(
            request,
            _(
                "Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein. Erst dann können Sie "
                "Mitglieder einladen oder entfernen."
            ),
        )
        return redirect_to_login(
            request.get_full_path(),
            login_url=reverse("mfa_activate_totp"),
            redirect_field_name="next",
        )
    return consortium


@login_required
def consortium_list(request: HttpRequest) -> HttpResponse:
    consortia = selectors.consortia_visible_to(request.user)
    return render(request, "forum/consortium_list.html", {"consortia": consortia})


@login_required
def consortium_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = _visible_consortium(request, slug)
    memberships = list(selectors.memberships_of(consortium))
    context = {
        "consortium": consortium,
        "towns": consortium.towns.all(),
        "phases": consortium.phases.all(),
        "coaches": [m for m in memberships if m.role == "coach"],
        "core_team": [m for m in memberships if m.role == "core_team"],
        "member_count": len(memberships),
        "can_manage_members": request.user.has_perm("forum.manage_members", consortium),
    }
    return render(request, "forum/consortium_detail.html", context)


@login_required
def member_directory(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = _visible_consortium(request, slug)
    page = Paginator(selectors.memberships_of(consortium), MEMBERS_PER_PAGE).get_page(
        request.GET.get("seite")
    )
    context = {
        "consortium": consortium,
        "page": page,
        "can_manage_members": request.user.has_perm("forum.manage_members", consortium),
    }
    return render(request, "forum/member_directory.html", context)


@login_required
def profile_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.profile_user_visible_to(user_id, request.user)
    if person is None:
        raise Http404
    shared = selectors.consortia_visible_to(request.user).filter(memberships__user=person)
    return render(
        request, "forum/profile_detail.html", {"person": person, "shared_consortia": shared}
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = Profile.objects.filter(user=request.user).first()
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            function=form.cleaned_data["function"],
            bio=form.cleaned_data["bio"],
        )
        messages.success(request, _("Ihr Profil ist gespeichert."))
        return redirect("forum:profile", user_id=request.user.pk)
    status = 400 if form.is_bound else 200
    return render(request, "forum/profile_edit.html", {"form": form}, status=status)


@login_required
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    consortium = _managed_consortium(request, slug)
    if isinstance(consortium, HttpResponse):
        return consortium
    roles = policy.roles_assignable_by(request.user, consortium)
    form = InvitationForm(request.POST or None, consortium=consortium, assignable_roles=roles)
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
            _add_service_errors(form, error)
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


def _add_service_errors(form: InvitationForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def _pending_invitation(request: HttpRequest, slug: str, pk: int) -> Invitation | HttpResponse:
    consortium = _managed_consortium(request, slug)
    if isinstance(consortium, HttpResponse):
        return consortium
    return get_object_or_404(
        Invitation.objects.select_related("consortium"), pk=pk, consortium=consortium
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = _pending_invitation(request, slug, pk)
    if isinstance(invitation, HttpResponse):
        return invitation
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
    if isinstance(invitation, HttpResponse):
        return invitation
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


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consortium = _managed_consortium(request, slug)
    if isinstance(consortium, HttpResponse):
        return consortium
    membership = get_object_or_404(
        Membership.objects.select_related("user__profile", "consortium"),
        pk=pk,
        consortium=consortium,
    )
    try:
        services.remove_member(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = getattr(
            getattr(membership.user, "profile", None), "display_name", membership.user.email
        )
        messages.success(request, _("%(name)s wurde aus dem Verbund entfernt.") % {"name": name})
    return redirect("forum:members", slug=slug)


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

    form = InvitationSignupForm(request.POST or None, email=invitation.email)
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
