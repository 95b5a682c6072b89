"""The site's menu and footer links, built once and kept in the shared cache.

Every page shows them; building them took five queries and a fifth of a topic page's time
(issue 15). They hold only live, public pages, the same for every visitor, so one copy per site
and language serves everyone. Whatever can change them (publishing, unpublishing, saving,
moving or deleting a page, a view restriction, a site) starts a new generation; the links of
older generations are never read again and expire after ``NAVIGATION_SECONDS``. That also
bounds how long old links live where processes share no cache: a process that lost Redis (and
fell back to its own), or the embedded default when a separate process publishes (scheduled
publishing from cron).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest
from django.utils import translation
from wagtail.models import Page, Site

NAVIGATION_SECONDS = 300
_GENERATION_KEY = "cms:navigation:generation"


@dataclass(frozen=True)
class Link:
    pk: int
    title: str
    url: str
    # "de" where a German title stands in the English interface (the page has no English one).
    lang: str = ""


@dataclass(frozen=True)
class Navigation:
    menu: tuple[Link, ...]
    footer: tuple[Link, ...]
    # Where forms that collect personal data link to (no link while the page does not exist).
    privacy_url: str = ""


EMPTY = Navigation(menu=(), footer=())


def navigation_for(request: HttpRequest) -> Navigation:
    """The links for the request's site; cached per request as well (menu and footer ask)."""
    cached = getattr(request, "_site_navigation", None)
    if cached is not None:
        return cached
    generation = cache.get_or_set(_GENERATION_KEY, lambda: uuid.uuid4().hex, None)
    # Keyed by the host the site is found by, so that a cached page asks no query for its site.
    key = f"cms:navigation:{request.get_host()}:{translation.get_language()}:{generation}"
    navigation = cache.get(key)
    if navigation is None:
        site = Site.find_for_request(request)
        navigation = EMPTY if site is None else _build(site, request)
        cache.set(key, navigation, NAVIGATION_SECONDS)
    request._site_navigation = navigation
    return navigation


def forget() -> None:
    """Something the links are made of changed: the next page builds them again."""
    cache.delete(_GENERATION_KEY)


def _build(site: Site, request: HttpRequest) -> Navigation:
    from .legal import LEGAL_PAGE_TYPES, PrivacyPage

    root = site.root_page
    menu = root.get_children().live().public().in_menu().specific()
    # The legal pages always, other text pages when marked for it.
    footer = list(
        Page.objects.descendant_of(root)
        .live()
        .public()
        .filter(
            Q(content_type__in=[_content_type(model) for model in LEGAL_PAGE_TYPES])
            | Q(standardpage__show_in_footer=True)
        )
        .order_by("path")
        .specific()
    )
    privacy = next((page for page in footer if isinstance(page, PrivacyPage)), None)
    return Navigation(
        menu=tuple(_link(page, request) for page in menu),
        footer=tuple(_link(page, request) for page in footer),
        privacy_url=privacy.get_url(request) if privacy is not None else "",
    )


def _content_type(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def _link(page, request: HttpRequest) -> Link:
    """In the active language: the English title where the page has one (``EnglishTitledPage``)."""
    from .models import german_interface

    title = getattr(page, "display_title", page.title)
    lang = "" if german_interface() or title != page.title else "de"
    return Link(page.pk, title, page.get_url(request), lang)
