"""The bell's stored number never drifts from the truth: after every write that changes what
someone may see, each person's ``unread_count`` equals a fresh count of their visible unread
notifications — and the write did change somebody's number, so a stale store would show."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from forum import notifications, services
from forum.models import Membership, Notification, Role, Space, UnreadCount
from forum.models import NotificationKind as Kind
from forum.notifications import visibility
from forum.wagtail_hooks import check_sockets_of_edited_user
from tests.factories import MembershipFactory, UserFactory

PEOPLE = ["outsider", "member", "coach", "core_team", "editor", "admin", "reader"]


def truth(user) -> int:
    return Notification.objects.filter(visibility.visible_q(user), read_at__isnull=True).count()


def fresh(user):
    """A new user object: roles are cached on the object, the counter must not rely on it."""
    return get_user_model().objects.get(pk=user.pk)


def bells(world) -> dict[str, int]:
    """Everyone's bell as a page shows it, checked against the truth."""
    shown = {}
    for name in PEOPLE:
        user = world.people[name]
        shown[name] = notifications.unread_count(fresh(user))
        assert shown[name] == truth(fresh(user)), name
    return shown


@pytest.fixture
def world(cast, forum):
    reader = UserFactory()
    MembershipFactory(user=reader, consortium=cast.consortium, role=Role.MEMBER)
    people = {name: cast.user(name) for name in PEOPLE if name != "reader"} | {"reader": reader}
    author = cast.user("member")
    reply = services.post_reply(topic=forum.academy_topic, author=author, body="Bei uns so.")
    for post in (forum.closed_post, forum.academy_post, reply):
        notifications.notify(
            kind=Kind.MENTION,
            recipient_ids=[user.pk for user in people.values()],
            title=post.topic.title,
            url=post.get_absolute_url(),
            actor=author,
            space=post.topic.space,
            topic=post.topic,
            post=post,
        )
    world = SimpleNamespace(people=people, forum=forum, cast=cast, reply=reply)
    bells(world)  # every bell counted and stored before the write under test
    return world


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in PEOPLE if before[name] != after[name]}


def test_a_new_notification_counts_at_once(world):
    before = bells(world)
    services.post_reply(
        topic=world.forum.closed_topic, author=world.people["coach"], body="@erika schau mal"
    )
    notifications.notify(
        kind=Kind.MENTION,
        recipient_ids=[world.people["reader"].pk],
        title="Neu",
        url="/",
        space=world.forum.closed,
        topic=world.forum.closed_topic,
        post=world.forum.closed_post.topic.posts.last(),
    )
    assert changed(before, bells(world)) == {"reader"}


def test_reading_notifications(world):
    before = bells(world)
    reader = world.people["reader"]
    one = Notification.objects.filter(recipient=reader).first()
    notifications.mark_read(user=reader, notification_ids=[one.pk])
    assert changed(before, bells(world)) == {"reader"}
    notifications.mark_read(user=reader)
    assert bells(world)["reader"] == 0


def test_hiding_restoring_and_deleting_a_post(world):
    before = bells(world)
    services.hide_post(post=world.reply, moderator=world.people["admin"], reason="Test")
    hidden = bells(world)
    # Author and the academy space's moderators (core team, admin) still see it, the others
    # lose it; the author gains the moderation notice.
    assert changed(before, hidden) == {"outsider", "member", "coach", "editor", "reader"}
    services.restore_post(post=world.reply, moderator=world.people["admin"])
    assert changed(before, bells(world)) == {"member"}  # two moderation notices
    services.delete_post(post=world.reply, actor=world.people["member"])
    assert "reader" in changed(before, bells(world))


def close_the_academy_space(world):
    academy = world.forum.academy
    services.change_space(
        space=academy,
        actor=world.people["admin"],
        name=academy.name,
        slug=academy.slug,
        consortium=world.cast.consortium,
        description="",
    )


def test_closing_the_academy_space_to_one_consortium(world):
    before = bells(world)
    close_the_academy_space(world)
    assert changed(before, bells(world)) == {"outsider", "editor"}


def test_membership_removed_added_and_changed(world):
    before = bells(world)
    admin, reader = world.people["admin"], world.people["reader"]
    membership = Membership.objects.get(user=reader, consortium=world.cast.consortium)
    services.remove_member(membership=membership, actor=admin)
    removed = bells(world)
    assert changed(before, removed) == {"reader"}
    membership = services.add_member(
        user=reader, consortium=world.cast.consortium, role=Role.MEMBER, actor=admin
    )
    assert bells(world) == before
    services.hide_post(post=world.reply, moderator=admin, reason="Test")
    hidden = bells(world)
    services.change_membership(
        membership=membership,
        user=reader,
        consortium=world.cast.consortium,
        role=Role.CORE_TEAM,
        actor=admin,
    )
    assert changed(hidden, bells(world)) == {"reader"}  # moderates the academy space now


def test_a_space_given_to_another_consortium(world):
    before = bells(world)
    closed = world.forum.closed
    services.change_space(
        space=closed,
        actor=world.people["admin"],
        name=closed.name,
        slug=closed.slug,
        consortium=world.cast.other_consortium,
        description=closed.description,
    )
    # The notifications name the old consortium: its members lose them, the new one's do not
    # gain them (the author, member, got none).
    assert changed(before, bells(world)) == {"coach", "core_team", "reader"}


def test_an_account_edited_in_the_admin(world):
    before = bells(world)
    outsider = world.people["outsider"]
    get_user_model().objects.filter(pk=outsider.pk).update(is_superuser=True)
    check_sockets_of_edited_user(RequestFactory().get("/"), fresh(outsider))
    assert changed(before, bells(world)) == {"outsider"}


def test_a_deleted_space(world):
    empty = Space.objects.create(
        consortium=world.cast.consortium, name="Leer", slug="leer-fuer-den-test"
    )
    notifications.notify(
        kind=Kind.WORKSHOP_OPEN,
        recipient_ids=[world.people["reader"].pk],
        title="Im leeren Bereich",
        url="/",
        space=empty,
    )
    before = bells(world)
    services.delete_space(space=empty, actor=world.people["admin"])
    assert changed(before, bells(world)) == {"reader"}


def test_a_count_taken_before_a_write_is_not_stored_after_it(world, monkeypatch):
    """A page counts while a write commits: the stale number must not become the stored one."""
    reader = world.people["reader"]
    UnreadCount.objects.filter(user=reader).update(generation=99)  # invalid: the next read counts
    count_unread = visibility._count_unread

    def counted_then_a_write_commits(user):
        counted = count_unread(user)
        notifications.mark_read(user=reader)
        return counted

    monkeypatch.setattr(visibility, "_count_unread", counted_then_a_write_commits)
    assert notifications.unread_count(fresh(reader)) > 0  # what the page counted
    monkeypatch.undo()
    assert notifications.unread_count(fresh(reader)) == truth(reader) == 0


def test_the_bell_reads_one_row_when_nothing_changed(world):
    reader = fresh(world.people["reader"])
    with CaptureQueriesContext(connection) as queries:
        count = notifications.unread_count(reader)
    assert count == truth(reader) > 0
    assert len(queries) == 1
    assert "forum_unreadcount" in queries[0]["sql"]


# --- unread counts per space and „Neu für mich“: read live, checked against a plain count ----


def read_positions(user) -> dict[int, int]:
    from forum.models import ReadState

    return dict(ReadState.objects.filter(user=user).values_list("topic_id", "last_read_post_id"))


def naive_home(user) -> dict[int, tuple[int, int]]:
    """Per readable space: (topics, topics with a post the user has not been shown)."""
    from forum import rules
    from forum.models import Topic

    read = read_positions(user)
    home: dict[int, tuple[int, int]] = {}
    for space in Space.objects.all():
        if not rules.can_read_space(user, space):
            continue
        topics = list(Topic.objects.filter(space=space))
        unread = [t for t in topics if t.last_post_id and t.last_post_id > read.get(t.pk, 0)]
        home[space.pk] = (len(topics), len(unread))
    return home


def assert_lists_match_the_truth(world) -> None:
    from forum import selectors
    from forum.models import ReadState, Topic

    for name in PEOPLE:
        user = fresh(world.people[name])
        shown = {s.pk: (s.topic_count, s.unread_count) for s in selectors.spaces_for_home(user)}
        assert shown == naive_home(user), name
        read = dict(
            ReadState.objects.filter(user=user).values_list("topic_id", "last_read_post_id")
        )
        expected = [
            topic.pk
            for topic in Topic.objects.order_by("-last_activity_at", "-pk")
            if topic.last_post_id > read.get(topic.pk, 0)
            and selectors.topic_visible_to(topic.pk, user) is not None
        ][:10]
        assert [topic.pk for topic in selectors.new_for_user(user)] == expected, name


def test_unread_counts_and_new_for_me_follow_every_write(world):
    admin, reader = world.people["admin"], world.people["reader"]
    assert_lists_match_the_truth(world)
    new = services.post_reply(
        topic=world.forum.closed_topic, author=world.people["coach"], body="Neu"
    )
    assert_lists_match_the_truth(world)
    services.mark_read(
        topic=world.forum.closed_topic,
        user=reader,
        up_to_post_id=world.forum.closed_topic.posts.last().pk,
    )
    assert_lists_match_the_truth(world)
    services.hide_post(post=world.reply, moderator=admin, reason="Test")
    assert_lists_match_the_truth(world)
    close_the_academy_space(world)
    assert_lists_match_the_truth(world)
    membership = Membership.objects.get(user=reader, consortium=world.cast.consortium)
    services.remove_member(membership=membership, actor=admin)
    assert_lists_match_the_truth(world)
    services.delete_post(post=new, actor=world.people["coach"])
    assert_lists_match_the_truth(world)


def test_settling_the_demo_history_counts_the_bells_again(world):
    """seed_demo marks what its run notified as read: the bells must follow."""
    from collections import Counter

    from cms.management.commands.seed_demo import Command

    since = Notification.objects.earliest("created_at").created_at
    assert any(bells(world).values())
    Command()._settle_notifications(since=since, updated=Counter())
    assert not any(bells(world).values())


def test_a_membership_from_an_accepted_invitation(world):
    from allauth.account.models import EmailAddress

    admin, reader = world.people["admin"], world.people["reader"]
    before = bells(world)
    membership = Membership.objects.get(user=reader, consortium=world.cast.consortium)
    services.remove_member(membership=membership, actor=admin)
    bells(world)
    EmailAddress.objects.update_or_create(
        user=reader, email=reader.email, defaults={"verified": True, "primary": True}
    )
    issued = services.invite_member(
        consortium=world.cast.consortium,
        inviter=world.people["coach"],
        email=reader.email,
        role=Role.MEMBER,
        town=world.cast.consortium.towns.first(),
    )
    services.accept_invitation_as_user(token=issued.token, user=fresh(reader))
    assert bells(world)["reader"] == before["reader"]
