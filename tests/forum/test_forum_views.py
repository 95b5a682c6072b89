"""Every forum entry point as a matrix: role × space kind → status (and effect for writes)."""

import re

import pytest
from django.urls import reverse

from forum import services
from forum.models import ModerationLogEntry, Post, Report, Topic
from tests.helpers.cast import ROLES, client_for
from tests.helpers.permissions import MODERATE, POST, READ
from tests.helpers.uploads import png_upload

KINDS = ["closed", "academy"]


# The cast and its forum are built once for the module (the ``shared_world`` fixture); each
# test reads a copy, and whatever one writes is rolled back before the next.
pytestmark = pytest.mark.shared_world("forum")


def expected_status(role: str, allowed: set, readers: set, *, ok: int = 200) -> int:
    """Anonymous → login redirect; non-readers → 404 (as if missing); readers → ok or 403."""
    if role == "anonymous":
        return 302
    if role not in readers:
        return 404
    return ok if role in allowed else 403


def _get(client, cast, role, url):
    return client_for(client, cast.user(role)).get(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_read_pages_matrix(client, cast, forum, role, kind):
    space, topic = getattr(forum, kind), getattr(forum, f"{kind}_topic")
    readers = READ[kind]
    for url in (space.get_absolute_url(), topic.get_absolute_url()):
        response = _get(client, cast, role, url)
        assert response.status_code == expected_status(role, readers, readers), url
        if response.status_code == 200:
            assert topic.title in response.content.decode()
    for url in (
        reverse("forum:post", kwargs={"pk": getattr(forum, f"{kind}_post").pk}),
        reverse("forum:topic_unread", kwargs={"pk": topic.pk}),
    ):
        response = _get(client, cast, role, url)
        assert response.status_code == (404 if role not in readers | {"anonymous"} else 302)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_new_topic_matrix(client, cast, forum, role, kind, django_capture_on_commit_callbacks):
    space = getattr(forum, kind)
    url = reverse("forum:topic_create", kwargs={"slug": space.slug})
    assert _get(client, cast, role, url).status_code == expected_status(
        role, POST[kind], READ[kind]
    )
    before = Topic.objects.count()
    response = client.post(
        url,
        {
            "title": "Neue Frage",
            "body": "Text",
            "idempotency_key": "8d1f0c7e-0000-4000-8000-000000000001",
        },
    )
    created = Topic.objects.count() - before
    assert created == (1 if role in POST[kind] else 0)
    assert response.status_code == (
        302 if role in POST[kind] else expected_status(role, POST[kind], READ[kind])
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_reply_matrix(client, cast, forum, role, kind):
    topic = getattr(forum, f"{kind}_topic")
    url = reverse("forum:topic_reply", kwargs={"pk": topic.pk})
    before = Post.objects.filter(topic=topic).count()
    client_for(client, cast.user(role)).post(
        url, {"body": "Antwort", "idempotency_key": "8d1f0c7e-0000-4000-8000-000000000002"}
    )
    assert Post.objects.filter(topic=topic).count() - before == (1 if role in POST[kind] else 0)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_moderation_pages_matrix(client, cast, forum, role, kind):
    space, topic, post = (
        getattr(forum, kind),
        getattr(forum, f"{kind}_topic"),
        getattr(forum, f"{kind}_post"),
    )
    expected = expected_status(role, MODERATE[kind], READ[kind])
    for url in (
        reverse("forum:post_hide", kwargs={"pk": post.pk}),
        reverse("forum:reports", kwargs={"slug": space.slug}),
        reverse("forum:topic_move", kwargs={"pk": topic.pk}),
    ):
        assert _get(client, cast, role, url).status_code == expected, url


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_hide_matrix(client, cast, forum, role, kind):
    post = getattr(forum, f"{kind}_post")
    url = reverse("forum:post_hide", kwargs={"pk": post.pk})
    client_for(client, cast.user(role)).post(url, {"reason": "Persönliche Daten"})
    post.refresh_from_db()
    assert post.is_hidden is (role in MODERATE[kind])
    logged = ModerationLogEntry.objects.filter(post=post, action="hide").exists()
    assert logged is (role in MODERATE[kind])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_lock_matrix(client, cast, forum, role, kind):
    topic = getattr(forum, f"{kind}_topic")
    url = reverse("forum:topic_flag", kwargs={"pk": topic.pk, "action": "sperren"})
    client_for(client, cast.user(role)).post(url)
    topic.refresh_from_db()
    assert topic.is_locked is (role in MODERATE[kind])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_edit_own_post_matrix(client, cast, forum, role, kind):
    post = getattr(forum, f"{kind}_post")
    url = reverse("forum:post_edit", kwargs={"pk": post.pk})
    expected = expected_status(role, {"member"}, READ[kind])
    assert _get(client, cast, role, url).status_code == expected
    client.post(url, {"body": "Geändert"})
    post.refresh_from_db()
    assert (post.body == "Geändert") is (role == "member")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_report_matrix(client, cast, forum, role, kind):
    post = getattr(forum, f"{kind}_post")
    url = reverse("forum:post_report", kwargs={"pk": post.pk})
    client_for(client, cast.user(role)).post(url, {"reason": "Bitte prüfen"})
    reported = Report.objects.filter(post=post).exists()
    assert reported is (role in POST[kind])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_attachment_matrix(client, cast, forum, role, kind):
    topic = getattr(forum, f"{kind}_topic")
    post = services.post_reply(
        topic=topic,
        author=cast.user("coach") if kind == "closed" else cast.user("outsider"),
        body="Foto",
        uploads=[png_upload(transparent=True)],  # its thumbnail is a PNG too
    )
    attachment = post.attachments.get()
    for url in (
        attachment.get_absolute_url(),
        reverse("forum:attachment_thumbnail", kwargs={"pk": attachment.pk}),
    ):
        response = _get(client, cast, role, url)
        readers = READ[kind]
        assert response.status_code == expected_status(role, readers, readers), url
        if response.status_code == 200:
            # The type says what the bytes are (a PNG thumbnail is not served as JPEG).
            body = b"".join(response.streaming_content)
            expected_type = "image/png" if body.startswith(b"\x89PNG") else "image/jpeg"
            assert body[:2] in (b"\x89P", b"\xff\xd8")
            assert response["Content-Type"] == expected_type
            assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_search_matrix(client, cast, forum, role, kind):
    topic = getattr(forum, f"{kind}_topic")
    services.post_reply(topic=topic, author=cast.user("admin"), body=f"Suchwort{kind}")
    response = _get(client, cast, role, reverse("forum:search") + f"?q=Suchwort{kind}")
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert (topic.title in response.content.decode()) is (role in READ[kind])


@pytest.mark.parametrize("role", ROLES)
def test_forum_home_lists_readable_spaces(client, cast, forum, role):
    response = _get(client, cast, role, reverse("forum:home"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    content = response.content.decode()
    assert (forum.closed.name in content) is (role in READ["closed"])
    assert (forum.academy.name in content) is (role in READ["academy"])


@pytest.mark.parametrize("role", ROLES)
def test_moderation_log_matrix(client, cast, forum, role):
    url = reverse("forum:moderation_log", kwargs={"slug": cast.consortium.slug})
    expected = expected_status(
        role, {"coach", "core_team", "admin"}, {"member", "coach", "core_team", "admin"}
    )
    assert _get(client, cast, role, url).status_code == expected
    academy = _get(client, cast, role, reverse("forum:academy_moderation_log"))
    assert academy.status_code == (
        302 if role == "anonymous" else 200 if role in {"core_team", "admin"} else 403
    )


def test_missing_objects_answer_like_hidden_ones(client, cast, forum):
    client.force_login(cast.user("outsider"))
    hidden = client.get(forum.closed_topic.get_absolute_url())
    missing = client.get(reverse("forum:topic", kwargs={"pk": 999999}))
    assert hidden.status_code == missing.status_code == 404

    def without_tokens(response):
        """The page minus what differs by request anyway: CSRF token and the page's own path."""
        content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
        return content.replace(response.wsgi_request.path.encode(), b"PATH")

    assert without_tokens(hidden) == without_tokens(missing)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_post_pages_matrix(client, cast, forum, role, kind):
    """Fragment (live updates), history and delete confirmation of the member's post."""
    post = getattr(forum, f"{kind}_post")
    services.edit_post(post=post, editor=cast.user("member"), body="Zweite Fassung")
    readers = READ[kind]
    expectations = {
        reverse("forum:post_fragment", kwargs={"pk": post.pk}): readers,
        reverse("forum:post_history", kwargs={"pk": post.pk}): {"member"} | MODERATE[kind],
        reverse("forum:post_delete", kwargs={"pk": post.pk}): {"member"},
    }
    for url, allowed in expectations.items():
        response = _get(client, cast, role, url)
        assert response.status_code == expected_status(role, allowed, readers), url
    post.refresh_from_db()
    assert post.deleted_at is None  # GET only asks


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_topic_actions_matrix(client, cast, forum, role, kind):
    """Helpful mark, follow, lesson mark: who can, and nothing happens for anyone else."""
    from forum.models import HelpfulMark, Subscription

    topic, post = getattr(forum, f"{kind}_topic"), getattr(forum, f"{kind}_post")
    user = cast.user(role)
    client_for(client, user)
    client.post(reverse("forum:post_helpful", kwargs={"pk": post.pk}))
    marked = HelpfulMark.objects.filter(post=post).exists()
    assert marked is (role in POST[kind] and role != "member")  # not on one's own post
    client.post(reverse("forum:topic_subscription", kwargs={"pk": topic.pk}), {"abonnieren": "1"})
    followers = set(Subscription.objects.filter(topic=topic).values_list("user_id", flat=True))
    assert (getattr(user, "pk", None) in followers) is (role in READ[kind])
    client.post(reverse("forum:topic_lesson", kwargs={"pk": topic.pk}))
    topic.refresh_from_db()
    assert topic.is_lesson is (role in {"member"} | MODERATE[kind])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_restore_and_report_handling_matrix(client, cast, forum, role, kind):
    post = getattr(forum, f"{kind}_post")
    services.hide_post(post=post, moderator=cast.user("admin"), reason="Prüfung")
    report = services.report_post(post=post, reporter=cast.user("admin"), reason="Ton")
    client_for(client, cast.user(role))
    client.post(reverse("forum:post_restore", kwargs={"pk": post.pk}))
    client.post(reverse("forum:report_handle", kwargs={"pk": report.pk}), {"resolution": "ok"})
    post.refresh_from_db()
    report.refresh_from_db()
    assert (not post.is_hidden) is (role in MODERATE[kind])
    assert (report.handled_at is not None) is (role in MODERATE[kind])


@pytest.mark.parametrize(
    "name", ["forum:topic_create", "forum:profile_edit", "forum:notification_preferences"]
)
def test_an_empty_post_is_answered_as_the_form_sent_empty(client, cast, forum, name):
    """Not as if nothing was sent (a fresh form with status 200): the empty form is read and
    refused with its messages."""
    client.force_login(cast.user("member"))
    kwargs = {"slug": forum.closed.slug} if name == "forum:topic_create" else {}
    before = Topic.objects.count()
    response = client.post(reverse(name, kwargs=kwargs), {})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert Topic.objects.count() == before
