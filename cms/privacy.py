"""The case pages' part of a person's rights over their data, registered in
``CmsConfig.ready()`` so the forum does not import cms.

Export (``forum.privacy.export``): their forum posts quoted in case pages, and the case pages
that name them as contact person (the consent itself is in the forum's profile section).

Erasure (``forum.privacy.erasure``): the quotes of the person's posts are removed from every
case page, its live version, drafts and stored revisions, and @mentions of them in other quotes
become "@ehemaliges-Mitglied". (Page ownership, revisions and Wagtail's log keep no name: their
user columns are emptied with the account, and the forum's part relabels log entries.)

Transfers: ``cms.transfers.privacy``; surveys: ``cms.surveys.privacy``.

Retention (``forum.privacy.retention``): barrier reports done more than
``BARRIER_REPORT_DAYS`` ago, with the sender's name and address; questions to contact persons
("Kontakt aufnehmen") declined or never answered, asked more than ``CONTACT_REQUEST_DAYS`` ago;
contact details left on a citizen survey, ``SURVEY_CONTACT_DAYS`` after it closed.

Questions a person asked or was asked are exported, and go with their account (the rows
cascade; the answered ones live on in the forum's conversation, see
``forum.privacy.erasure._conversations``).
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
from .models import ContactRequest, ForumQuote, LabCasePage
from .surveys import privacy as survey_privacy
from .surveys.services import answering as survey_answering
from .transfers import privacy as transfer_privacy


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


def contact_requests_made(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "page_title": item.page_title,
            "question": item.question,
            "state": item.state,
            "decline_reason": item.decline_reason,
            "created_at": item.created_at,
            "answered_at": item.answered_at,
        }
        for item in ContactRequest.objects.filter(asker=user).order_by("pk")
    ]


def contact_requests_received(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "page_title": item.page_title,
            "question": item.question,
            "state": item.state,
            "decline_reason": item.decline_reason,
            "created_at": item.created_at,
            "answered_at": item.answered_at,
        }
        for item in ContactRequest.objects.filter(contact_person=user).order_by("pk")
    ]


CONTACT_REQUEST_KEYS = {
    "page_title": _("Titel der Fallstudie"),
    "question": _("Frage"),
    "state": _("open (offen), answered (beantwortet), declined (abgelehnt)"),
    "decline_reason": _("Begründung der Ablehnung"),
    "created_at": _("Gefragt am"),
    "answered_at": _("Beantwortet oder abgelehnt am"),
}


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
        "kontaktanfragen_gestellt",
        _("Ihre Fragen an Ansprechpersonen von Fallstudien."),
        CONTACT_REQUEST_KEYS,
        contact_requests_made,
        order=71,
    ),
    Section(
        "kontaktanfragen_erhalten",
        _("Fragen an Sie als Ansprechperson einer Fallstudie."),
        CONTACT_REQUEST_KEYS,
        contact_requests_received,
        order=72,
    ),
    Section(
        "ansprechperson_fuer_fallstudien",
        _("Fallstudien, die Sie als Ansprechperson nennen."),
        {"page_id": _("Nummer der Fallstudie"), "page_title": _("Titel der Fallstudie")},
        contact_for_case_pages,
        order=73,
    ),
]


def erase(erasure: Erasure) -> None:
    services.erase_quotes_of(person=erasure.person)
    transfer_privacy.erase(erasure)


def remove_old_barrier_reports(*, now: datetime) -> int:
    return services.remove_answered_barrier_reports(
        before=now - timedelta(days=settings.BARRIER_REPORT_DAYS)
    )


def remove_old_contact_requests(*, now: datetime) -> int:
    return services.remove_old_contact_requests(
        before=now - timedelta(days=settings.CONTACT_REQUEST_DAYS)
    )


def remove_old_survey_contacts(*, now: datetime) -> int:
    return survey_answering.remove_old_contact_details(
        closed_before=now - timedelta(days=settings.SURVEY_CONTACT_DAYS)
    )


def register() -> None:
    for section in [*SECTIONS, *transfer_privacy.SECTIONS, *survey_privacy.SECTIONS]:
        export_registry.register_section(section)
    erasure_registry.register_section("cms", erase)
    retention_registry.register_step("barrier_reports", remove_old_barrier_reports)
    retention_registry.register_step("contact_requests", remove_old_contact_requests)
    retention_registry.register_step("survey_contacts", remove_old_survey_contacts)
