"""The case pages' part of a person's data export (``forum.privacy.export``): their forum posts
quoted in case pages. Registered from ``CmsConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from forum.privacy.export import Section, register_section

from .models import ForumQuote


def forum_quotes(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "page_id": quote.page_id,
            "page_title": quote.page.title,
            "post_id": quote.post_id,
            "created_at": quote.created_at,
            "objected_at": quote.objected_at,
        }
        for quote in ForumQuote.objects.filter(author=user).select_related("page").order_by("pk")
    ]


SECTIONS = [
    Section(
        "zitate_in_fallstudien",
        _("Ihre Forumsbeiträge, die in Fallstudien zitiert werden."),
        {
            "page_id": _("Nummer der Fallstudie"),
            "page_title": _("Titel der Fallstudie"),
            "post_id": _("Nummer des zitierten Beitrags"),
            "created_at": _("Zitiert am"),
            "objected_at": _("Sie haben widersprochen am"),
        },
        forum_quotes,
        order=70,
    ),
]


def register_export_sections() -> None:
    for section in SECTIONS:
        register_section(section)
