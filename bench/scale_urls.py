"""The site's URLs and two floors: a plain hello world and one behind ``login_required`` (the
session and the user loaded through the site's whole middleware stack, nothing else)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hallo")


urlpatterns = [
    path("bench/hallo/", hello),
    path("bench/hallo-angemeldet/", login_required(hello)),
    path("", include("config.urls")),
]
