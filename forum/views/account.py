"""Erasing one's own account (GDPR Art. 17): a page that says what happens, asks for the
password (and a two-factor code where set up) and the choice about the posts; then the
service, the logout and a confirmation page."""

from __future__ import annotations

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import rules as policy
from ..forms import AccountErasureForm, posted
from ..privacy.erasure import consortia_needing_handover, erase_person

DONE_SESSION_KEY = "forum.account_erased"


def _totp(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not policy.allowed(user, "forum.erase_account", user):
        raise PermissionDenied
    totp = _totp(user)
    form = AccountErasureForm(posted(request), user=user, needs_code=totp is not None)
    handover = consortia_needing_handover(user)
    if request.method == "POST" and not handover:
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            form.is_valid()
            form.add_error(
                None, _("Zu viele Versuche. Bitte warten Sie eine Minute und versuchen es erneut.")
            )
        elif (
            form.is_valid()
            and totp is not None
            and not totp.wrap().validate_code(form.cleaned_data["code"])
        ):
            form.add_error("code", _("Der Code stimmt nicht. Bitte geben Sie den aktuellen ein."))
        elif form.is_valid():
            try:
                erase_person(person=user, delete_posts=form.cleaned_data["posts"], actor=user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                logout(request)
                request.session[DONE_SESSION_KEY] = True
                return redirect("forum:account_deleted")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "forum/account_delete.html",
        {"form": form, "handover": handover, "needs_code": totp is not None},
        status=status,
    )


@require_http_methods(["GET"])
def account_deleted(request: HttpRequest) -> HttpResponse:
    """The confirmation, shown once to the browser whose account was just erased."""
    if not request.session.pop(DONE_SESSION_KEY, False):
        return redirect("/")
    return render(request, "forum/account_deleted.html")
