"""Where a view may send someone back to: only addresses on this site (no open redirect)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def on_this_site(request: HttpRequest, url: str) -> bool:
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest) -> str:
    """``next`` from the form or the address if it points into this site, else ``""``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if on_this_site(request, target) else ""
