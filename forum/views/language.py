"""The site's language switch: Django's ``set_language``, remembered for signed-in people."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .. import services


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the site's language; for a signed-in person it also becomes the language of
    their emails and of their next sign-in (one preference, see ``set_preferred_language``)."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.set_preferred_language(user=request.user, language=language)
    return response
