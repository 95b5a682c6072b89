"""Reads of the CMS that depend on who asks, filtered by the policy in ``cms.rules``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.db.models import Case, Prefetch, Q, QuerySet, When
from django.urls import reverse
from wagtail.models import Page

from forum import rules as policy
from forum import selectors as forum_selectors
from forum.models import Consortium, Phase, Post, Topic, Town, display_name
from workshops import selectors as workshop_selectors

from .models import (
    ActionModulePage,
    CaseDiscussion,
    ConsortiumPage,
    ContactRequest,
    ForumQuote,
    LabCasePage,
    Transfer,
    TransferVisibility,
    Visibility,
    quote_block_id,
)

LATEST_REPLIES = 3


def readable_case_pages_q(user: Any) -> Q:
    """The queryset side of ``cms.view_case_page``; a test asserts the two agree."""
    if policy.is_admin(user) or policy.is_editor(user):
        return forum_selectors.EVERYTHING
    public = Q(visibility=Visibility.PUBLIC)
    consortium_ids = list(policy.consortium_roles(user))
    if not consortium_ids:
        return public
    return public | Q(consortium_id__in=consortium_ids)


def unreadable_pages(user: Any) -> QuerySet[LabCasePage]:
    """The pages ``user`` may not read anywhere, the Wagtail admin included: the internal case
    pages of other consortia (nothing can be filed beneath a case page). The other side of
    ``readable_case_pages_q``; a test asserts it agrees with ``cms.view_case_page``."""
    if policy.is_admin(user) or policy.is_editor(user):
        return LabCasePage.objects.none()
    return LabCasePage.objects.filter(visibility=Visibility.INTERNAL).exclude(
        readable_case_pages_q(user)
    )


def unreadable_page_ids(user: Any, page_ids: Iterable[int]) -> set[int]:
    """Of the pages ``page_ids``, those at or beneath a page ``user`` may not read."""
    paths = dict(Page.objects.filter(pk__in=list(page_ids)).values_list("pk", "path"))
    if not paths:
        return set()

    def path_and_ancestors(path: str) -> list[str]:
        return [path[:end] for end in range(Page.steplen, len(path) + 1, Page.steplen)]

    prefixes = {prefix for path in paths.values() for prefix in path_and_ancestors(path)}
    unreadable = set(
        unreadable_pages(user).filter(path__in=prefixes).values_list("path", flat=True)
    )
    return {pk for pk, path in paths.items() if unreadable.intersection(path_and_ancestors(path))}


def case_pages_visible_to(user: Any) -> QuerySet[LabCasePage]:
    """Live case pages ``user`` may read, with what listings show (the case cards name the
    formats), newest lab first."""
    return (
        LabCasePage.objects.live()
        .filter(readable_case_pages_q(user))
        .select_related("town", "consortium")
        .prefetch_related("formats")
        .order_by("-period_start", "title")
    )


def transfers_visible_q(user: Any, prefix: str = "", *, editor: bool | None = None) -> Q:
    """The queryset side of ``cms.see_transfer`` (a test asserts the two agree), for
    ``Transfer`` rows or, with ``prefix``, for rows pointing at one: a live source the viewer
    may read, and a public transfer or one of the viewer's consortia. ``editor`` says whether
    ``user`` is an editor where the caller knows (else it is asked)."""

    def q(**lookups: Any) -> Q:
        return Q(**{prefix + name: value for name, value in lookups.items()})

    live_module = q(action_module__live=True)
    if editor is None:
        editor = policy.is_editor(user)
    if policy.is_admin(user) or editor:
        return q(case_page__live=True) | live_module
    consortium_ids = list(policy.consortium_roles(user))
    readable_page = q(case_page__visibility=Visibility.PUBLIC)
    own = q(visibility=TransferVisibility.PUBLIC)
    if consortium_ids:
        readable_page |= q(case_page__consortium_id__in=consortium_ids)
        own |= q(consortium_id__in=consortium_ids)
    return ((q(case_page__live=True) & readable_page) | live_module) & own


def transfers_visible_to(user: Any) -> QuerySet[Transfer]:
    """Transfers ``user`` may see, with what listings show, newest first."""
    return (
        Transfer.objects.filter(transfers_visible_q(user))
        .select_related("town", "case_page__town", "action_module", "consortium")
        .order_by("-created_at", "-pk")
    )


def contact_candidates(consortium_id: int | None, *, keep: int | None = None) -> QuerySet[Any]:
    """Who a case page of ``consortium_id`` may name as its contact person: active members of
    the consortium who agreed in their profile to be asked. ``keep`` (the current choice) stays
    selectable so that an edit form shows it even after the consent was taken back; ``clean``
    then refuses it."""
    eligible = Q(
        is_active=True,
        memberships__consortium_id=consortium_id,
        profile__accepts_contact_requests=True,
    )
    if keep is not None:
        eligible |= Q(pk=keep)
    return (
        get_user_model()
        .objects.filter(eligible)
        .select_related("profile")
        .distinct()
        .order_by("profile__display_name", "username")
    )


def case_profile(page: LabCasePage) -> dict[str, Any]:
    """The Steckbrief of ``page`` as its template shows it, in a fixed number of queries.

    Read from the page instance itself (not reloaded), so that a preview shows the draft's
    facts. The contact person is not among them: the contact box names them, to members only
    (``contact_box_for``). State, population and area type come from the town, never from the
    page."""
    return {
        "challenges": list(page.challenges.all()),
        "formats": list(page.formats.all()),
        "outcome": page.get_outcome_display() if page.outcome else "",
        "outcome_notes": page.outcome_notes,
        "cost_range": page.get_cost_range_display() if page.cost_range else "",
        "staff_effort": page.get_staff_effort_display() if page.staff_effort else "",
        "partners": [line.strip() for line in page.partners.splitlines() if line.strip()],
        "town": page.town,
    }


def town_profile(town_id: int) -> Town:
    """A town with its Handlungsfelder, for its page."""
    return Town.objects.prefetch_related("challenges").get(pk=town_id)


def action_modules_visible_to(user: Any) -> QuerySet[ActionModulePage]:
    """Action modules are public lessons; Wagtail's own privacy settings still apply."""
    return ActionModulePage.objects.live().public().order_by("title")


def consortium_pages() -> QuerySet[ConsortiumPage]:
    return (
        ConsortiumPage.objects.live()
        .public()
        .select_related("consortium__lead_town")
        .order_by("title")
    )


def consortium_profile(consortium_id: int) -> Consortium:
    return (
        Consortium.objects.select_related("lead_town")
        .prefetch_related("towns", Prefetch("phases", queryset=Phase.objects.order_by("start")))
        .get(pk=consortium_id)
    )


def home_page_context(user: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "latest_case_pages": case_pages_visible_to(user)[:6],
        "action_modules": action_modules_visible_to(user)[:5],
        "consortium_pages": consortium_pages(),
    }
    if policy.allowed(user, "forum.read_forum"):
        context["my_spaces"] = forum_selectors.spaces_for_home(user)
        context["new_topics"] = forum_selectors.new_for_user(user, limit=5)
    context.update(_home_workshops(user))
    return context


def _home_workshops(user: Any) -> dict[str, Any]:
    """The member's next workshops, and the publicly announced ones not already among them;
    an announcement links into the closed area only for those who may open the workshop."""
    upcoming: list[Any] = []
    if policy.is_signed_in_member(user) or policy.is_admin(user):
        upcoming = list(workshop_selectors.upcoming_for(user))
    shown = {workshop.pk for workshop in upcoming}
    announced = [w for w in workshop_selectors.public_announcements() if w.pk not in shown]
    for workshop in announced:
        workshop.viewer_may_open = policy.allowed(user, "workshops.see_workshop", workshop)
    return {"upcoming_workshops": upcoming, "announced_workshops": announced}


def workshop_index_context(user: Any) -> dict[str, Any]:
    """The public "Transferwerkstätten" page (the menu leads there): members and admins find
    their consortia's next workshops first, each linking to its page with the registration,
    and the lists of their consortia; the public announcements link to the workshop only for
    those who may open it. ``my_workshops`` is None for everyone else."""
    context: dict[str, Any] = {"my_workshops": None, "my_consortia": []}
    if policy.is_signed_in_member(user) or policy.is_admin(user):
        context["my_workshops"] = list(workshop_selectors.upcoming_with_seats_for(user))
        context["my_consortia"] = list(
            Consortium.objects.filter(pk__in=list(policy.consortium_roles(user))).order_by("name")
        )
    announced = list(workshop_selectors.public_announcements())
    for workshop in announced:
        workshop.viewer_may_open = policy.allowed(user, "workshops.see_workshop", workshop)
    context["announcements"] = announced
    return context


def case_discussion_for(page: LabCasePage, user: Any) -> dict[str, Any]:
    """The linked topic and, for those who may read it, its latest replies."""
    discussion = CaseDiscussion.objects.filter(page=page).select_related("topic__space").first()
    if discussion is None:
        return {"discussion": None}
    topic = discussion.topic
    context: dict[str, Any] = {"discussion": topic, "discussion_readable": False}
    if policy.allowed(user, "forum.read_space", topic.space):
        context["discussion_readable"] = True
        context["discussion_can_reply"] = policy.allowed(user, "forum.reply_to_topic", topic)
        replies = (
            Post.objects.filter(topic=topic, deleted_at__isnull=True, hidden_at__isnull=True)
            .select_related("author__profile")
            .order_by("-pk")[:LATEST_REPLIES]
        )
        context["discussion_replies"] = list(reversed(replies))
    elif not user.is_authenticated:
        context["discussion_login_url"] = (
            f"{reverse('account_login')}?next={topic.get_absolute_url()}"
        )
    else:
        # Signed in but not a reader of that space: say why, and where they may take part.
        context["discussion_in_closed_space"] = not topic.space.is_academy_wide
        if policy.allowed(user, "forum.read_forum"):
            context["discussion_forum_url"] = reverse("forum:home")
    return context


def reviewable_page_ids(user: Any) -> list[str]:
    """Ids (as Wagtail's workflow states store them) of pages ``user`` reviews as coach or core
    team: the consortium pages of their consortia and everything below them. Admins review
    everything and are not asked here (``ConsortiumReviewTask``)."""
    paths = ConsortiumPage.objects.filter(
        consortium_id__in=policy.guided_consortium_ids(user)
    ).values_list("path", flat=True)
    if not paths:
        return []
    under = Q()
    for path in paths:
        under |= Q(path__startswith=path)
    return [str(pk) for pk in Page.objects.filter(under).values_list("pk", flat=True)]


def conversion_targets(*, topic: Topic, actor: Any) -> QuerySet[ConsortiumPage]:
    """Consortium pages under which ``actor`` may file a case page drawn from ``topic``.

    A closed space's topic stays in its consortium. An academy-wide topic may go to any
    consortium for editors and admins, and to the consortia a coach or core team member guides.
    Precondition: ``actor`` holds ``cms.convert_topic`` for ``topic``.
    """
    pages = ConsortiumPage.objects.select_related("consortium").order_by("title")
    if not topic.space.is_academy_wide:
        return pages.filter(consortium_id=topic.space.consortium_id)
    if policy.is_admin(actor) or policy.is_editor(actor):
        return pages
    return pages.filter(consortium_id__in=policy.guided_consortium_ids(actor))


def may_be_quoted(post: Post, actor: Any) -> bool:
    return (
        post.deleted_at is None
        and post.hidden_at is None
        and policy.allowed(actor, "forum.see_post_content", post)
    )


def quotable_posts(*, topic: Topic, actor: Any) -> list[Post]:
    """The posts of ``topic`` that ``actor`` may quote: readable, neither deleted nor hidden."""
    posts = forum_selectors.posts_for_topic_page(topic).filter(
        deleted_at__isnull=True, hidden_at__isnull=True
    )
    result = []
    for post in posts:
        post.topic = topic  # the policy asks for the space; avoid a query per post
        if may_be_quoted(post, actor):
            result.append(post)
    return result


def quote_still_published(quote: ForumQuote) -> bool:
    """Whether the live version of the page still shows the quote after its author objected:
    an objection changes the draft only, until the page is published again."""
    page = quote.page
    if quote.objected_at is None or not page.live:
        return False
    block_id = quote_block_id(quote.post_id)
    return any(block.id == block_id for block in page.body)


# --- "Kontakt aufnehmen" -------------------------------------------------------------------


def contact_box_for(page: LabCasePage, user: Any) -> dict[str, Any]:
    """What the case page's contact box shows ``user`` (templates/cms/includes/case_contact.html).
    Only while the contact is a candidate (``contact_candidates``: active, in the consortium,
    still agreeing to be asked): taking the consent back or leaving the consortium removes the
    box at once. The contact's name only for signed-in members, editors and admins: they agreed
    to be asked by members of the academy, not to be named to every visitor."""
    contact = (
        contact_candidates(page.consortium_id).filter(pk=page.contact_person_id).first()
        if page.contact_person_id
        else None
    )
    if contact is None:
        return {"contact_box": None}
    signed_in = bool(user is not None and user.is_authenticated)
    box: dict[str, Any] = {
        "name": "",
        "is_self": signed_in and user.pk == page.contact_person_id,
        "can_ask": policy.allowed(user, "cms.ask_contact_person", page),
        "ask_url": reverse("cms:contact_ask", kwargs={"page_id": page.pk}),
        "login_url": "",
        "open_request": None,
        "is_member": policy.is_signed_in_member(user),
    }
    if not signed_in:
        box["login_url"] = redirect_to_login(box["ask_url"]).url
        return {"contact_box": box}
    if box["is_member"] or policy.is_editor(user) or policy.is_admin(user):
        box["name"] = display_name(contact)
    box["open_request"] = ContactRequest.objects.filter(
        asker=user, page=page, state=ContactRequest.State.OPEN
    ).first()
    return {"contact_box": box}


def contact_requests_received(user: Any) -> QuerySet[ContactRequest]:
    """Questions to ``user`` as contact person: open ones first, then newest."""
    return (
        ContactRequest.objects.filter(contact_person=user)
        .select_related("asker__profile__town", "page")
        .order_by(
            Case(When(state=ContactRequest.State.OPEN, then=0), default=1),
            "-created_at",
            "-pk",
        )
    )


def contact_requests_made(user: Any) -> QuerySet[ContactRequest]:
    return (
        ContactRequest.objects.filter(asker=user)
        .select_related("contact_person__profile", "page")
        .order_by("-created_at", "-pk")
    )


def contact_request_for_contact(pk: int, user: Any) -> ContactRequest | None:
    """A question addressed to ``user``; ``None`` (404) for anyone else's."""
    if user is None or not user.is_authenticated:
        return None
    return (
        ContactRequest.objects.filter(pk=pk, contact_person=user)
        .select_related("asker__profile__town", "page", "contact_person__profile")
        .first()
    )
