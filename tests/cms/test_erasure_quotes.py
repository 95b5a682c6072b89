"""Erasing an account takes the quotes of its posts out of case pages (live page, drafts,
revisions) and out of the site search; @mentions of the person in other quotes become a
neutral marker."""

import json

import pytest
from wagtail.search.backends import get_search_backend

from cms import services
from cms.models import ForumQuote, LabCasePage
from forum import services as forum_services
from forum.models import Role
from forum.privacy.erasure import MENTION_MARKER, erase_person
from tests.factories import MembershipFactory, UserFactory

NAME = "Wiebke Quellenberg"


@pytest.fixture
def quoted_person(cast, forum, home_page):
    person = UserFactory(username="wiebke.q", profile__display_name=NAME)
    MembershipFactory(user=person, consortium=cast.consortium, role=Role.MEMBER)
    own = forum_services.post_reply(
        topic=forum.closed_topic, author=person, body="Der Dorfladen trägt sich selbst."
    )
    answer = forum_services.post_reply(
        topic=forum.closed_topic,
        author=cast.user("member"),
        body="Danke @wiebke.q, bei uns auch.",
    )
    parent = services.create_consortium_page(consortium=cast.consortium, parent=home_page)
    page = services.convert_topic_to_case_page(
        topic=forum.closed_topic,
        actor=cast.user("core_team"),
        post_ids=[own.pk, answer.pk],
        title="Dorfladen",
        town=cast.consortium.lead_town,
        parent=parent,
    )
    page.save_revision(user=cast.user("core_team")).publish()
    return person, page


def _page_hits(query):
    """The site search's index (Wagtail's), asked directly: the results page repeats the query."""
    return [page.pk for page in get_search_backend().search(query, LabCasePage)]


def test_the_live_page_its_revisions_and_search_lose_the_quote(
    cast, quoted_person, django_capture_on_commit_callbacks
):
    person, page = quoted_person
    admin = cast.user("admin")
    assert _page_hits("Quellenberg") == [page.pk]

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(person=person, delete_posts=False, actor=admin)

    page = LabCasePage.objects.get(pk=page.pk)
    quotes = [block.value for block in page.body if block.block_type == "quote"]
    assert [quote["speaker"] for quote in quotes] == [cast.user("member").profile.display_name]
    assert quotes[0]["text"] == f"Danke {MENTION_MARKER}, bei uns auch."
    for revision in page.revisions.all():
        stored = json.dumps(revision.content, ensure_ascii=False)
        assert NAME not in stored and "wiebke.q" not in stored
    assert not ForumQuote.objects.filter(author_id=person.pk).exists()
    assert _page_hits("Quellenberg") == []
    assert _page_hits("wiebke") == []
