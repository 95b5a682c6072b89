"""Search in the forum posts the user may read, optionally within one space or one topic."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import search as forum_search
from .. import selectors
from ..numbers import page_number, parse_id

# Topics per page (each with its best post); within one topic, posts per page.
RESULTS_PER_PAGE = 20


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    space = None
    if request.GET.get("bereich"):
        space = selectors.space_visible_to(request.GET["bereich"], request.user)
    topic = None
    if topic_id := parse_id(request.GET.get("thema")):
        topic = selectors.topics_visible_to(request.user).filter(pk=topic_id).first()
    results = forum_search.search(request.user, query, space=space, topic=topic) if query else []
    page = Paginator(results, RESULTS_PER_PAGE).get_page(page_number(request.GET))
    kept = {"q": query, "bereich": space.slug if space else "", "thema": topic.pk if topic else ""}
    context = {
        "query": query,
        "page": page,
        "hits": page.object_list,
        "space": space,
        "topic": topic,
        "too_long": len(query) > forum_search.MAX_QUERY_LENGTH,
        "page_query": urlencode({key: value for key, value in kept.items() if value}),
    }
    return render(request, "forum/search.html", context)
