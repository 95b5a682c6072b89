"""The forum access policy: role × space kind × permission, and selectors agreeing with it."""

import pytest

from forum import rules as policy
from forum import selectors
from forum.models import Space
from tests.helpers.cast import ROLES
from tests.helpers.permissions import MODERATE, POST, READ

# The cast and its forum are built once for the module (the ``shared_world`` fixture); each
# test reads a copy, and whatever one writes is rolled back before the next.
pytestmark = pytest.mark.shared_world("forum")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["closed", "academy"])
def test_space_permission_matrix(cast, forum, role, kind):
    user = cast.user(role)
    space = getattr(forum, kind)
    assert user.has_perm("forum.read_space", space) is (role in READ[kind])
    assert user.has_perm("forum.post_in_space", space) is (role in POST[kind])
    assert user.has_perm("forum.moderate_space", space) is (role in MODERATE[kind])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["closed", "academy"])
def test_selectors_agree_with_read_permission(cast, forum, role, kind):
    user = cast.user(role)
    space = getattr(forum, kind)
    topic = getattr(forum, f"{kind}_topic")
    post = getattr(forum, f"{kind}_post")
    expected = role in READ[kind]
    assert (space in set(selectors.spaces_visible_to(user))) is expected
    assert (selectors.space_visible_to(space.slug, user) is not None) is expected
    assert (selectors.topic_visible_to(topic.pk, user) is not None) is expected
    assert (selectors.post_visible_to(post.pk, user) is not None) is expected
    assert (topic in set(selectors.topics_visible_to(user))) is expected


@pytest.mark.parametrize("role", ROLES)
def test_other_consortium_space_is_invisible(cast, forum, role):
    from forum.models import Space

    other = Space.objects.get(consortium=cast.other_consortium)
    user = cast.user(role)
    expected = role in {"outsider", "admin"}
    assert user.has_perm("forum.read_space", other) is expected
    assert (other in set(selectors.spaces_visible_to(user))) is expected


def test_locked_topic_takes_replies_only_from_moderators(cast, forum):
    forum.closed_topic.is_locked = True
    assert not cast.user("member").has_perm("forum.reply_to_topic", forum.closed_topic)
    assert cast.user("coach").has_perm("forum.reply_to_topic", forum.closed_topic)


def test_own_post_changes_end_with_moderation(cast, forum):
    member = cast.user("member")
    post = forum.closed_post
    assert member.has_perm("forum.change_own_post", post)
    assert not cast.user("coach").has_perm("forum.change_own_post", post)
    post.hidden_at = post.created_at
    assert not member.has_perm("forum.change_own_post", post)


def test_visibility_filter_is_a_membership_join(cast):
    query = str(selectors.topics_visible_to(cast.user("member")).query)
    assert "forum_membership" in query
    assert " IN (" not in query


@pytest.mark.parametrize("kind", ["closed", "academy"])
def test_readers_of_agrees_with_read_permission(cast, forum, kind):
    space = getattr(forum, kind)
    readers = set(selectors.readers_of(space))
    for role in ROLES:
        user = cast.user(role)
        if user.is_authenticated:
            assert (user in readers) is user.has_perm("forum.read_space", space), role


def test_editors_and_admins_agrees_with_the_editor_and_admin_predicates(cast):
    listed = set(selectors.editors_and_admins())
    for role in ROLES:
        user = cast.user(role)
        if user.is_authenticated:
            assert (user in listed) is (policy.is_editor(user) or policy.is_admin(user)), role


@pytest.mark.parametrize("kind", ["closed", "academy"])
def test_moderator_selectors_agree_with_moderate_permission(cast, forum, kind):
    space = getattr(forum, kind)
    moderators = set(selectors.moderators_of(space))
    for role in ROLES:
        user = cast.user(role)
        if not user.is_authenticated:
            continue
        expected = user.has_perm("forum.moderate_space", space)
        assert (user in moderators) is expected, role
        moderated = Space.objects.filter(selectors.moderated_spaces_q(user), pk=space.pk)
        assert moderated.exists() is expected, role


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["closed", "academy"])
@pytest.mark.parametrize("state", ["untouched", "hidden", "deleted"])
def test_notification_visibility_agrees_with_post_content_permission(
    cast, forum, role, kind, state
):
    """A notice about a post is shown (and emailed, digested) exactly to those who may read the
    post's text: ``notifications.visible_q`` against ``forum.see_post_content``."""
    from django.utils import timezone

    from forum import notifications
    from forum import rules as policy
    from forum.models import Notification, NotificationKind, Post

    user = cast.user(role)
    if not user.is_authenticated:
        return
    post = getattr(forum, f"{kind}_post")
    if state != "untouched":
        Post.objects.filter(pk=post.pk).update(**{f"{state}_at": timezone.now()})
        post.refresh_from_db()
    for notice_kind in (NotificationKind.MENTION, NotificationKind.REPORT):
        notice = Notification.objects.create(
            recipient=user,
            kind=notice_kind,
            post=post,
            topic=post.topic,
            space=post.topic.space,
            consortium=post.topic.space.consortium,
            title="Hinweis",
            url=post.get_absolute_url(),
        )
        expected = policy.allowed(user, "forum.see_post_content", post)
        assert notifications.is_still_visible(notice) is expected, (notice_kind, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["untouched", "hidden", "deleted"])
def test_post_content_and_helpful_matrix(cast, forum, role, state):
    """The member's post in the closed space, as each role sees it in each moderation state."""
    from forum import rules as policy

    post = forum.closed_post
    if state == "hidden":
        post.hidden_at = post.created_at
    elif state == "deleted":
        post.deleted_at = post.created_at
    allowed = {
        "untouched": READ["closed"],
        "hidden": MODERATE["closed"] | {"member"},
        "deleted": MODERATE["closed"],
    }[state]
    user = cast.user(role)
    assert policy.allowed(user, "forum.see_post_content", post) is (role in allowed)
    can_mark = state == "untouched" and role in POST["closed"] - {"member"}
    assert policy.allowed(user, "forum.mark_helpful", post) is can_mark
