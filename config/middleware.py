"""Project-wide request checks that run before any view, form or lookup sees the request."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


class RejectNulMiddleware:
    """Answer 400 to a request with a NUL character in its path, query string or form fields.

    PostgreSQL cannot store or compare text containing NUL: any lookup with such a value fails
    deep inside the database driver (a 500 from a slug, token, search or filter lookup). No
    browser sends NUL in these places, so the request is refused as a whole before anything
    queries the database with it. Uploaded files are not checked: binary content is fine.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _has_nul(request.GET):
            raise BadRequest("NUL character in the request")
        if request.method == "POST" and _has_nul(request.POST):
            raise BadRequest("NUL character in the form data")
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)
