"""The peer finder's table follows what it mirrors: publishing and unpublishing, a page made
internal, restricted or deleted, a lesson unmarked, moved to a closed space or its post hidden;
``rebuild_peer_finder`` writes the same rows again."""

import pytest
from django.core.management import call_command
from wagtail.models import PageViewRestriction

from cms.models import Visibility
from cms.peer_finder.entries import PeerFinderEntry
from forum import services as forum_services
from tests.helpers.peer_finder import build_finder_world, search


@pytest.fixture
def world(cast, forum, case_site):
    return build_finder_world(cast, forum, case_site)


def _found(user, text, *, page=None, topic=None):
    results, _counts = search(user, text)
    if page is not None:
        return any(r.entry.page_id == page.pk for r in results)
    return any(r.entry.topic_id == topic.pk for r in results)


def test_unpublished_case_page_disappears(cast, world):
    assert _found(cast.user("anonymous"), "Pop-up-Büro", page=world.own_public)
    world.own_public.unpublish()
    assert not PeerFinderEntry.objects.filter(page_id=world.own_public.pk).exists()
    for role in ("anonymous", "member", "admin"):
        assert not _found(cast.user(role), "Pop-up-Büro", page=world.own_public)


def test_case_page_made_internal_is_hidden_from_outside(cast, world):
    page = world.own_public
    page.visibility = Visibility.INTERNAL
    page.save_revision().publish()
    assert not _found(cast.user("anonymous"), "Pop-up-Büro", page=page)
    assert not _found(cast.user("outsider"), "Pop-up-Büro", page=page)
    assert _found(cast.user("member"), "Pop-up-Büro", page=page)


def test_a_draft_changes_nothing_until_published(cast, world):
    page = world.own_public
    page.visibility = Visibility.INTERNAL
    page.save_revision()
    assert _found(cast.user("anonymous"), "Pop-up-Büro", page=page)


def test_restricted_module_disappears_and_returns(cast, world):
    module = world.module
    assert _found(cast.user("anonymous"), "Ankerperson", page=module)
    restriction = PageViewRestriction.objects.create(
        page=module, restriction_type=PageViewRestriction.LOGIN
    )
    assert not _found(cast.user("admin"), "Ankerperson", page=module)
    restriction.delete()
    assert _found(cast.user("anonymous"), "Ankerperson", page=module)


def test_deleted_page_takes_its_row(cast, world):
    world.other_public.delete()
    assert not PeerFinderEntry.objects.filter(page_id=world.other_public.pk).exists()


def test_case_page_facts_reach_the_modules_it_backs(world):
    survey_pk = world.own_internal.formats.get().pk
    page = world.own_internal
    page.visibility = Visibility.PUBLIC
    page.save_revision().publish()
    entry = PeerFinderEntry.objects.get(page_id=world.module.pk)
    assert survey_pk in entry.key_ids("format_keys")


def test_unmarked_lesson_disappears(cast, world):
    member = cast.user("member")
    assert _found(member, "Leerstand", topic=world.academy_lesson)
    forum_services.set_lesson(topic=world.academy_lesson, user=member, value=False)
    assert not _found(member, "Leerstand", topic=world.academy_lesson)


def test_lesson_of_a_space_given_to_a_consortium_follows_its_readers(cast, forum, world):
    # Moves across the consortium boundary go through sharing with consent now; what still
    # changes a lesson's readers in place is an admin giving its space to a consortium.
    topic = world.academy_lesson
    assert _found(cast.user("outsider"), "Leerstand", topic=topic)
    space = forum.academy
    forum_services.change_space(
        space=space,
        actor=cast.user("admin"),
        name=space.name,
        slug=space.slug,
        consortium=cast.consortium,
        description=space.description,
    )
    assert not _found(cast.user("outsider"), "Leerstand", topic=topic)
    assert not _found(cast.user("editor"), "Leerstand", topic=topic)
    assert _found(cast.user("member"), "Leerstand", topic=topic)
    entry = PeerFinderEntry.objects.get(topic=topic)
    assert (entry.space_id, entry.consortium_id) == (space.pk, cast.consortium.pk)


def test_hidden_post_text_is_no_longer_found(cast, forum, world):
    member = cast.user("member")
    assert _found(member, "Erfahrungen", topic=world.academy_lesson)
    forum_services.hide_post(
        post=forum.academy_post, moderator=cast.user("core_team"), reason="Test"
    )
    assert not _found(member, "Erfahrungen", topic=world.academy_lesson)
    forum_services.restore_post(post=forum.academy_post, moderator=cast.user("core_team"))
    assert _found(member, "Erfahrungen", topic=world.academy_lesson)


def test_edited_and_deleted_post_text(cast, forum, world):
    member = cast.user("member")
    forum_services.edit_post(post=forum.academy_post, editor=member, body="Neue Ladenflächen.")
    assert _found(member, "Ladenflächen", topic=world.academy_lesson)
    assert not _found(member, "Erfahrungen", topic=world.academy_lesson)
    forum_services.delete_post(post=forum.academy_post, actor=member)
    assert not _found(member, "Ladenflächen", topic=world.academy_lesson)


def test_rebuild_writes_the_same_rows(world):
    fields = ["kind", "page_id", "topic_id", "visibility", "consortium_id", "space_id", "title"]
    fields += ["challenge_keys", "format_keys", "outcome", "has_outcome_notes", "town_id"]
    before = sorted(PeerFinderEntry.objects.values_list(*fields), key=str)
    call_command("rebuild_peer_finder", stdout=None)
    assert sorted(PeerFinderEntry.objects.values_list(*fields), key=str) == before


def test_erased_author_leaves_no_text_in_lessons(cast, world):
    from forum.privacy.erasure import erase_person
    from tests.factories import MembershipFactory, UserFactory

    person = UserFactory()
    MembershipFactory(user=person, consortium=cast.consortium)
    forum_services.post_reply(
        topic=world.academy_lesson, author=person, body="Unsere Zwischennutzung im Bahnhof."
    )
    assert _found(cast.user("member"), "Zwischennutzung", topic=world.academy_lesson)
    erase_person(person=person, delete_posts=True, actor=person)
    entry = PeerFinderEntry.objects.get(topic=world.academy_lesson)
    assert "Zwischennutzung" not in entry.document
