"""Every write of the CMS outside Wagtail's own editor: editorial access derived from membership,
the review workflow, the linked discussions, case pages drawn from forum topics and the public
summary pages of held workshops.

Internal case pages carry no Wagtail ``PageViewRestriction``: who may read them follows from
membership (``cms.view_case_page``, applied when serving and in every listing). Wagtail's
``public()`` adds one SQL condition per restriction row, so a row per internal page made every
menu, listing and sitemap slower with each page and broke SQLite at about 1,000 pages
(bench/case_pages.py)."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, linebreaks
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from forum import events as forum_events
from forum import mail, notifications
from forum import rules as policy
from forum import selectors as forum_selectors
from forum import services as forum_services
from forum.markdown import render_plain_snippet
from forum.models import (
    Consortium,
    NotificationKind,
    Post,
    Space,
    Topic,
    Town,
    display_name,
)
from forum.privacy.scrubbing import replace_mentions
from forum.streams import topic_stream
from forum.templatetags.dates import abs_date
from forum.text import clean_line, clean_text
from forum.uploads import make_thumbnail
from workshops.models import Workshop, WorkshopFile

from . import rules as cms_policy
from . import selectors
from .contact import MAX_DECLINE_REASON_LENGTH, MAX_QUESTION_LENGTH
from .models import (
    BarrierReport,
    CaseDiscussion,
    ConsortiumEditing,
    ConsortiumPage,
    ConsortiumReviewTask,
    ContactRequest,
    ForumQuote,
    LabCasePage,
    Visibility,
    WorkshopIndexPage,
    WorkshopSummaryPage,
    quote_block_id,
)
from .peer_finder.index import refresh_page as refresh_finder_page

logger = logging.getLogger(__name__)

CASE_WORKFLOW_NAME = "Freigabe von Fallstudien"
REVIEW_TASK_NAME = "Prüfung durch Kleinstadtpaten und Kernteam"
PUBLISH_TASK_NAME = "Freigabe durch die Redaktion"
ACADEMY_SPACE_SLUG = "erfahrungsaustausch"

# What town staff, coaches and core team may do with their consortium's files in the admin.
FILE_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _child_collection(name: str) -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


@transaction.atomic
def ensure_consortium_editing(*, consortium: Consortium) -> ConsortiumEditing:
    """Create (once) the admin group and the two file collections of a consortium, grant them,
    and bring the group's members in line with the memberships."""
    editing = ConsortiumEditing.objects.filter(consortium=consortium).first()
    if editing is None:
        group, _created = Group.objects.get_or_create(
            name=f"Verbund {consortium.slug}: Redaktion"[:150]
        )
        group.permissions.add(_permission("wagtailadmin", "access_admin"))
        editing = ConsortiumEditing.objects.create(
            consortium=consortium,
            group=group,
            public_collection=_child_collection(consortium.name),
            internal_collection=_child_collection(
                _("%(name)s – nur für den Verbund") % {"name": consortium.name}
            ),
        )
        for collection in (editing.public_collection, editing.internal_collection):
            for app_label, codename in FILE_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=collection,
                    permission=_permission(app_label, codename),
                )
    page = ConsortiumPage.objects.filter(consortium=consortium).first()
    if page is not None:
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.get_or_create(
                group=editing.group, page=page, permission=_permission("wagtailcore", codename)
            )
    sync_consortium_editors(consortium=consortium)
    return editing


def sync_consortium_editors(*, consortium: Consortium) -> None:
    """The admin group holds exactly the consortium's members; called whenever membership
    changes, so the group is never a second, hand-kept list."""
    editing = ConsortiumEditing.objects.filter(consortium=consortium).select_related("group")
    editing = editing.first()
    if editing is None:
        return
    members = get_user_model().objects.filter(memberships__consortium=consortium, is_active=True)
    editing.group.user_set.set(members)


@transaction.atomic
def ensure_case_workflow() -> Workflow:
    """The two-step workflow of case pages: the consortium reviews, the editors publish."""
    workflow, _created = Workflow.objects.get_or_create(name=CASE_WORKFLOW_NAME)
    review, _created = ConsortiumReviewTask.objects.get_or_create(name=REVIEW_TASK_NAME)
    publish, created = GroupApprovalTask.objects.get_or_create(name=PUBLISH_TASK_NAME)
    if created:
        editors, _created = Group.objects.get_or_create(name=policy.EDITOR_GROUP)
        publish.groups.add(editors)
    for order, task in enumerate((review, publish)):
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
    return workflow


@transaction.atomic
def create_consortium_page(
    *, consortium: Consortium, parent: Page, title: str = "", intro: str = ""
) -> ConsortiumPage:
    """File a consortium's public profile, give its people their editing rights and put its
    pages under the review workflow."""
    page = ConsortiumPage(
        title=title or consortium.name, slug=consortium.slug, consortium=consortium, intro=intro
    )
    parent.add_child(instance=page)
    page.save_revision().publish()  # on_page_published prepares it
    return page


def prepare_consortium_page(*, page: ConsortiumPage) -> None:
    """Editing rights and workflow for a consortium page however it was created."""
    ensure_consortium_editing(consortium=page.consortium)
    workflow = ensure_case_workflow()
    WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})


def _discussion_space(page: LabCasePage) -> Space:
    if page.is_internal:
        return forum_services.create_consortium_space(consortium=page.consortium)
    return Space.objects.get(slug=ACADEMY_SPACE_SLUG)


def _discussion_author(page: LabCasePage, space: Space, publisher: Any) -> Any:
    for candidate in (page.owner, publisher):
        if candidate is not None and policy.allowed(candidate, "forum.post_in_space", space):
            return candidate
    return None


@transaction.atomic
def link_case_discussion(
    *, page: LabCasePage, publisher: Any = None, at: datetime | None = None
) -> Topic | None:
    """Give a published case page its discussion topic, in the space matching its visibility;
    a page that changed visibility takes its discussion along. ``at``: when the discussion
    opened, for demo history (cms/demo); on publication it opens now."""
    space = _discussion_space(page)
    discussion = CaseDiscussion.objects.select_related("topic").filter(page=page).first()
    if discussion is not None:
        topic = discussion.topic
        if topic.space_id != space.pk:
            topic.space = space
            topic.save(update_fields=["space"])
            forum_events.publish(
                topic_stream(topic.pk), "topic.moved", {"topic_id": topic.pk, "space_id": space.pk}
            )
        return topic
    author = _discussion_author(page, space, publisher)
    if author is None:
        logger.warning("No one may open the discussion of case page %s in %s", page.pk, space)
        return None
    body = _(
        "Hier wird die Fallstudie [%(title)s](%(url)s) besprochen: Fragen an die Kleinstadt, "
        "eigene Erfahrungen, Ideen zum Übertragen."
    ) % {"title": page.title, "url": page.url}
    topic = forum_services.create_topic(
        space=space,
        author=author,
        title=_("Fallstudie: %(title)s") % {"title": page.title},
        body=body,
        at=at,
    )
    CaseDiscussion.objects.create(page=page, topic=topic)
    return topic


def on_page_published(*, page: Page, publisher: Any = None, revision: Any = None) -> None:
    """After any publication (editor, workflow approval or scheduled job). Wagtail signals a
    publication scheduled for later too; only a page that went live is acted on."""
    if not page.live:
        return
    specific = page.specific
    refresh_finder_page(page=specific)
    if isinstance(specific, LabCasePage):
        link_case_discussion(page=specific, publisher=publisher)
        if not _approved_by_workflow(specific, revision):
            tell_author(page=specific, actor=publisher, outcome=PUBLISHED)
    elif isinstance(specific, ConsortiumPage):
        prepare_consortium_page(page=specific)


# --- The site's own address ------------------------------------------------------------------


def sync_default_site() -> None:
    """The default Wagtail Site takes its hostname, port and name from ``SITE_URL`` (the
    admin's dashboard title, ``full_url`` of pages in Wagtail's emails); run after every
    migrate, so a changed address is taken over at the next deployment."""
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    if not address.hostname:
        return
    port = address.port or (443 if address.scheme == "https" else 80)
    Site.objects.filter(is_default_site=True).update(
        hostname=address.hostname, port=port, site_name=settings.WAGTAIL_SITE_NAME
    )


# --- Telling reviewers and authors where a case page stands ---------------------------------

APPROVED, SENT_BACK, PUBLISHED = "approved", "sent_back", "published"
OUTCOME_TITLES = {
    APPROVED: gettext_noop("Vom Verbund freigegeben, liegt bei der Redaktion: %(title)s"),
    SENT_BACK: gettext_noop("Zurückgeschickt mit der Bitte um Änderungen: %(title)s"),
    PUBLISHED: gettext_noop("Veröffentlicht: %(title)s"),
}


def _case_page_of(task_state: Any) -> LabCasePage | None:
    page = task_state.workflow_state.content_object
    specific = getattr(page, "specific", None)
    return specific if isinstance(specific, LabCasePage) else None


def _edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def ask_reviewers(*, task_state: Any, actor: Any = None) -> None:
    """A case page reached its consortium's review step: the reviewers the policy names hear of
    it (bell, and email as each prefers). Only the consortium's own people are asked."""
    page = _case_page_of(task_state)
    if page is None or not isinstance(task_state.task.specific, ConsortiumReviewTask):
        return
    notifications.notify(
        kind=NotificationKind.CASE_REVIEW,
        recipient_ids=cms_policy.reviewers_asked(page).values_list("pk", flat=True),
        title=page.draft_title or page.title,
        url=_edit_url(page),
        actor=actor,
        consortium=page.consortium,
    )


def tell_author(*, page: LabCasePage, actor: Any, outcome: str, requester_id: Any = None) -> None:
    """The page's author (and whoever submitted it) hears that it was approved by the
    consortium, sent back, or published. The notice of an internal page belongs to its
    consortium, so that it disappears with the author's membership."""
    recipients = {page.owner_id, requester_id} - {None}
    notifications.notify(
        kind=NotificationKind.CASE_DECISION,
        recipient_ids=recipients,
        title=_(OUTCOME_TITLES[outcome]) % {"title": page.draft_title or page.title},
        url=page.url if outcome == PUBLISHED and page.url else _edit_url(page),
        actor=actor,
        consortium=page.consortium if page.is_internal else None,
    )


def _approved_by_workflow(page: LabCasePage, revision: Any) -> bool:
    """Whether this publication is a workflow's final approval, told with the approver by
    ``on_workflow_approved`` (the revision's user is then whoever last saved the draft)."""
    return (
        revision is not None
        and page.workflow_states.filter(
            status=WorkflowState.STATUS_APPROVED, current_task_state__revision=revision
        ).exists()
    )


def on_workflow_approved(*, workflow_state: Any, actor: Any) -> None:
    page = getattr(workflow_state.content_object, "specific", None)
    if isinstance(page, LabCasePage) and page.live:
        tell_author(
            page=page,
            actor=actor,
            outcome=PUBLISHED,
            requester_id=workflow_state.requested_by_id,
        )


def on_task_decided(*, task_state: Any, actor: Any, approved: bool) -> None:
    """After a workflow step was approved or rejected. The last step's approval publishes the
    page and is told as its publication (``on_workflow_approved``)."""
    page = _case_page_of(task_state)
    if page is None:
        return
    requester_id = task_state.workflow_state.requested_by_id
    if not approved:
        tell_author(page=page, actor=actor, outcome=SENT_BACK, requester_id=requester_id)
    elif isinstance(task_state.task.specific, ConsortiumReviewTask):
        tell_author(page=page, actor=actor, outcome=APPROVED, requester_id=requester_id)


# --- Case pages drawn from forum topics („Aus dem Forum übernehmen“) -------------------------

SPEAKER_MAX_LENGTH = 120
SPEAKER_ROLE_MAX_LENGTH = 160
PAGE_TITLE_MAX_LENGTH = 255
QUOTE_EXCERPT_LENGTH = 300


def _speaker(user: Any) -> str:
    return display_name(user)[:SPEAKER_MAX_LENGTH]


def _speaker_role(user: Any) -> str:
    profile = getattr(user, "profile", None)
    if profile is None:
        return ""
    parts = [profile.function.strip(), profile.town.name if profile.town_id else ""]
    return ", ".join(part for part in parts if part)[:SPEAKER_ROLE_MAX_LENGTH]


def _case_body(topic: Topic, posts: list[Post]) -> list[dict[str, Any]]:
    """The draft's body in StreamField's JSON form: where it comes from, then one quote per
    post with a block id derived from the post (see ``quote_block_id``)."""
    intro = format_html(
        '<p>{} <a href="{}">{}</a></p>',
        _("Übernommen aus dem Forum:"),
        topic.get_absolute_url(),
        topic.title,
    )
    body: list[dict[str, Any]] = [{"type": "text", "value": str(intro), "id": str(uuid.uuid4())}]
    for post in posts:
        body.append(
            {
                "type": "quote",
                "value": {
                    "text": post.body,
                    "speaker": _speaker(post.author),
                    "speaker_role": _speaker_role(post.author),
                },
                "id": quote_block_id(post.pk),
            }
        )
    return body


def _check_target(*, topic: Topic, actor: Any, parent: ConsortiumPage, town: Town) -> None:
    if not topic.space.is_academy_wide and parent.consortium_id != topic.space.consortium_id:
        raise ValidationError(
            {
                "parent": _(
                    "Eine Diskussion aus einem geschlossenen Bereich kann nur als Fallstudie "
                    "dieses Verbunds übernommen werden."
                )
            }
        )
    if not selectors.conversion_targets(topic=topic, actor=actor).filter(pk=parent.pk).exists():
        raise PermissionDenied
    if not parent.consortium.own_towns().filter(pk=town.pk).exists():
        raise ValidationError({"town": _("Diese Kleinstadt gehört nicht zu diesem Verbund.")})


def _selected_posts(*, topic: Topic, actor: Any, post_ids: list[int]) -> list[Post]:
    wanted = set(post_ids)
    if not wanted:
        raise ValidationError(
            {"post_ids": _("Bitte wählen Sie mindestens einen Beitrag zum Zitieren aus.")}
        )
    posts = list(
        Post.objects.filter(topic=topic, pk__in=wanted)
        .select_related("author__profile__town")
        .order_by("pk")
    )
    for post in posts:
        post.topic = topic
    if len(posts) != len(wanted) or not all(selectors.may_be_quoted(post, actor) for post in posts):
        raise ValidationError(
            {
                "post_ids": _(
                    "Mindestens einer der gewählten Beiträge kann nicht zitiert werden, weil er "
                    "gelöscht, ausgeblendet oder nicht sichtbar ist."
                )
            }
        )
    return posts


@transaction.atomic
def convert_topic_to_case_page(
    *,
    topic: Topic,
    actor: Any,
    post_ids: list[int],
    title: str,
    town: Town,
    parent: ConsortiumPage,
) -> LabCasePage:
    """Turn a forum topic into a draft case page quoting the chosen posts.

    The page is never published here: the quoted authors are told after commit and may object
    (``object_to_quote``) before the page goes through the review workflow.
    """
    if not policy.allowed(actor, "cms.convert_topic", topic):
        raise PermissionDenied
    title = clean_line(title, field="title")
    if not title:
        raise ValidationError({"title": _("Bitte geben Sie einen Titel an.")})
    if len(title) > PAGE_TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": _("Der Titel darf höchstens %(max)s Zeichen lang sein.")
                % {"max": PAGE_TITLE_MAX_LENGTH}
            }
        )
    _check_target(topic=topic, actor=actor, parent=parent, town=town)
    posts = _selected_posts(topic=topic, actor=actor, post_ids=post_ids)

    page = LabCasePage(
        title=title,
        # Wagtail derives a unique slug from the title; a title of only punctuation gives none.
        slug="" if slugify(title, allow_unicode=True) else f"fallstudie-{uuid.uuid4().hex[:8]}",
        owner=actor,
        live=False,
        has_unpublished_changes=True,
        town=town,
        consortium_id=parent.consortium_id,
        # Forum posts were written for a closed circle: a draft drawn from them stays internal
        # until someone deliberately makes it public (academy-wide posts are members-only too).
        visibility=Visibility.INTERNAL,
        period_start=timezone.localdate(topic.created_at),
        summary=(_("Aus der Forumsdiskussion „%(title)s“.") % {"title": topic.title})[:300],
        goals=str(
            format_html(
                "<p>{}</p>",
                _(
                    "Noch zu ergänzen: Was wollte die Kleinstadt mit dem Pop-up-Labor erreichen, "
                    "und für wen?"
                ),
            )
        ),
        body=_case_body(topic, posts),
    )
    parent.add_child(instance=page)
    log(instance=page, action="wagtail.create", user=actor)
    page.save_revision(user=actor, log_action=True)
    quotes = ForumQuote.objects.bulk_create(
        [ForumQuote(page=page, post=post, author_id=post.author_id) for post in posts]
    )
    quote_ids = [quote.pk for quote in quotes]
    _notify_quoted_authors(quote_ids=quote_ids, actor=actor)
    return page


def _queue_email(
    *,
    to: Any,
    template: str,
    subject: str,
    context: dict[str, Any],
    subject_args: dict[str, Any] | None = None,
) -> None:
    """A plain-text and HTML email in the recipient's language, sent after the commit through
    the one email path (retried while the mail server fails). ``subject`` is an untranslated
    msgid (marked with ``gettext_noop``), translated here together with the body."""
    with translation.override(mail.language_of(to)):
        text = render_to_string(f"cms/email/{template}.txt", context)
        html = render_to_string(f"cms/email/{template}.html", context)
        subject = _(subject) % (subject_args or {})
    message = mail.message_to(to, subject=subject, text=text, html=html)
    mail.queue_email(kind=template, message=message, recipient=to)


def quote_objection_url(quote: ForumQuote) -> str:
    return mail.site_url(reverse("cms:quote_objection", kwargs={"quote_id": quote.pk}))


def _notify_quoted_authors(*, quote_ids: list[int], actor: Any) -> None:
    """One email per quoted author (never the actor), listing each of their quotes with its
    objection link."""
    quotes = (
        ForumQuote.objects.filter(pk__in=quote_ids)
        .exclude(author_id=actor.pk)
        .filter(author__is_active=True)
        .select_related("page", "post", "author__profile", "author__wagtail_userprofile")
        .order_by("author_id", "post_id")
    )
    by_author: dict[int, list[ForumQuote]] = {}
    for quote in quotes:
        by_author.setdefault(quote.author_id, []).append(quote)
    actor_name = display_name(actor)
    for author_quotes in by_author.values():
        author = author_quotes[0].author
        if not author.email:
            continue
        page = author_quotes[0].page
        _queue_email(
            to=author,
            template="quote_notice",
            subject=gettext_noop("Ihr Forumsbeitrag wird in einer Fallstudie zitiert"),
            context={
                "recipient_name": display_name(author),
                "actor_name": actor_name,
                "page_title": page.draft_title or page.title,
                "quotes": [
                    {
                        "text": render_plain_snippet(quote.post.body, QUOTE_EXCERPT_LENGTH),
                        "url": quote_objection_url(quote),
                    }
                    for quote in author_quotes
                ],
            },
        )


def _without_quote(body: Any, post: Post) -> tuple[list[dict[str, Any]], bool]:
    """The body's raw blocks without the quote of ``post``: the block with the id given at
    conversion, and any quote block (a copy, a re-created block) still holding the post's text
    word for word under its author's name."""
    block_id = quote_block_id(post.pk)
    text, speaker = post.body.strip(), _speaker(post.author)
    kept, removed = [], False
    for block in body.raw_data:
        value = block.get("value") or {}
        is_that_quote = block.get("type") == "quote" and (
            block.get("id") == block_id
            or (
                str(value.get("text", "")).strip() == text
                and str(value.get("speaker", "")).strip() == speaker
            )
        )
        if is_that_quote:
            removed = True
        else:
            kept.append(block)
    return kept, removed


def _erased_blocks(
    blocks: list[dict[str, Any]], posts: list[Post], username: str
) -> list[dict[str, Any]]:
    """``blocks`` (a body's raw data) without the quotes of ``posts`` (see ``_without_quote``),
    and with @mentions of ``username`` in the other quotes replaced by the neutral marker."""
    quoted = {quote_block_id(post.pk) for post in posts}
    words = {(post.body.strip(), _speaker(post.author)) for post in posts}
    kept = []
    for block in blocks:
        value = block.get("value") or {}
        if block.get("type") != "quote":
            kept.append(block)
            continue
        if block.get("id") in quoted or (
            (str(value.get("text", "")).strip(), str(value.get("speaker", "")).strip()) in words
        ):
            continue
        text = str(value.get("text", ""))
        kept.append({**block, "value": {**value, "text": replace_mentions(text, username)}})
    return kept


@transaction.atomic
def erase_quotes_of(*, person: Any) -> int:
    """Erasure of ``person``'s account: the quotes of their posts leave every case page for
    good, and @mentions of them in other quotes become "@ehemaliges-Mitglied": on the page's
    own row (live or draft) and in every stored revision, so nothing of theirs stays in the
    page's history. Call before their posts change author. Returns the number of pages
    changed."""
    handle = "@" + person.username
    quotes = ForumQuote.objects.filter(author=person).select_related("post__author__profile__town")
    posts_by_page: dict[int, list[Post]] = {}
    for quote in quotes:
        posts_by_page.setdefault(quote.page_id, []).append(quote.post)
    mentioning = ForumQuote.objects.filter(post__body__icontains=handle)
    for page_id in mentioning.values_list("page_id", flat=True):
        posts_by_page.setdefault(page_id, [])
    for page_id, posts in posts_by_page.items():
        Page.objects.select_for_update().filter(pk=page_id).first()
        page = LabCasePage.objects.get(pk=page_id)
        page.body = _erased_blocks(list(page.body.raw_data), posts, person.username)
        page.save(clean=False, update_fields=["body"])
        for revision in page.revisions.all():
            body = revision.content.get("body")
            blocks = json.loads(body) if isinstance(body, str) else body
            if not isinstance(blocks, list):
                continue
            kept = _erased_blocks(blocks, posts, person.username)
            if kept != blocks:
                revision.content["body"] = json.dumps(kept) if isinstance(body, str) else kept
                revision.save(update_fields=["content"])
    quotes.delete()
    return len(posts_by_page)


@transaction.atomic
def object_to_quote(*, quote: ForumQuote, user: Any) -> ForumQuote:
    """The quoted author withdraws consent: record it and take the quote out of the page's
    latest draft, as a new revision. A published page keeps its live version until an editor
    publishes again; its owner is told so."""
    if user is None or not user.is_authenticated or quote.author_id != user.pk:
        raise PermissionDenied
    # Lock the page row first, so that two objections to one page do not overwrite each
    # other's revision.
    Page.objects.select_for_update().filter(pk=quote.page_id).first()
    quote = (
        ForumQuote.objects.select_for_update(of=("self",))
        .select_related("post__author__profile")
        .get(pk=quote.pk)
    )
    if quote.objected_at is not None:
        return quote
    quote.objected_at = timezone.now()
    quote.save(update_fields=["objected_at"])

    page = LabCasePage.objects.select_related("owner").get(pk=quote.page_id)
    draft = page.get_latest_revision_as_object()
    body, removed = _without_quote(draft.body, quote.post)
    if removed:
        draft.body = body
        if not page.live:
            # Like Wagtail's editor: an unpublished page's row holds its draft.
            draft.save(clean=False)
        draft.save_revision(user=user, log_action=True, clean=False)
    owner = page.owner
    if owner is not None and owner.pk != user.pk and owner.is_active and owner.email:
        _notify_owner_of_objection(quote_id=quote.pk)
    return quote


def _notify_owner_of_objection(*, quote_id: int) -> None:
    quote = ForumQuote.objects.select_related(
        "page__owner__profile", "page__owner__wagtail_userprofile", "author__profile"
    ).get(pk=quote_id)
    page = quote.page
    _queue_email(
        to=page.owner,
        template="quote_objection",
        subject=gettext_noop("Widerspruch gegen ein Zitat in „%(title)s“"),
        subject_args={"title": page.draft_title or page.title},
        context={
            "recipient_name": display_name(page.owner),
            "author_name": display_name(quote.author),
            "page_title": page.draft_title or page.title,
            "page_is_live": page.live,
            "edit_url": mail.site_url(reverse("wagtailadmin_pages:edit", args=[page.pk])),
        },
    )


# --- Public summaries of held workshops (proposed by their coaches) -------------------------

SUMMARY_MAX_LENGTH = 5000
SUMMARY_TITLE_MAX_LENGTH = 255
MAX_SUMMARY_PHOTOS = 10
PUBLIC_PHOTO_MAX_PX = 2400


def _public_photo(item: WorkshopFile) -> ContentFile:
    """A copy of a documentation photo fit for the public: re-encoded by ``make_thumbnail``,
    so no metadata (EXIF location, camera owner) leaves the consortium; upright, ≤ 2400 px."""
    with item.file.open("rb") as source:
        copy = make_thumbnail(source, max_px=PUBLIC_PHOTO_MAX_PX)
    extension = copy.name.rsplit(".", 1)[-1]
    copy.name = f"werkstatt-{item.workshop_id}-{item.pk}.{extension}"
    return copy


def _roadmap_points(workshop: Workshop) -> list[str]:
    points = []
    for item in workshop.roadmap.all():
        point = _("%(what)s – %(who)s") % {"what": item.what, "who": item.who}
        if item.due:
            point += ", " + _("bis %(due)s") % {"due": abs_date(item.due)}
        point += " " + _("(Stand: %(status)s)") % {"status": item.get_status_display()}
        points.append(point)
    return points


def _summary_errors(title: str, summary: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Bitte geben Sie einen Titel an.")
    elif len(title) > SUMMARY_TITLE_MAX_LENGTH:
        errors["title"] = _("Der Titel darf höchstens %(max)s Zeichen lang sein.") % {
            "max": SUMMARY_TITLE_MAX_LENGTH
        }
    if not summary:
        errors["summary"] = _("Bitte schreiben Sie eine Zusammenfassung.")
    elif len(summary) > SUMMARY_MAX_LENGTH:
        errors["summary"] = _("Die Zusammenfassung darf höchstens %(max)s Zeichen lang sein.") % {
            "max": SUMMARY_MAX_LENGTH
        }
    return errors


@transaction.atomic
def propose_summary_page(
    *,
    workshop: Workshop,
    actor: Any,
    title: str,
    summary: str,
    include_roadmap: bool,
    photo_ids: list[int],
) -> WorkshopSummaryPage:
    """Propose a public summary of a held workshop: a draft page under "Transferwerkstätten"
    holding only what the coach chose – their summary text, optionally the roadmap as it stands
    and selected photos (copied into the consortium's public collection). Editors, who may not
    see the consortium's documentation, review and publish it in Wagtail; nothing goes live here.
    """
    workshop = (
        Workshop.objects.select_for_update()
        .select_related("consortium", "host_town")
        .get(pk=workshop.pk)
    )
    if not policy.allowed(actor, "workshops.document", workshop):
        raise PermissionDenied
    title = clean_line(title, field="title")
    summary = (summary or "").replace("\x00", "").strip()
    errors = _summary_errors(title, summary)
    wanted = set(photo_ids or [])
    photos = [
        item
        for item in workshop.files.filter(pk__in=wanted).order_by("uploaded_at", "pk")
        if item.is_image
    ]
    if len(photos) != len(wanted):
        errors["photo_ids"] = _(
            "Mindestens eines der gewählten Fotos gehört nicht zu dieser Dokumentation."
        )
    elif len(photos) > MAX_SUMMARY_PHOTOS:
        errors["photo_ids"] = _("Bitte wählen Sie höchstens %(max)s Fotos aus.") % {
            "max": MAX_SUMMARY_PHOTOS
        }
    if errors:
        raise ValidationError(errors)
    if WorkshopSummaryPage.objects.filter(workshop=workshop).exists():
        raise ValidationError(
            _(
                "Für diese Transferwerkstatt gibt es schon eine Zusammenfassung. Änderungen "
                "daran nimmt die Redaktion vor."
            )
        )
    index = WorkshopIndexPage.objects.first()
    if index is None:
        raise ValidationError(
            _(
                "Es gibt noch keine öffentliche Seite „Transferwerkstätten“. Bitte wenden Sie "
                "sich an die Redaktion."
            )
        )

    body: list[tuple[str, Any]] = []
    points = _roadmap_points(workshop) if include_roadmap else []
    if points:
        body.append(("next_steps", points))
    if photos:
        collection = ensure_consortium_editing(consortium=workshop.consortium).public_collection
        image_model = get_image_model()
        credit = (_("Verbund %(name)s") % {"name": workshop.consortium.name})[:120]
        for item in photos:
            image = image_model(
                title=(item.caption or item.original_name)[:255],
                file=ImageFile(_public_photo(item)),
                collection=collection,
                uploaded_by_user=actor,
            )
            image._set_image_file_metadata()
            image.save()
            alt_text = item.caption or _("Foto von der Transferwerkstatt „%(title)s“") % {
                "title": workshop.title
            }
            body.append(
                (
                    "image",
                    {
                        "image": image,
                        "alt_text": alt_text[:250],
                        "caption": item.caption[:250],
                        "credit": credit,
                    },
                )
            )

    page = WorkshopSummaryPage(
        title=title,
        # Wagtail derives a unique slug from the title; a title of only punctuation gives none.
        slug="" if slugify(title, allow_unicode=True) else f"werkstatt-{workshop.pk}",
        owner=actor,
        live=False,
        has_unpublished_changes=True,
        workshop=workshop,
        summary=linebreaks(summary, autoescape=True),
        roadmap_public=bool(points),
        body=body,
    )
    index.add_child(instance=page)
    log(instance=page, action="wagtail.create", user=actor)
    page.save_revision(user=actor, log_action=True)
    return page


# --- Reports of barriers ("Barriere melden") ------------------------------------------------

BARRIER_RECEIPT_SUBJECT = gettext_noop("Ihre Meldung einer Barriere ist eingegangen")
BARRIER_ANSWER_SUBJECT = gettext_noop("Antwort auf Ihre Meldung einer Barriere")


def _barrier_report_admin_url(report: BarrierReport) -> str:
    return reverse("wagtailsnippets_cms_barrierreport:edit", args=[report.pk])


def _queue_barrier_email(*, report: BarrierReport, template: str, subject: str) -> None:
    """To the sender's address, in the language they wrote in, through the one email path."""
    with translation.override(report.language or settings.LANGUAGE_CODE):
        context = {"report": report}
        text = render_to_string(f"cms/email/{template}.txt", context)
        html = render_to_string(f"cms/email/{template}.html", context)
        subject = _(subject)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=text, to=[report.email]
    )
    message.attach_alternative(html, "text/html")
    mail.queue_email(kind=template, message=message)


@transaction.atomic
def create_barrier_report(
    *,
    description: str,
    page_url: str = "",
    name: str = "",
    email: str = "",
    assistive_technology: str = "",
) -> BarrierReport:
    """Store a report sent through "Barriere melden" (no account needed), tell the editors
    (bell, and email as each prefers) and send the sender a receipt when they gave an address."""
    description = clean_text((description or "").replace("\x00", ""), field="description")
    if not description:
        raise ValidationError({"description": _("Bitte beschreiben Sie die Barriere.")})
    report = BarrierReport(
        page_url=clean_line(page_url, field="page_url")[:500],
        description=description,
        name=clean_line(name, field="name")[:200],
        email=(email or "").strip(),
        assistive_technology=clean_line(assistive_technology, field="assistive_technology")[:300],
        language=(translation.get_language() or settings.LANGUAGE_CODE).split("-")[0],
    )
    report.full_clean()
    report.save()
    notifications.notify(
        kind=NotificationKind.BARRIER_REPORT,
        recipient_ids=forum_selectors.editors_and_admins().values_list("pk", flat=True),
        title=render_plain_snippet(description, 120),
        url=_barrier_report_admin_url(report),
    )
    if report.email:
        _queue_barrier_email(
            report=report, template="barrier_receipt", subject=BARRIER_RECEIPT_SUBJECT
        )
    return report


@transaction.atomic
def handle_barrier_report(
    *, report: BarrierReport, actor: Any, status: str, answer: str
) -> BarrierReport:
    """An editor sets the report's status and (once, or changed) answers it: a new answer is
    emailed to the sender. Only editors and admins handle reports."""
    if not policy.allowed(actor, "cms.handle_barrier_reports"):
        raise PermissionDenied
    BarrierReport.Status(status)
    answer = (answer or "").replace("\x00", "").strip()
    previous = BarrierReport.objects.select_for_update().get(pk=report.pk)
    if answer and answer != previous.answer and not report.email:
        raise ValidationError(
            {"answer": _("Die Meldung hat keine E-Mail-Adresse: Eine Antwort kann nicht ankommen.")}
        )
    now = timezone.now()
    report.status = status
    report.answer = answer
    if status == BarrierReport.Status.DONE and previous.status != status:
        report.done_at = now
    elif status != BarrierReport.Status.DONE:
        report.done_at = None
    answered = bool(answer) and answer != previous.answer
    if answered:
        report.answered_at = now
    report.full_clean()
    report.save()
    log(instance=report, action="wagtail.edit", user=actor)
    if answered:
        _queue_barrier_email(
            report=report, template="barrier_answer", subject=BARRIER_ANSWER_SUBJECT
        )
    return report


@transaction.atomic
def delete_barrier_report(*, report: BarrierReport, actor: Any) -> None:
    if not policy.allowed(actor, "cms.handle_barrier_reports"):
        raise PermissionDenied
    log(instance=report, action="wagtail.delete", user=actor, deleted=True)
    report.delete()


@transaction.atomic
def remove_answered_barrier_reports(*, before: datetime) -> int:
    """Delete the reports that were done before ``before`` (with the sender's name and
    address); for the daily retention command, which passes now − ``BARRIER_REPORT_DAYS``.
    Reports still open are kept, however old. Returns how many were deleted."""
    deleted, _by_model = BarrierReport.objects.filter(
        status=BarrierReport.Status.DONE, done_at__lt=before
    ).delete()
    return deleted


# --- "Kontakt aufnehmen": questions to a case page's contact person ----------------------


def asker_label(asker: Any) -> str:
    """The asker as the contact person sees them: name and town, never an address."""
    profile = getattr(asker, "profile", None)
    town = profile.town.name if profile is not None and profile.town_id else ""
    name = display_name(asker)
    return _("%(name)s aus %(town)s") % {"name": name, "town": town} if town else name


def _clean_question(question: str) -> str:
    question = clean_text(question, field="question")
    if not question:
        raise ValidationError({"question": _("Bitte schreiben Sie Ihre Frage.")})
    if len(question) > MAX_QUESTION_LENGTH:
        raise ValidationError(
            {
                "question": _(
                    "Die Frage ist %(length)s Zeichen lang; erlaubt sind höchstens %(max)s."
                )
                % {"length": f"{len(question):,}".replace(",", "."), "max": "1.500"}
            }
        )
    return question


@transaction.atomic
def ask_contact_person(*, page: LabCasePage, asker: Any, question: str) -> ContactRequest:
    """A member asks the contact person of ``page``; they are told (bell and email, as they
    prefer) with the asker's name, town, the page and the question, but no address.

    Refused: someone the policy does not let ask (``PermissionDenied``), a second open
    question about the same page, more than ``CONTACT_REQUESTS_PER_DAY`` questions in a day
    (``ValidationError``, the question kept by the form)."""
    if not policy.allowed(asker, "cms.ask_contact_person", page):
        raise PermissionDenied
    question = _clean_question(question)
    # One asker at a time: two submits at once cannot both pass the checks below.
    get_user_model().objects.select_for_update().filter(pk=asker.pk).first()
    mine = ContactRequest.objects.filter(asker=asker)
    if mine.filter(page=page, state=ContactRequest.State.OPEN).exists():
        raise ValidationError(
            _(
                "Sie haben zu dieser Fallstudie schon eine Frage gestellt, die noch nicht "
                "beantwortet ist. Bitte warten Sie die Antwort ab."
            )
        )
    limit = settings.CONTACT_REQUESTS_PER_DAY
    if mine.filter(created_at__gte=timezone.now() - timedelta(days=1)).count() >= limit:
        raise ValidationError(
            _(
                "Sie haben in den letzten 24 Stunden schon %(max)s Fragen gestellt. Bitte "
                "versuchen Sie es morgen noch einmal; Ihr Text bleibt hier stehen."
            )
            % {"max": limit}
        )
    contact_request = ContactRequest.objects.create(
        asker=asker,
        contact_person_id=page.contact_person_id,
        page=page,
        page_title=page.title,
        question=question,
    )
    notifications.notify(
        kind=NotificationKind.CONTACT_REQUEST,
        recipient_ids=[page.contact_person_id],
        title=_("%(asker)s fragt zu „%(page)s“")
        % {"asker": asker_label(asker), "page": page.title},
        url=reverse("cms:contact_requests") + f"#anfrage-{contact_request.pk}",
        actor=asker,
        excerpt=question,
    )
    return contact_request


def _locked_open_request(contact_request: ContactRequest, contact: Any) -> ContactRequest:
    if not policy.allowed(contact, "cms.answer_contact_request", contact_request):
        raise PermissionDenied
    locked = (
        ContactRequest.objects.select_for_update(of=("self",))
        .select_related("asker__profile", "page")
        .get(pk=contact_request.pk)
    )
    if not locked.is_open:
        raise ValidationError(_("Diese Anfrage ist schon beantwortet oder abgelehnt."))
    return locked


@transaction.atomic
def answer_contact_request(
    *, contact_request: ContactRequest, contact: Any, answer: str
) -> ContactRequest:
    """The contact person answers: the pair's private conversation gets the question and the
    answer, and the asker is told (``contact_answered``)."""
    locked = _locked_open_request(contact_request, contact)
    asker = locked.asker
    if not asker.is_active:
        raise ValidationError(
            _("Die Person, die gefragt hat, ist nicht mehr Mitglied der Akademie.")
        )
    conversation = forum_services.open_with_answer(
        asker=asker,
        contact=contact,
        question=locked.question,
        asked_at=locked.created_at,
        answer=answer,
        title=_("%(name)s hat Ihre Frage zu „%(page)s“ beantwortet")
        % {"name": display_name(contact), "page": locked.page_title},
    )
    locked.state = ContactRequest.State.ANSWERED
    locked.answered_at = timezone.now()
    locked.conversation = conversation
    locked.save(update_fields=["state", "answered_at", "conversation"])
    return locked


@transaction.atomic
def decline_contact_request(
    *, contact_request: ContactRequest, contact: Any, reason: str = "", block: bool = False
) -> ContactRequest:
    """The contact person declines, with an optional short reason the asker reads. With
    ``block`` the asker can send them no further questions or messages, and their other open
    questions to this person are declined too."""
    locked = _locked_open_request(contact_request, contact)
    reason = clean_line(reason, field="reason")
    if len(reason) > MAX_DECLINE_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Bitte fassen Sie die Begründung in höchstens 300 Zeichen.")}
        )
    declined = [locked]
    if block:
        forum_services.block_person(blocker=contact, blocked=locked.asker)
        declined += list(
            ContactRequest.objects.select_for_update()
            .filter(asker=locked.asker, contact_person=contact, state=ContactRequest.State.OPEN)
            .exclude(pk=locked.pk)
        )
    now = timezone.now()
    for item in declined:
        item.state = ContactRequest.State.DECLINED
        item.answered_at = now
        item.decline_reason = reason
        item.save(update_fields=["state", "answered_at", "decline_reason"])
        notifications.notify(
            kind=NotificationKind.CONTACT_ANSWERED,
            recipient_ids=[item.asker_id],
            title=_("Ihre Frage zu „%(page)s“ wurde abgelehnt") % {"page": item.page_title},
            url=reverse("cms:contact_requests") + f"#anfrage-{item.pk}",
            actor=contact,
            excerpt=reason,
        )
    return locked


def remove_old_contact_requests(*, before: datetime) -> int:
    """Retention: questions asked before ``before`` that were declined or never answered
    (an answered one lives on in its conversation)."""
    deleted, _per_model = ContactRequest.objects.filter(
        created_at__lt=before,
        state__in=[ContactRequest.State.OPEN, ContactRequest.State.DECLINED],
    ).delete()
    return deleted
