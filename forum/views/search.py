"""Search in the forum posts the user may read, optionally within one space."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import search as forum_search
from .. import selectors


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    space = None
    if request.GET.get("bereich"):
        space = selectors.space_visible_to(request.GET["bereich"], request.user)
    hits = forum_search.search_posts(request.user, query, space=space) if query else []
    context = {
        "query": query,
        "hits": hits,
        "space": space,
        "too_long": len(query) > 200,
    }
    return render(request, "forum/search.html", context)
