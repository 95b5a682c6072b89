"""The forum discussion linked to each published case page."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page

from forum import events as forum_events
from forum import rules as policy
from forum import services as forum_services
from forum.models import Space, Topic
from forum.streams import topic_stream

from ..models import CaseDiscussion, ConsortiumPage, LabCasePage
from ..peer_finder.index import refresh_page as refresh_finder_page
from .editorial import prepare_consortium_page
from .review import PUBLISHED, approved_by_workflow, tell_author

logger = logging.getLogger(__name__)


ACADEMY_SPACE_SLUG = "erfahrungsaustausch"


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
        if not approved_by_workflow(specific, revision):
            tell_author(page=specific, actor=publisher, outcome=PUBLISHED)
    elif isinstance(specific, ConsortiumPage):
        prepare_consortium_page(page=specific)
