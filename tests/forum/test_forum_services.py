"""Forum writes and what people see afterwards: posting, editing, moderation, access changes."""

import threading
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse

from forum import selectors, services
from forum.models import (
    Membership,
    ModerationLogEntry,
    Notification,
    Post,
    Report,
    Role,
    Space,
    Subscription,
)
from forum.services import posting
from tests.factories import ConsortiumFactory, MembershipFactory, UserFactory
from tests.helpers.cast import client_for
from tests.helpers.site_tree import ensure_site_tree
from tests.helpers.uploads import png_upload


def reply(forum, author, body="Antwort", **kwargs):
    return services.post_reply(topic=forum.closed_topic, author=author, body=body, **kwargs)


def test_same_idempotency_key_creates_one_post(cast, forum):
    key = uuid.uuid4()
    first = reply(forum, cast.user("coach"), idempotency_key=key)
    second = reply(forum, cast.user("coach"), idempotency_key=key)
    assert first.pk == second.pk
    assert Post.objects.filter(topic=forum.closed_topic).count() == 2


def test_double_submit_through_the_form_creates_one_post(client, cast, forum):
    client.force_login(cast.user("coach"))
    url = reverse("forum:topic_reply", kwargs={"pk": forum.closed_topic.pk})
    data = {"body": "Doppelt geklickt", "idempotency_key": str(uuid.uuid4())}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Post.objects.filter(body="Doppelt geklickt").count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Bitte schreiben Sie einen Text."), ("x" * 20_001, "höchstens 20.000 Zeichen")],
)
def test_empty_or_too_long_reply_is_rejected_and_kept(client, cast, forum, body, message):
    client.force_login(cast.user("coach"))
    url = reverse("forum:topic_reply", kwargs={"pk": forum.closed_topic.pk})
    response = client.post(url, {"body": body, "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    if body.strip():
        assert body in content
    assert Post.objects.filter(topic=forum.closed_topic).count() == 1


def test_eleventh_post_in_a_minute_is_refused_with_the_text_kept(client, cast, forum):
    coach = cast.user("coach")
    for number in range(10):
        reply(forum, coach, body=f"Beitrag {number}")
    client.force_login(coach)
    url = reverse("forum:topic_reply", kwargs={"pk": forum.closed_topic.pk})
    response = client.post(url, {"body": "Noch einer", "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 400
    content = response.content.decode()
    assert "in der letzten Minute schon 10 Beiträge" in content
    assert "Noch einer" in content
    assert not Post.objects.filter(body="Noch einer").exists()


def test_bad_attachment_saves_nothing(client, cast, forum):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.user("coach"))
    url = reverse("forum:topic_reply", kwargs={"pk": forum.closed_topic.pk})
    fake = SimpleUploadedFile("bericht.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    response = client.post(
        url, {"body": "Mit Anhang", "idempotency_key": str(uuid.uuid4()), "attachments": [fake]}
    )
    assert response.status_code == 400
    assert "kein erlaubter Dateityp" in response.content.decode()
    assert not Post.objects.filter(body="Mit Anhang").exists()


def test_six_attachments_are_refused(cast, forum):
    with pytest.raises(ValidationError):
        reply(forum, cast.user("coach"), uploads=[png_upload(f"{n}.png") for n in range(6)])
    assert Post.objects.filter(topic=forum.closed_topic).count() == 1


def test_attachment_files_live_outside_media_root(cast, forum, settings):
    post = reply(forum, cast.user("coach"), uploads=[png_upload()])
    attachment = post.attachments.get()
    path = attachment.file.path
    assert str(settings.PRIVATE_MEDIA_ROOT) in path
    assert str(settings.MEDIA_ROOT) not in path
    assert "foto" not in path  # the original name is not part of the stored path
    assert attachment.thumbnail


def test_edit_keeps_history_visible_to_author_and_moderators(client, cast, forum):
    member = cast.user("member")
    services.edit_post(post=forum.closed_post, editor=member, body="Zweite Fassung")
    post = Post.objects.get(pk=forum.closed_post.pk)
    assert post.edited_at and post.revisions.get().body == "Wie war es bei euch?"
    page = client_for(client, member).get(forum.closed_topic.get_absolute_url())
    assert "bearbeitet" in page.content.decode()
    history = reverse("forum:post_history", kwargs={"pk": post.pk})
    assert client.get(history).status_code == 200
    client.force_login(cast.user("coach"))
    assert "Wie war es bei euch?" in client.get(history).content.decode()
    other = UserFactory()
    MembershipFactory(user=other, consortium=cast.consortium)
    client.force_login(other)
    assert client.get(history).status_code == 403


def test_deleted_post_shows_a_notice_but_moderators_keep_the_text(client, cast, forum):
    post = reply(forum, cast.user("member"), body="Das war ein Irrtum")
    services.delete_post(post=post, actor=cast.user("member"))
    client.force_login(cast.user("member"))
    content = client.get(forum.closed_topic.get_absolute_url()).content.decode()
    assert "Beitrag gelöscht" in content and "Das war ein Irrtum" not in content
    client.force_login(cast.user("coach"))
    assert (
        "Das war ein Irrtum" in client.get(forum.closed_topic.get_absolute_url()).content.decode()
    )


def test_hidden_post_author_sees_text_and_reason_others_see_notice(client, cast, forum):
    post = reply(forum, cast.user("member"), body="Telefonnummer 0123")
    services.hide_post(post=post, moderator=cast.user("coach"), reason="Persönliche Daten")
    url = forum.closed_topic.get_absolute_url()
    client.force_login(cast.user("member"))
    own = client.get(url).content.decode()
    assert "Telefonnummer 0123" in own and "Persönliche Daten" in own
    other = UserFactory()
    MembershipFactory(user=other, consortium=cast.consortium)
    client.force_login(other)
    theirs = client.get(url).content.decode()
    assert "Von der Moderation ausgeblendet" in theirs
    assert "Telefonnummer 0123" not in theirs and "Persönliche Daten" not in theirs
    services.restore_post(post=post, moderator=cast.user("coach"))
    assert "Telefonnummer 0123" in client.get(url).content.decode()
    actions = list(ModerationLogEntry.objects.values_list("action", flat=True))
    assert set(actions) >= {"hide", "restore"}


def test_attachment_of_hidden_post_is_withheld_from_others(client, cast, forum):
    post = reply(forum, cast.user("coach"), uploads=[png_upload()])
    services.hide_post(post=post, moderator=cast.user("core_team"), reason="falsche Datei")
    url = post.attachments.get().get_absolute_url()
    assert client_for(client, cast.user("member")).get(url).status_code == 404
    assert client_for(client, cast.user("core_team")).get(url).status_code == 200
    assert client_for(client, cast.user("coach")).get(url).status_code == 200  # author + moderator


def test_moderation_needs_mfa(cast, forum):
    coach = UserFactory()
    MembershipFactory(user=coach, consortium=cast.consortium, role="coach")
    with pytest.raises(PermissionDenied):
        services.hide_post(post=forum.closed_post, moderator=coach, reason="x")


def test_hide_requires_a_reason(client, cast, forum):
    client.force_login(cast.user("coach"))
    url = reverse("forum:post_hide", kwargs={"pk": forum.closed_post.pk})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    forum.closed_post.refresh_from_db()
    assert not forum.closed_post.is_hidden


def test_helpful_marks_show_count_and_names_not_for_own_posts(client, cast, forum):
    services.toggle_helpful(post=forum.closed_post, user=cast.user("coach"))
    services.toggle_helpful(post=forum.closed_post, user=cast.user("core_team"))
    with pytest.raises(PermissionDenied):
        services.toggle_helpful(post=forum.closed_post, user=cast.user("member"))
    content = (
        client_for(client, cast.user("member"))
        .get(forum.closed_topic.get_absolute_url())
        .content.decode()
    )
    assert "2× hilfreich" in content
    assert cast.user("coach").profile.display_name in content
    assert services.toggle_helpful(post=forum.closed_post, user=cast.user("coach")) is False


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("member", True), ("coach", True), ("core_team", True), ("admin", True), ("outsider", False)],
)
def test_lesson_mark_by_author_or_moderator(cast, forum, role, allowed):
    if allowed:
        services.set_lesson(topic=forum.closed_topic, user=cast.user(role), value=True)
        forum.closed_topic.refresh_from_db()
        assert forum.closed_topic.is_lesson
    else:
        with pytest.raises(PermissionDenied):
            services.set_lesson(topic=forum.closed_topic, user=cast.user(role), value=True)


def test_other_member_cannot_mark_lesson(cast, forum):
    other = UserFactory()
    MembershipFactory(user=other, consortium=cast.consortium)
    with pytest.raises(PermissionDenied):
        services.set_lesson(topic=forum.closed_topic, user=other, value=True)


def test_posting_subscribes_and_unsubscribe_works(client, cast, forum):
    coach = cast.user("coach")
    reply(forum, coach)
    assert Subscription.objects.filter(topic=forum.closed_topic, user=coach).exists()
    client.force_login(coach)
    client.post(
        reverse("forum:topic_subscription", kwargs={"pk": forum.closed_topic.pk}),
        {"abonnieren": "0"},
    )
    assert not Subscription.objects.filter(topic=forum.closed_topic, user=coach).exists()


def test_unread_marker_and_jump_to_first_unread(client, cast, forum):
    coach = cast.user("coach")
    client.force_login(coach)
    client.get(forum.closed_topic.get_absolute_url())
    first_new = reply(forum, cast.user("member"), body="Neu 1")
    reply(forum, cast.user("member"), body="Neu 2")
    space_page = client.get(forum.closed.get_absolute_url()).content.decode()
    assert "badge-unread" in space_page
    jump = client.get(reverse("forum:topic_unread", kwargs={"pk": forum.closed_topic.pk}))
    assert jump.url == reverse("forum:post", kwargs={"pk": first_new.pk})
    client.get(forum.closed_topic.get_absolute_url())
    assert "badge-unread" not in client.get(forum.closed.get_absolute_url()).content.decode()


def test_new_for_me_lists_unread_topics(client, cast, forum):
    client.force_login(cast.user("coach"))
    home = client.get(reverse("forum:home")).content.decode()
    assert forum.closed_topic.title in home
    client.get(forum.closed_topic.get_absolute_url())
    client.get(forum.academy_topic.get_absolute_url())
    home = client.get(reverse("forum:home")).content.decode()
    assert "Sie haben alles gelesen" in home


def test_mentions_link_only_people_who_can_read_the_space(cast, forum):
    coach, outsider = cast.user("coach"), cast.user("outsider")
    post = reply(
        forum, cast.user("member"), body=f"Hallo @{coach.username} und @{outsider.username}"
    )
    assert f'href="/personen/{coach.pk}/"' in post.body_html
    assert f"/personen/{outsider.pk}/" not in post.body_html
    assert list(post.mentions.all()) == [coach]


def test_locked_topic_refuses_member_replies_with_a_message(cast, forum):
    services.set_topic_flag(
        topic=forum.closed_topic, moderator=cast.user("coach"), flag="locked", value=True
    )
    with pytest.raises(ValidationError, match="gesperrt"):
        reply(forum, cast.user("member"))
    assert reply(forum, cast.user("coach"), body="Abschließend").pk


def test_pinned_topics_come_first(client, cast, forum):
    later = services.create_topic(
        space=forum.closed, author=cast.user("coach"), title="Neuere Diskussion", body="x"
    )
    services.set_topic_flag(
        topic=forum.closed_topic, moderator=cast.user("coach"), flag="pinned", value=True
    )
    topics = list(selectors.topics_in_space(forum.closed, cast.user("member")))
    assert topics[:2] == [forum.closed_topic, later]


class TestMove:
    @pytest.mark.parametrize("role", ["coach", "core_team", "admin"])
    def test_nobody_moves_across_spaces_without_the_authors(self, cast, forum, role):
        """Between a closed and an academy-wide space, or into another consortium, readers
        change: that is sharing with consent (forum.services.sharing), never a move."""
        other = Space.objects.get(consortium=cast.other_consortium)
        crossings = [(forum.closed_topic, forum.academy), (forum.closed_topic, other)]
        if role != "coach":  # coaches do not moderate the academy-wide space at all
            crossings.append((forum.academy_topic, forum.closed))
        for topic, target in crossings:
            with pytest.raises(services.MoveNeedsConsent):
                services.move_topic(topic=topic, moderator=cast.user(role), target=target)
        forum.closed_topic.refresh_from_db()
        forum.academy_topic.refresh_from_db()
        assert (forum.closed_topic.space, forum.academy_topic.space) == (
            forum.closed,
            forum.academy,
        )
        assert not ModerationLogEntry.objects.filter(action="move").exists()

    def test_a_move_within_the_consortium_keeps_its_readers(self, client, cast, forum):
        second = Space.objects.create(
            consortium=cast.consortium, name="Arbeitsgruppe", slug="arbeitsgruppe"
        )
        services.move_topic(
            topic=forum.closed_topic, moderator=cast.user("coach"), target=second, reason="Ordnung"
        )
        forum.closed_topic.refresh_from_db()
        assert forum.closed_topic.space == second
        client.force_login(cast.user("outsider"))
        assert client.get(forum.closed_topic.get_absolute_url()).status_code == 404
        assert ModerationLogEntry.objects.filter(action="move").count() == 1

    def test_a_shared_copy_is_found_by_its_new_readers_the_original_is_not(
        self, client, cast, forum
    ):
        outsider = cast.user("outsider")
        services.post_reply(
            topic=forum.closed_topic, author=cast.user("member"), body="Vertraulich"
        )
        proposal = services.propose_share(
            topic=forum.closed_topic,
            proposer=cast.user("member"),
            post_ids=forum.closed_topic.posts.values_list("pk", flat=True),
            target=forum.academy,
        )
        copy = services.confirm_share(proposal=proposal, moderator=cast.user("core_team"))
        client.force_login(outsider)
        assert client.get(copy.get_absolute_url()).status_code == 200
        assert client.get(forum.closed_topic.get_absolute_url()).status_code == 404
        found = client.get(reverse("forum:search") + "?q=Vertraulich").content.decode()
        copied = copy.posts.get(body="Vertraulich")
        assert copied.get_absolute_url() in found
        assert copied.shared_from.get_absolute_url() not in found


def test_report_queue_and_handling_with_log(client, cast, forum):
    services.report_post(post=forum.closed_post, reporter=cast.user("core_team"), reason="Ton")
    client.force_login(cast.user("coach"))
    queue = client.get(reverse("forum:reports", kwargs={"slug": forum.closed.slug}))
    assert "Ton" in queue.content.decode() and "offen" in queue.content.decode()
    report = Report.objects.get()
    client.post(
        reverse("forum:report_handle", kwargs={"pk": report.pk}), {"resolution": "Besprochen"}
    )
    report.refresh_from_db()
    assert report.handled_by == cast.user("coach") and report.resolution == "Besprochen"
    log = client.get(reverse("forum:moderation_log", kwargs={"slug": cast.consortium.slug}))
    assert "Meldung bearbeitet" in log.content.decode()


def test_removed_member_keeps_posts_and_loses_access_at_once(client, cast, forum):
    member = cast.user("member")
    client.force_login(member)
    assert client.get(forum.closed_topic.get_absolute_url()).status_code == 200
    services.remove_member(
        membership=Membership.objects.get(user=member, consortium=cast.consortium),
        actor=cast.user("coach"),
    )
    assert client.get(forum.closed_topic.get_absolute_url()).status_code == 404
    assert client.get(forum.closed_post.get_absolute_url()).status_code == 404
    client.force_login(cast.user("coach"))
    page = client.get(forum.closed_topic.get_absolute_url()).content.decode()
    assert member.profile.display_name in page
    assert ModerationLogEntry.objects.filter(action="remove_member").exists()


def test_posts_by_coaches_carry_their_role(client, cast, forum):
    reply(forum, cast.user("coach"), body="Als Patin dazu")
    content = (
        client_for(client, cast.user("member"))
        .get(forum.closed_topic.get_absolute_url())
        .content.decode()
    )
    assert 'class="badge">Kleinstadtpate/-patin</span>' in content
    assert content.count("Kleinstadtpate/-patin") == 1  # not on the member's own post


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("service", ["post_reply", "create_topic"])
def test_two_identical_submits_at_the_same_moment_give_one_post_and_no_error(service):
    """Both requests pass the duplicate check before either has committed; the second must
    answer with the first's post, not fail on the unique key (PostgreSQL: the CI's second pass;
    SQLite's shared-cache test database refuses concurrent writers)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's shared-cache test database locks whole tables")
    ensure_site_tree()
    consortium = ConsortiumFactory()
    author = UserFactory()
    MembershipFactory(user=author, consortium=consortium, role=Role.MEMBER)
    space = services.create_consortium_space(consortium=consortium)
    topic = services.create_topic(space=space, author=author, title="Gleichzeitig", body="Start")
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            if service == "post_reply":
                post = services.post_reply(
                    topic=topic, author=author, body="Doppelt abgeschickt", idempotency_key=key
                )
                results.append(post.pk)
            else:
                created = services.create_topic(
                    space=space, author=author, title="Doppelt", body="Text", idempotency_key=key
                )
                results.append(created.pk)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Post.objects.filter(idempotency_key=key).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_reply_commits_while_a_follower_submits_at_the_same_moment():
    """The idempotency check locks the author's row; a reply writes notifications that refer to
    its followers' rows and checks those references at commit. The lock must not block that
    check: with ``FOR UPDATE`` it did, and two busy writers in one space deadlocked (HTTP 500
    for 3 of 10 replies at 5 replies/s, bench/live_load.py). PostgreSQL only."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")
    ensure_site_tree()
    consortium = ConsortiumFactory()
    author, follower = UserFactory(), UserFactory()
    for user in (author, follower):
        MembershipFactory(user=user, consortium=consortium, role=Role.MEMBER)
    space = services.create_consortium_space(consortium=consortium)
    topic = services.create_topic(space=space, author=follower, title="Gefolgt", body="Start")
    locked, release = threading.Event(), threading.Event()

    def follower_submits():
        try:
            with transaction.atomic():
                posting._existing_post(follower, uuid.uuid4())  # the lock post_reply takes
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=follower_submits)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            post = services.post_reply(topic=topic, author=author, body="Antwort")
    finally:
        release.set()
        thread.join(timeout=10)

    assert Notification.objects.filter(post=post, recipient=follower).exists()
