"""Who may read, review and feed the case pages; composed from the predicates of ``forum.rules``.

Membership is the one source of truth: a consortium's internal pages and files are for its
members (any role), the editors and the admins.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.models import Collection

from forum import rules as policy
from forum.models import Consortium, Role, Topic

from .models import (
    ActionModulePage,
    ConsortiumEditing,
    ConsortiumPage,
    LabCasePage,
    Transfer,
    TransferVisibility,
    Visibility,
)


def consortium_id_of_page(page: Any) -> int | None:
    """The consortium a page belongs to: its own, or the one of the consortium page above it."""
    consortium_id = getattr(page, "consortium_id", None)
    if consortium_id is None and hasattr(page, "get_parent"):
        parent = page.get_parent()
        consortium_id = getattr(parent.specific if parent else None, "consortium_id", None)
    return consortium_id


@rules.predicate
def is_public_page(user: Any, page: Any) -> bool:
    return getattr(page, "visibility", Visibility.PUBLIC) == Visibility.PUBLIC


@rules.predicate
def is_member_of_page_consortium(user: Any, page: Any) -> bool:
    return consortium_id_of_page(page) in policy.consortium_roles(user)


@rules.predicate
def reviews_page_consortium(user: Any, page: Any) -> bool:
    return consortium_id_of_page(page) in policy.guided_consortium_ids(user)


def reviewers_asked(page: Any) -> QuerySet[Any]:
    """Who is asked to review ``page``: its consortium's coaches and core team, the user side
    of ``reviews_page_consortium``. Admins may step in (``cms.review_case_page``) but are not
    asked for every consortium's pages."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__consortium_id=consortium_id_of_page(page),
            memberships__role__in=[Role.COACH, Role.CORE_TEAM],
        )
        .distinct()
    )


@rules.predicate
def may_read_collection(user: Any, collection: Collection) -> bool:
    """Files outside a consortium's internal collection are as public as the pages using them."""
    editing = (
        ConsortiumEditing.objects.filter(internal_collection=collection)
        .only("consortium_id")
        .first()
    )
    if editing is None:
        return True
    return (
        editing.consortium_id in policy.consortium_roles(user)
        or policy.is_editor(user)
        or policy.is_admin(user)
    )


@rules.predicate
def converts_topic(user: Any, topic: Topic) -> bool:
    """Coaches and core team turn their consortium's topics into case pages; in the
    academy-wide exchange, editors and any coach or core team member may."""
    if topic.space.is_academy_wide:
        return policy.is_editor(user) or policy.guides_some_consortium(user)
    return topic.space.consortium_id in policy.guided_consortium_ids(user)


@rules.predicate
def is_out_of_review(user: Any, page: Any) -> bool:
    """No workflow is running on the page: publishing directly would cancel one and skip the
    consortium's review or the editors' step."""
    return getattr(page, "current_workflow_state", None) is None


@rules.predicate
def submitted_for_review(user: Any, page: Any) -> bool:
    """The page's author or whoever submitted it; reviewers decide, they do not withdraw."""
    if user is None or not user.is_authenticated:
        return False
    state = getattr(page, "current_workflow_state", None)
    return user.pk in {getattr(page, "owner_id", None), getattr(state, "requested_by_id", None)}


@rules.predicate
def uses_admin(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


@rules.predicate
def page_permits_editing(user: Any, page: Any) -> bool:
    """Wagtail's page permissions (narrowed to readable pages by ``cms.admin_access``)."""
    return page.permissions_for_user(user).can_edit()


@rules.predicate
def page_takes_case_pages(user: Any, page: Any) -> bool:
    return isinstance(page, ConsortiumPage) and (
        page.permissions_for_user(user).can_add_subpage()
        and LabCasePage in page.specific_class.allowed_subpage_models()
    )


def consortium_pages_for_new_cases(user: Any) -> list[ConsortiumPage]:
    """The consortium pages of ``user``'s own consortia under which they may draft a case page
    (the case index offers these; editors and admins start from a consortium's page)."""
    pages = ConsortiumPage.objects.live().filter(
        consortium_id__in=list(policy.consortium_roles(user))
    )
    return [page for page in pages.order_by("title") if can_add_case_page(user, page)]


@rules.predicate
def has_contact_person(user: Any, page: Any) -> bool:
    return getattr(page, "contact_person_id", None) is not None


@rules.predicate
def is_page_contact(user: Any, page: Any) -> bool:
    return user is not None and user.pk is not None and user.pk == page.contact_person_id


@rules.predicate
def contact_takes_requests(user: Any, page: Any) -> bool:
    """The page's contact person still agrees to be asked, is active and still a member of
    the page's consortium (the consent and membership may have ended since the page named
    them)."""
    contact = page.contact_person
    profile = getattr(contact, "profile", None)
    return bool(
        contact.is_active
        and profile is not None
        and profile.accepts_contact_requests
        and consortium_id_of_page(page) in policy.consortium_roles(contact)
    )


@rules.predicate
def contact_blocked_asker(user: Any, page: Any) -> bool:
    return policy.has_blocked(page.contact_person, user)


@rules.predicate
def is_request_contact(user: Any, contact_request: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and contact_request.contact_person_id == user.pk
    )


@rules.predicate
def is_request_open(user: Any, contact_request: Any) -> bool:
    return contact_request.is_open


# --- Übertragungen ---------------------------------------------------------------------------


def profile_town_id(user: Any) -> int | None:
    """The town ``user`` works for (their profile's), cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_profile_town_id"):
        profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
        user._profile_town_id = getattr(profile, "town_id", None)
    return user._profile_town_id


def towns_acted_for(user: Any) -> set[tuple[int, int]]:
    """The (town id, consortium id) pairs ``user`` acts for (records transfers, runs surveys):
    town staff for their own town in each of its consortia they belong to; coaches and core
    team for every town of the consortia they guide; admins for every town in each of its
    consortia. Cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_towns_acted_for", None)
    if cached is None:
        rows = Consortium.towns.through.objects.all()
        if not policy.is_admin(user):
            town_id = profile_town_id(user)
            allowed = Q(consortium_id__in=policy.guided_consortium_ids(user))
            if town_id is not None:
                allowed |= Q(town_id=town_id, consortium_id__in=list(policy.consortium_roles(user)))
            rows = rows.filter(allowed)
        cached = user._towns_acted_for = set(rows.values_list("town_id", "consortium_id"))
    return cached


def source_is_readable(user: Any, source: Any) -> bool:
    """A transfer's source: a live case page the viewer may read, or a live action module
    (action modules are public lessons)."""
    if isinstance(source, LabCasePage):
        return source.live and (is_public_page(user, source) or can_read_internal(user, source))
    if isinstance(source, ActionModulePage):
        return source.live
    return False


@rules.predicate
def is_readable_source(user: Any, source: Any) -> bool:
    return source_is_readable(user, source)


@rules.predicate
def records_for_another_town(user: Any, source: Any) -> bool:
    """Some town ``user`` may record for, other than the source's own (a town does not adopt
    its own lab)."""
    own_town = getattr(source, "town_id", None)
    return any(town_id != own_town for town_id, _c in towns_acted_for(user))


@rules.predicate
def reads_transfer_source(user: Any, transfer: Transfer) -> bool:
    return source_is_readable(user, transfer.source)


@rules.predicate
def is_public_transfer(user: Any, transfer: Transfer) -> bool:
    return transfer.visibility == TransferVisibility.PUBLIC


@rules.predicate
def is_transfer_recorder(user: Any, transfer: Transfer) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and transfer.recorded_by_id == user.pk
    )


@rules.predicate
def works_for_adopting_town(user: Any, transfer: Transfer) -> bool:
    town_id = profile_town_id(user)
    return town_id is not None and town_id == transfer.town_id


# Visibility follows the more private of the two sides: the source and the transfer itself.
can_view_transfer = reads_transfer_source & (
    is_public_transfer | policy.is_consortium_member | policy.is_editor | policy.is_admin
)
guides_transfer = policy.is_coach_of | policy.is_core_team_of


can_read_internal = is_member_of_page_consortium | policy.is_editor | policy.is_admin
can_view_case_page = is_public_page | can_read_internal

rules.add_perm("cms.view_case_page", can_view_case_page)
# "Kontakt aufnehmen": members of any consortium who read the page ask its contact person,
# while that person agrees, belongs to the page's consortium and has not blocked them.
rules.add_perm(
    "cms.ask_contact_person",
    policy.is_signed_in_member
    & can_view_case_page
    & has_contact_person
    & ~is_page_contact
    & contact_takes_requests
    & ~contact_blocked_asker,
)
rules.add_perm("cms.answer_contact_request", is_request_contact & is_request_open)
rules.add_perm("cms.review_case_page", reviews_page_consortium | policy.is_admin)
can_add_case_page = uses_admin & page_takes_case_pages
rules.add_perm("cms.edit_page", uses_admin & page_permits_editing)
rules.add_perm("cms.add_case_page", can_add_case_page)
rules.add_perm("cms.publish_directly", is_out_of_review)
rules.add_perm("cms.withdraw_from_review", submitted_for_review)
rules.add_perm("cms.view_collection_files", may_read_collection)
rules.add_perm("cms.convert_topic", policy.can_read_space & (converts_topic | policy.is_admin))
rules.add_perm("cms.handle_barrier_reports", policy.is_editor | policy.is_admin)
rules.add_perm("cms.see_transfer", can_view_transfer)
rules.add_perm("cms.record_transfer", is_readable_source & records_for_another_town)
rules.add_perm(
    "cms.edit_transfer",
    can_view_transfer
    & (is_transfer_recorder | works_for_adopting_town | guides_transfer | policy.is_admin),
)
# Deleting drops the history and evidence too: the recorder, the consortium's coaches and core
# team, admins.
rules.add_perm(
    "cms.remove_transfer",
    can_view_transfer & (is_transfer_recorder | guides_transfer | policy.is_admin),
)


# Bürgerbefragungen: their own module, registered with the rest when this one is imported.
from .surveys import rules as survey_rules  # noqa: E402, F401
