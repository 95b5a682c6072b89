"""Two-factor login for the guarding roles: a view that finds it missing raises ``MfaRequired``,
and ``MfaRequiredMiddleware`` alone turns that into the redirect to set it up, with the page to
come back to afterwards."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


class MfaRequired(PermissionDenied):
    """The user may do this, but only after setting up two-factor login.

    A ``PermissionDenied``, so that without the middleware the answer is 403, never the page."""


class MfaRequiredMiddleware:
    """Answers ``MfaRequired`` with a message and the redirect to MFA setup. ``?next=`` is the
    requested page, query string included; for a sent form, the page the form was on (its
    address may answer only POST), or the home page when that page is not ours."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, MfaRequired):
            return None
        messages.warning(
            request,
            _(
                "Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein. Erst dann können Sie "
                "moderieren, einladen oder Mitglieder entfernen."
            ),
        )
        return redirect_to_login(
            _come_back_to(request),
            login_url=reverse("mfa_activate_totp"),
            redirect_field_name="next",
        )


def _come_back_to(request: HttpRequest) -> str:
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")
