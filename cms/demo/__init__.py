"""Demo content of the cms app. Decided here: how the data files become pages, and where in
the page tree they go.

- ``pages.toml``: the home page's texts, the legal pages (with invented example data), the
  overview pages of the menu ("Fallstudien", "Handlungsbausteine", "Transferwerkstätten") and
  the intros of the consortium and town pages;
- ``cases.toml``: the five pop-up labs of "StadtLabor Kleinstadt" as case pages;
- ``modules.toml``: the action modules drawn from them.
- ``transfers.toml``: towns adopting ideas of those labs and modules (``transfers.py``).

Pages are created only when missing: text pages and case pages when their slug is missing under
their parent, consortium and town pages when the consortium or town has no page yet, the home
page's texts only while it is empty. Pages editors have changed are never touched, and a second
run creates nothing. Expects the community of ``forum.demo`` (towns, consortia, accounts).
"""

from __future__ import annotations

import logging
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText

from forum.demo import demo_email
from forum.models import Challenge, Consortium, Format, Profile, Town
from forum.rules import EDITOR_GROUP

from ..models import (
    AccessibilityPage,
    ActionModuleIndexPage,
    ActionModulePage,
    CaseDiscussion,
    CaseIndexPage,
    ConsortiumPage,
    CostRange,
    HomePage,
    ImprintPage,
    LabCasePage,
    Outcome,
    PrivacyPage,
    StaffEffort,
    StandardPage,
    TownPage,
    Visibility,
    WorkshopIndexPage,
)
from ..services import create_consortium_page, link_case_discussion
from .surveys import seed_surveys
from .transfers import seed_transfers

logger = logging.getLogger(__name__)

_DATA = Path(__file__).parent
_PAGES = tomllib.loads((_DATA / "pages.toml").read_text(encoding="utf-8"))
_CASES = tomllib.loads((_DATA / "cases.toml").read_text(encoding="utf-8"))
_MODULES = tomllib.loads((_DATA / "modules.toml").read_text(encoding="utf-8"))

REPORT_CONSORTIUM = "stadtlabor-kleinstadt"
CASE_INDEX_SLUG = "fallstudien"
ACTION_MODULE_INDEX_SLUG = "handlungsbausteine"
WORKSHOP_INDEX_SLUG = "werkstaetten"
# The overview pages go in front of this menu page (the workshops overview).
MENU_ANCHOR_SLUG = WORKSHOP_INDEX_SLUG

HOME_INTRO: str = _PAGES["home"]["intro"]
HOME_BODY: str = _PAGES["home"]["body"]
CASE_INDEX_TITLE: str = _PAGES["case_index"]["title"]
CASE_INDEX_TITLE_EN: str = _PAGES["case_index"]["title_en"]
CASE_INDEX_INTRO: str = _PAGES["case_index"]["intro"]
ACTION_MODULE_INDEX_TITLE: str = _PAGES["action_module_index"]["title"]
ACTION_MODULE_INDEX_TITLE_EN: str = _PAGES["action_module_index"]["title_en"]
ACTION_MODULE_INDEX_INTRO: str = _PAGES["action_module_index"]["intro"]
WORKSHOP_INDEX_TITLE: str = _PAGES["workshop_index"]["title"]
WORKSHOP_INDEX_TITLE_EN: str = _PAGES["workshop_index"]["title_en"]
WORKSHOP_INDEX_INTRO: str = _PAGES["workshop_index"]["intro"]
CONSORTIUM_INTROS: dict[str, str] = _PAGES["consortium_intros"]
TOWN_INTROS: dict[str, str] = _PAGES["town_intros"]
DEMO_NOTE: str = _CASES["closing_note"]["html"]
LEGAL: dict[str, Any] = _PAGES["legal"]


@dataclass(frozen=True)
class CaseData:
    slug: str
    title: str
    town: str
    # Local part of the email of the town's demo account: drafts the page, opens its
    # discussion and is its contact person.
    author: str
    organisation: str
    visibility: str
    period_start: date
    period_end: date | None
    summary: str
    goals: str
    # (block type, value) in order; text values are HTML. The contact block and the closing
    # demo note are appended when the page is built.
    body: tuple[tuple[str, Any], ...]
    # The Steckbrief; ``challenges`` and ``formats`` are slugs of the taxonomy terms.
    challenges: tuple[str, ...]
    formats: tuple[str, ...]
    outcome: str
    outcome_notes: str
    cost_range: str
    staff_effort: str
    partners: tuple[str, ...]


@dataclass(frozen=True)
class ModuleData:
    slug: str
    title: str
    summary: str
    recommendation: str
    fits_town_types: str
    resources_needed: str
    # Slugs of case pages (see CASES).
    evidence: tuple[str, ...]


def _block(row: dict[str, Any]) -> tuple[str, Any]:
    """A body block of ``cases.toml`` as the (block type, value) of the page's StreamField."""
    kind = row["type"]
    if kind == "text":
        return kind, row["html"]
    if kind == "key_figures":
        return kind, row["figures"]
    if kind == "timeline":
        return kind, row["entries"]
    if kind == "quote":
        return kind, {
            "text": row["text"],
            "speaker": row["speaker"],
            "speaker_role": row.get("speaker_role", ""),
        }
    return kind, row["items"]


def _case(row: dict[str, Any]) -> CaseData:
    return CaseData(
        **{
            **row,
            "visibility": Visibility(row["visibility"]),
            "period_end": row.get("period_end"),
            "body": tuple(_block(block) for block in row["body"]),
            "challenges": tuple(row["challenges"]),
            "formats": tuple(row["formats"]),
            "outcome": Outcome(row["outcome"]),
            "cost_range": CostRange(row["cost_range"]),
            "staff_effort": StaffEffort(row["staff_effort"]),
            "partners": tuple(row["partners"]),
        }
    )


CASES = [_case(row) for row in _CASES["case"]]
MODULES = [ModuleData(**{**row, "evidence": tuple(row["evidence"])}) for row in _MODULES["module"]]

# --------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------

Warn = Callable[[str], None]


def seed_text_pages(*, created: Counter, updated: Counter, warn: Warn) -> None:
    """Fill the empty home page and add the missing legal pages under it."""
    home = HomePage.objects.first()
    if home is None:
        warn("No HomePage (cms migration 0002?): skipped.")
        return
    # Fill the front page only while it is still empty, so editors' texts are never overwritten.
    if not home.intro and not home.body:
        home.intro = HOME_INTRO
        home.body = HOME_BODY
        home.save_revision().publish()
        updated[HomePage._meta.label] += 1
    for model, build in (
        (ImprintPage, _imprint_page),
        (PrivacyPage, _privacy_page),
        (AccessibilityPage, _accessibility_page),
    ):
        if model.objects.exists():
            continue
        page = build()
        if not _replace_placeholder(home, page.slug, updated, warn):
            continue
        home.add_child(instance=page)
        page.save_revision().publish()
        created[_label(model)] += 1


def _replace_placeholder(home: HomePage, slug: str, updated: Counter, warn: Warn) -> bool:
    """Make room for a legal page: the slug is free, or held by the old demo's placeholder
    text page (deleted here). A page an editor wrote there is kept, and the legal page is not
    created."""
    holder = home.get_children().filter(slug=slug).first()
    if holder is None:
        return True
    if (
        holder.specific_class is StandardPage
        and LEGAL["placeholder_marker"] in str(holder.specific.body)
        and not holder.get_children().exists()
    ):
        holder.delete()
        updated[f"{_label(StandardPage)} (Platzhalter ersetzt)"] += 1
        return True
    warn(f"Page „{holder.title}“ holds the slug „{slug}“: its legal page type is not created.")
    return False


def _legal_fields(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {
        "title": data["title"],
        "title_en": data["title_en"],
        "slug": data["slug"],
        "intro": LEGAL["notice"],
        "show_in_menus": False,
        **{name: data[name] for name in names},
    }


def _imprint_page() -> ImprintPage:
    data = LEGAL["imprint"]
    return ImprintPage(
        **_legal_fields(
            data,
            "operator_name",
            "address",
            "represented_by",
            "email",
            "phone",
            "content_responsible",
            "vat_id",
            "supervisory_body",
            "body",
        )
    )


def _privacy_page() -> PrivacyPage:
    data = LEGAL["privacy"]
    return PrivacyPage(
        **_legal_fields(
            data,
            "controller",
            "contact_email",
            "contact_phone",
            "data_protection_officer",
            "recipients",
            "storage_notes",
            "rights",
            "supervisory_authority",
        ),
        purposes=[("purpose", purpose) for purpose in data["purpose"]],
        version_date=timezone.localdate(),
    )


def _accessibility_page() -> AccessibilityPage:
    data = LEGAL["accessibility"]
    today = timezone.localdate()
    return AccessibilityPage(
        **_legal_fields(data, "conformity", "check_method", "feedback_contact", "feedback_email"),
        gaps=[("gap", gap) for gap in data["gap"]],
        statement_date=today,
        last_check_date=today,
    )


def seed_cms_demo(*, created: Counter, updated: Counter, warn: Warn | None = None) -> None:
    """Create the demo pages that are missing; count what was created in ``created`` and
    replaced in ``updated``. Expects the demo towns, consortia and accounts of ``forum.demo``."""
    warn = warn or logger.warning
    home = HomePage.objects.first()
    if home is None:
        warn("No HomePage: case page demo content skipped.")
        return
    case_index = _seed_case_index(home, created, updated, warn)
    _seed_action_module_index(home, case_index, created, warn)
    _seed_workshop_index(home, created, updated, warn)
    for consortium in Consortium.objects.filter(slug__in=CONSORTIUM_INTROS).order_by("start"):
        _seed_consortium_page(home, consortium, created, warn)

    consortium = Consortium.objects.filter(slug=REPORT_CONSORTIUM).first()
    parent = ConsortiumPage.objects.filter(consortium=consortium).first() if consortium else None
    if parent is None:
        warn(f"No page of consortium „{REPORT_CONSORTIUM}“: its town and case pages skipped.")
        return
    for town in consortium.own_towns().filter(slug__in=TOWN_INTROS).order_by("name"):
        _seed_town_page(parent, town, created, warn)
    for data in CASES:
        _seed_case_page(parent, consortium, data, created, warn)
    index = ActionModuleIndexPage.objects.first()
    if index is not None:
        for module in MODULES:
            _seed_action_module(index, parent, module, created, warn)
    seed_transfers(created=created, warn=warn)
    seed_surveys(created=created, warn=warn)


# A case page is written up after its lab ended: published this long after the lab's last day.
WRITE_UP_TIME = timedelta(days=24, hours=10, minutes=15)


def _published_at(data: CaseData) -> datetime:
    """When the editors published the case page, along the lab's timeline; never in the
    future (a lab that has not ended yet was written up a day ago)."""
    ended = timezone.make_aware(datetime.combine(data.period_end or data.period_start, time()))
    return min(ended + WRITE_UP_TIME, timezone.now() - timedelta(days=1))


def _slug_taken(parent: Page, slug: str) -> bool:
    return parent.get_children().filter(slug=slug).exists()


def _label(model: type[Page]) -> str:
    return model._meta.label


def _add(parent: Page, page: Page, *, before: Page | None = None, after: Page | None = None):
    """Add ``page`` under ``parent`` – next to a sibling when given, to keep menu order."""
    if before is not None:
        return before.add_sibling(pos="left", instance=page)
    if after is not None:
        return after.add_sibling(pos="right", instance=page)
    return parent.add_child(instance=page)


def _seed_case_index(
    home: HomePage, created: Counter, updated: Counter, warn: Warn
) -> CaseIndexPage | None:
    """Put the case index where the "Fallstudien" menu placeholder was (or in front of the
    workshops page); the placeholder goes only while it is a plain text page without children."""
    existing = CaseIndexPage.objects.first()
    if existing is not None:
        return existing
    before = home.get_children().filter(slug=MENU_ANCHOR_SLUG).first()
    placeholder = home.get_children().filter(slug=CASE_INDEX_SLUG).first()
    if placeholder is not None:
        if placeholder.specific_class is not StandardPage or placeholder.get_children().exists():
            warn(
                f"Page „{placeholder.title}“ holds the slug „{CASE_INDEX_SLUG}“ and is not the "
                "plain placeholder: the case index is not created."
            )
            return None
        before = placeholder.get_next_sibling()
        placeholder.delete()
        updated[f"{_label(StandardPage)} (Platzhalter ersetzt)"] += 1
    page = CaseIndexPage(
        title=CASE_INDEX_TITLE,
        title_en=CASE_INDEX_TITLE_EN,
        slug=CASE_INDEX_SLUG,
        intro=CASE_INDEX_INTRO,
        show_in_menus=True,
        live=False,
    )
    page = _add(home, page, before=before)
    page.save_revision().publish()
    created[_label(CaseIndexPage)] += 1
    return page


def _seed_action_module_index(
    home: HomePage, case_index: CaseIndexPage | None, created: Counter, warn: Warn
) -> None:
    if ActionModuleIndexPage.objects.exists():
        return
    if _slug_taken(home, ACTION_MODULE_INDEX_SLUG):
        warn(f"The slug „{ACTION_MODULE_INDEX_SLUG}“ is taken: the action module index is skipped.")
        return
    page = ActionModuleIndexPage(
        title=ACTION_MODULE_INDEX_TITLE,
        title_en=ACTION_MODULE_INDEX_TITLE_EN,
        slug=ACTION_MODULE_INDEX_SLUG,
        intro=ACTION_MODULE_INDEX_INTRO,
        show_in_menus=True,
        live=False,
    )
    after = None
    if case_index is not None and case_index.get_parent().pk == home.pk:
        after = case_index
    page = _add(home, page, after=after)
    page.save_revision().publish()
    created[_label(ActionModuleIndexPage)] += 1


def _seed_workshop_index(home: HomePage, created: Counter, updated: Counter, warn: Warn) -> None:
    """Put the workshops overview where the "Transferwerkstätten" menu placeholder was (or
    behind the other overview pages); the placeholder goes only while it is a plain text page
    without children."""
    if WorkshopIndexPage.objects.exists():
        return
    before = after = None
    placeholder = home.get_children().filter(slug=WORKSHOP_INDEX_SLUG).first()
    if placeholder is not None:
        if placeholder.specific_class is not StandardPage or placeholder.get_children().exists():
            warn(
                f"Page „{placeholder.title}“ holds the slug „{WORKSHOP_INDEX_SLUG}“ and is not "
                "the plain placeholder: the workshop index is not created."
            )
            return
        before = placeholder.get_next_sibling()
        placeholder.delete()
        updated[f"{_label(StandardPage)} (Platzhalter ersetzt)"] += 1
    else:
        for model in (ActionModuleIndexPage, CaseIndexPage):
            after = model.objects.child_of(home).first()
            if after is not None:
                break
    page = WorkshopIndexPage(
        title=WORKSHOP_INDEX_TITLE,
        title_en=WORKSHOP_INDEX_TITLE_EN,
        slug=WORKSHOP_INDEX_SLUG,
        intro=WORKSHOP_INDEX_INTRO,
        show_in_menus=True,
        live=False,
    )
    page = _add(home, page, before=before, after=after)
    page.save_revision().publish()
    created[_label(WorkshopIndexPage)] += 1


def _seed_consortium_page(
    home: HomePage, consortium: Consortium, created: Counter, warn: Warn
) -> None:
    if ConsortiumPage.objects.filter(consortium=consortium).exists():
        return
    if _slug_taken(home, consortium.slug):
        warn(f"The slug „{consortium.slug}“ is taken: no page for consortium {consortium}.")
        return
    create_consortium_page(
        consortium=consortium, parent=home, intro=CONSORTIUM_INTROS[consortium.slug]
    )
    created[_label(ConsortiumPage)] += 1


def _seed_town_page(parent: ConsortiumPage, town: Town, created: Counter, warn: Warn) -> None:
    if TownPage.objects.filter(town=town).exists():
        return
    if _slug_taken(parent, town.slug):
        warn(f"The slug „{town.slug}“ is taken under {parent.title}: no page for {town}.")
        return
    page = TownPage(title=town.name, slug=town.slug, town=town, intro=TOWN_INTROS[town.slug])
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    created[_label(TownPage)] += 1


def _accepts_contact_requests(user) -> bool:
    return Profile.objects.filter(user=user, accepts_contact_requests=True).exists()


def _demo_user(local: str):
    return get_user_model().objects.filter(email__iexact=demo_email(local)).first()


def _editor():
    return (
        get_user_model()
        .objects.filter(groups__name=EDITOR_GROUP, is_active=True, is_superuser=False)
        .order_by("pk")
        .first()
    )


def _contact(data: CaseData, author: Any) -> dict[str, str]:
    """Name, function and office only: questions reach the author through "Kontakt
    aufnehmen", which reveals no address."""
    profile = getattr(author, "profile", None)
    return {
        "name": profile.display_name if profile else author.get_full_name(),
        "function": profile.function if profile else "",
        "organisation": data.organisation,
        "email": "",
        "phone": "",
    }


def _case_body(data: CaseData, author: Any) -> list[tuple[str, Any]]:
    body: list[tuple[str, Any]] = [
        (kind, RichText(value) if kind == "text" else value) for kind, value in data.body
    ]
    body.append(("contact", _contact(data, author)))
    body.append(("text", RichText(DEMO_NOTE)))
    return body


def _seed_case_page(
    parent: ConsortiumPage,
    consortium: Consortium,
    data: CaseData,
    created: Counter,
    warn: Warn,
) -> None:
    if _slug_taken(parent, data.slug):
        return
    town = consortium.own_towns().filter(slug=data.town).first()
    author = _demo_user(data.author)
    if town is None or author is None:
        warn(f"Town „{data.town}“ or account „{data.author}“ missing: case page skipped.")
        return
    page = LabCasePage(
        title=data.title,
        slug=data.slug,
        town=town,
        consortium=consortium,
        visibility=data.visibility,
        period_start=data.period_start,
        period_end=data.period_end,
        summary=data.summary,
        goals=data.goals,
        body=_case_body(data, author),
        outcome=data.outcome,
        outcome_notes=data.outcome_notes,
        cost_range=data.cost_range,
        staff_effort=data.staff_effort,
        partners="\n".join(data.partners),
        # Named only when the account agreed to be asked (the admin form enforces the same).
        contact_person=author if _accepts_contact_requests(author) else None,
        owner=author,
        live=False,
        first_published_at=_published_at(data),
    )
    # Parental relations: written with the page and kept in its revision.
    page.challenges = list(Challenge.objects.filter(slug__in=data.challenges))
    page.formats = list(Format.objects.filter(slug__in=data.formats))
    parent.add_child(instance=page)
    # As after the review workflow: the town drafted the page, the editors published it.
    # (Town staff may not publish themselves, hence no permission check for the publisher.)
    # Publishing opens the page's discussion, written by its owner; opened here first, so it
    # is dated with the publication along the lab's timeline.
    editor = _editor()
    link_case_discussion(page=page, publisher=editor, at=page.first_published_at)
    revision = page.save_revision(user=author)
    revision.publish(user=editor, skip_permission_checks=True)
    created[_label(LabCasePage)] += 1
    if CaseDiscussion.objects.filter(page=page).exists():
        created[CaseDiscussion._meta.label] += 1
    else:
        warn(f"Case page „{data.title}“ got no discussion topic.")


def _seed_action_module(
    index: ActionModuleIndexPage,
    cases_parent: ConsortiumPage,
    data: ModuleData,
    created: Counter,
    warn: Warn,
) -> None:
    if _slug_taken(index, data.slug):
        return
    evidence = list(
        LabCasePage.objects.child_of(cases_parent).filter(slug__in=data.evidence).order_by("pk")
    )
    if len(evidence) < len(data.evidence):
        warn(f"Action module „{data.title}“: some of its case pages are missing.")
    page = ActionModulePage(
        title=data.title,
        slug=data.slug,
        summary=data.summary,
        recommendation=data.recommendation,
        fits_town_types=data.fits_town_types,
        resources_needed=data.resources_needed,
        live=False,
    )
    page.evidence = evidence
    index.add_child(instance=page)
    page.save_revision().publish()
    created[_label(ActionModulePage)] += 1
