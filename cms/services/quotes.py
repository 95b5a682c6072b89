"""Case pages drawn from forum topics, and the rights of the authors quoted in them: told when
quoted, they may object, and their quotes go with their account."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.log_actions import log
from wagtail.models import Page

from forum import mail
from forum import rules as policy
from forum.markdown import render_plain_snippet
from forum.models import Post, Topic, Town, display_name
from forum.privacy.scrubbing import replace_mentions
from forum.text import clean_line

from .. import selectors
from ..models import ConsortiumPage, ForumQuote, LabCasePage, Visibility, quote_block_id

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
    *, topic: Topic, actor: Any, post_ids: list[int], title: str, town: Town, parent: ConsortiumPage
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
