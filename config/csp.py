"""The Content-Security-Policy of every response (django-csp; the policy is
``CONTENT_SECURITY_POLICY`` in the settings).

Who may frame a page is decided once, by Django's ``X-Frame-Options`` machinery: the policy says
``frame-ancestors 'none'`` like the default ``X-Frame-Options: DENY``, and a view that allows
same-origin framing (Wagtail's preview panel frames its preview views) gets
``frame-ancestors 'self'`` with its ``SAMEORIGIN``. Responses that bring their own policy (the
sandboxed file downloads) keep it: django-csp never replaces an existing header. Wagtail's
admin gets inline styles, which its rich text editor needs; the site does not.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "is_dummy", False):
            # Wagtail renders a preview by running a made-up request for the page through the
            # middleware inside its preview view: the policy is that real response's.
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        replace = dict(parts.replace or {})
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            replace["frame-ancestors"] = [SELF]
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            # Wagtail's rich text editor (Draftail, Draft.js) adds <style> elements at run time,
            # without a nonce: the admin allows inline styles, the site does not.
            replace["style-src"] = [SELF, UNSAFE_INLINE]
        parts.replace = replace or None
        return parts
