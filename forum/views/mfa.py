"""Setting up two-factor login returns to the page that asked for it (``forum.middleware``
sends people here with ``?next=``): allauth's own views end on the recovery codes or the MFA
overview. The codes are shown first, then a button leads on."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.http import HttpRequest, HttpResponse

from .redirects import safe_next

NEXT_SESSION_KEY = "forum.mfa_setup_next"


class ActivateTOTPAndReturnView(ActivateTOTPView):
    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # allauth's form posts to the bare address, so the page to return to waits in the
        # session; a setup started without one forgets an older one.
        request.session[NEXT_SESSION_KEY] = safe_next(request)
        return super().get(request, *args, **kwargs)

    def get_success_url(self) -> str:
        url = super().get_success_url()
        target = self.request.session.pop(NEXT_SESSION_KEY, "")
        if not target:
            return url
        if self.did_generate_recovery_codes:
            return f"{url}?{urlencode({'next': target})}"
        return target


class ViewRecoveryCodesAndContinueView(ViewRecoveryCodesView):
    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**kwargs) | {"next": safe_next(self.request)}


activate_totp = ActivateTOTPAndReturnView.as_view()
view_recovery_codes = ViewRecoveryCodesAndContinueView.as_view()
