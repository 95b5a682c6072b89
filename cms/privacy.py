"""The case pages' part of a person's rights over their data, registered in
``CmsConfig.ready()`` so the forum does not import cms.

Export (``forum.privacy.export``): their forum posts quoted in case pages, and the case pages
that name them as contact person (the consent itself is in the forum's profile section).

Erasure (``forum.privacy.erasure``): the quotes of the person's posts are removed from every
case page, its live version, drafts and stored revisions, and @mentions of them in other quotes
become "@ehemaliges-Mitglied". (Page ownership, revisions and Wagtail's log keep no name: their
user columns are emptied with the account, and the forum's part relabels log entries.)

Retention (``forum.privacy.retention``): barrier reports done more than
``BARRIER_REPORT_DAYS`` ago, with the sender's name and address.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from forum.privacy import erasure as erasure_registry
from forum.privacy import export as export_registry
from forum.privacy import retention as retention_registry
from forum.privacy.erasure import Erasure
from forum.privacy.export import Section

from . import services
from .models import ForumQuote, LabCasePage


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


def contact_for_case_pages(user: Any) -> list[dict[str, Any]]:
    return [
        {"page_id": page_id, "page_title": title}
        for page_id, title in LabCasePage.objects.filter(contact_person=user)
        .order_by("pk")
        .values_list("pk", "title")
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
    Section(
        "ansprechperson_fuer_fallstudien",
        _("Fallstudien, die Sie als Ansprechperson nennen."),
        {"page_id": _("Nummer der Fallstudie"), "page_title": _("Titel der Fallstudie")},
        contact_for_case_pages,
        order=71,
    ),
]


def erase(erasure: Erasure) -> None:
    services.erase_quotes_of(person=erasure.person)


def remove_old_barrier_reports(*, now: datetime) -> int:
    return services.remove_answered_barrier_reports(
        before=now - timedelta(days=settings.BARRIER_REPORT_DAYS)
    )


def register() -> None:
    for section in SECTIONS:
        export_registry.register_section(section)
    erasure_registry.register_section("cms", erase)
    retention_registry.register_step("barrier_reports", remove_old_barrier_reports)
