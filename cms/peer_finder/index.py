"""Keeping the peer finder's search table current.

Called by the services and signal receivers that change what the table mirrors: publishing,
unpublishing, moving and restricting pages (``cms.apps``), marking lessons, moving topics,
editing, hiding and deleting posts (``forum.signals.lesson_changed``), erasing an account
(``cms.privacy``). ``rebuild`` (management command ``rebuild_peer_finder``) writes it anew.
Each refresh reads the object as it is now and writes or deletes its one row, so calling it
twice, or for an object that did not change, is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.html import strip_tags
from wagtail.models import Page

from forum.markdown import render_plain_text
from forum.models import Challenge, Format, Post, Topic
from forum.search import spelling_variants

from ..models import ActionModulePage, LabCasePage, Outcome, Visibility
from .entries import EntryKind, PeerFinderEntry, PeerFinderWord
from .terms import Vocabulary

SNIPPET_LENGTH = 240
# A lesson is found by its title, its opening post and the start of the replies: the gist is
# there, and a short text keeps the stored vector small enough to rank without reading it from
# TOAST (bench/peer_finder.py).
LESSON_TEXT_LENGTH = 1200
LESSON_BATCH = 500


def _shorten(text: str, length: int) -> str:
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length)
    return text[: cut if cut > 0 else length] + " …"


def _vocabulary() -> Vocabulary:
    return Vocabulary(challenges=list(Challenge.objects.all()), formats=list(Format.objects.all()))


def _case_fields(page: LabCasePage) -> dict[str, Any]:
    town = page.town
    challenges = list(page.challenges.all())
    formats = list(page.formats.all())
    body = LabCasePage._meta.get_field("body").get_searchable_content(page.body)
    facts = [town.name, town.get_state_display()]
    facts += [term.name for term in challenges + formats]
    if page.outcome:
        facts.append(str(Outcome(page.outcome).label))
    document = " ".join(
        [
            page.summary,
            *facts,
            page.outcome_notes,
            page.partners,
            strip_tags(page.goals),
            *(str(part) for part in body),
        ]
    )
    return {
        "visibility": page.visibility,
        "consortium_id": page.consortium_id,
        "space": None,
        "title": page.title,
        "snippet": _shorten(page.summary, SNIPPET_LENGTH),
        "url": page.get_url() or "",
        "document": document,
        "words": spelling_variants(f"{page.title} {' '.join(facts)}"),
        "town": town,
        "challenge_keys": PeerFinderEntry.keys({term.pk for term in challenges}),
        "format_keys": PeerFinderEntry.keys({term.pk for term in formats}),
        "outcome": page.outcome,
        "has_outcome_notes": bool(page.outcome_notes.strip()),
    }


def _module_fields(page: ActionModulePage) -> dict[str, Any]:
    # Facts only of public evidence: an internal case page must not show through a module.
    evidence = LabCasePage.objects.live().filter(action_modules=page, visibility=Visibility.PUBLIC)
    challenges = set(Challenge.objects.filter(case_pages__in=evidence).values_list("pk", flat=True))
    formats = set(Format.objects.filter(case_pages__in=evidence).values_list("pk", flat=True))
    names = list(Challenge.objects.filter(pk__in=challenges).values_list("name", flat=True)) + list(
        Format.objects.filter(pk__in=formats).values_list("name", flat=True)
    )
    document = " ".join(
        [
            page.summary,
            *names,
            strip_tags(page.recommendation),
            page.fits_town_types,
            page.resources_needed,
        ]
    )
    return {
        "visibility": Visibility.PUBLIC,
        "consortium_id": None,
        "space": None,
        "title": page.title,
        "snippet": _shorten(page.summary, SNIPPET_LENGTH),
        "url": page.get_url() or "",
        "document": document,
        "words": spelling_variants(f"{page.title} {' '.join(names)}"),
        "town": None,
        "challenge_keys": PeerFinderEntry.keys(challenges),
        "format_keys": PeerFinderEntry.keys(formats),
        "outcome": "",
        "has_outcome_notes": False,
    }


def _write(kind: str, fields: dict[str, Any], **key: Any) -> None:
    PeerFinderEntry.objects.update_or_create(defaults={"kind": kind, **fields}, **key)
    shortest = PeerFinderWord.MIN_LENGTH
    words = {word[:100] for word in fields["words"].split() if len(word) >= shortest}
    PeerFinderWord.objects.bulk_create(
        [PeerFinderWord(word=word) for word in sorted(words)], ignore_conflicts=True
    )


def _listed(page: LabCasePage | ActionModulePage) -> bool:
    """Live, and for action modules without a view restriction, as the selectors list them
    (``case_pages_visible_to``, ``action_modules_visible_to``)."""
    if not page.live:
        return False
    if isinstance(page, ActionModulePage):
        return ActionModulePage.objects.public().filter(pk=page.pk).exists()
    return True


@transaction.atomic
def refresh_page(*, page: Page, with_modules: bool = True) -> None:
    """Write or remove the row of ``page`` (a case page or an action module; other pages are
    ignored). A case page's facts show in the modules it is evidence for: those follow, unless
    the caller refreshes them itself (``with_modules``)."""
    specific = page.specific
    if not isinstance(specific, LabCasePage | ActionModulePage):
        return
    if not _listed(specific):
        PeerFinderEntry.objects.filter(page_id=page.pk).delete()
    elif isinstance(specific, LabCasePage):
        _write(EntryKind.CASE, _case_fields(specific), page_id=page.pk)
    else:
        _write(EntryKind.MODULE, _module_fields(specific), page_id=page.pk)
    if with_modules and isinstance(specific, LabCasePage):
        for module in ActionModulePage.objects.filter(evidence=specific):
            refresh_page(page=module)


@transaction.atomic
def refresh_subtree(*, page: Page) -> None:
    """After a move or a change of view restriction: every listed page at or below ``page``."""
    pages = Page.objects.descendant_of(page, inclusive=True).type(LabCasePage, ActionModulePage)
    for descendant in pages:
        refresh_page(page=descendant)


def _lesson_row(topic: Topic, bodies: list[str], vocabulary: Vocabulary) -> PeerFinderEntry:
    texts: list[str] = []
    length = 0
    for body in bodies:
        text = render_plain_text(body)
        texts.append(text)
        length += len(text)
        if length >= LESSON_TEXT_LENGTH:
            break
    document = " ".join(texts)[:LESSON_TEXT_LENGTH]
    found = vocabulary.found_in(f"{topic.title} {document}")
    return PeerFinderEntry(
        kind=EntryKind.LESSON,
        topic_id=topic.pk,
        visibility=Visibility.INTERNAL,
        consortium_id=topic.space.consortium_id,
        space_id=topic.space_id,
        title=topic.title,
        snippet=_shorten(texts[0], SNIPPET_LENGTH) if texts else "",
        document=document,
        # No trigram words: lessons are found by their text; comparing trigrams with 10,000
        # titles cost the member's search the most time (bench/peer_finder.py).
        words="",
        challenge_keys=PeerFinderEntry.keys({term.pk for term in found.challenges}),
        format_keys=PeerFinderEntry.keys({term.pk for term in found.formats}),
    )


@transaction.atomic
def refresh_lessons(*, topic_ids: Iterable[int]) -> None:
    """Write the rows of the topics among ``topic_ids`` that are lessons (their title and the
    text of their visible posts), remove the others'. A few queries per batch of topics."""
    topic_ids = list(topic_ids)
    if not topic_ids:
        return
    vocabulary = _vocabulary()
    for start in range(0, len(topic_ids), LESSON_BATCH):
        batch = topic_ids[start : start + LESSON_BATCH]
        PeerFinderEntry.objects.filter(topic_id__in=batch).delete()
        lessons = list(Topic.objects.filter(pk__in=batch, is_lesson=True).select_related("space"))
        bodies: dict[int, list[str]] = {topic.pk: [] for topic in lessons}
        posts = Post.objects.filter(
            topic_id__in=list(bodies), deleted_at__isnull=True, hidden_at__isnull=True
        ).order_by("topic_id", "pk")
        collected = dict.fromkeys(bodies, 0)
        for topic_id, body in posts.values_list("topic_id", "body").iterator():
            if collected[topic_id] < LESSON_TEXT_LENGTH:  # enough of a long discussion
                bodies[topic_id].append(body)
                collected[topic_id] += len(body)
        PeerFinderEntry.objects.bulk_create(
            _lesson_row(topic, bodies[topic.pk], vocabulary) for topic in lessons
        )


@transaction.atomic
def rebuild() -> int:
    """The whole table anew; returns the number of rows."""
    PeerFinderEntry.objects.all().delete()
    PeerFinderWord.objects.all().delete()
    for page in LabCasePage.objects.live().select_related("town"):
        refresh_page(page=page, with_modules=False)
    for page in ActionModulePage.objects.live():
        refresh_page(page=page)
    topic_ids = Topic.objects.filter(is_lesson=True).values_list("pk", flat=True)
    refresh_lessons(topic_ids=list(topic_ids))
    return PeerFinderEntry.objects.count()
