"""Notification pages: the list, opening one, marking read, the bell's count, preferences and
the unsubscribe link from emails (which works without login, for its own person and kind only)."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import notifications, services
from forum.models import (
    Delivery,
    Membership,
    Notification,
    NotificationKind,
    NotificationPreference,
    SpaceNotificationLevel,
)
from tests.factories import MembershipFactory
from tests.helpers.cast import ROLES

LIST_URL = reverse("forum:notifications")
COUNT_URL = reverse("forum:notification_count")
READ_URL = reverse("forum:notifications_read")
PREFERENCES_URL = reverse("forum:notification_preferences")


def _mention(forum, recipient, *, actor, title="Erwähnt im Verbund", post=None):
    """One mention notification about the closed space's post (``post=None`` gives a new row
    each time: ``notify`` skips a second one about the same post)."""
    [notification] = notifications.notify(
        kind=NotificationKind.MENTION,
        recipient_ids=[recipient.pk],
        title=title,
        url=forum.closed_post.get_absolute_url(),
        actor=actor,
        space=forum.closed,
        topic=forum.closed_topic,
        post=post,
    )
    return notification


def _unread(user) -> int:
    return json.loads(_client_for(user).get(COUNT_URL).content)["unread"]


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- list ----------------------------------------------------------------------------------


def test_list_shows_only_the_users_own_visible_notifications(client, cast, forum):
    member, coach, outsider = cast.user("member"), cast.user("coach"), cast.user("outsider")
    _mention(forum, member, actor=coach, title="Für das Mitglied", post=forum.closed_post)
    _mention(forum, coach, actor=member, title="Für den Paten")
    # A notification about a space its recipient cannot read is never shown.
    _mention(forum, outsider, actor=member, title="Geheim für Außenstehende")

    client.force_login(member)
    content = client.get(LIST_URL).content.decode()
    assert "Für das Mitglied" in content
    assert "Für den Paten" not in content
    assert "Erwähnung" in content  # the kind's label
    assert coach.profile.display_name in content  # the actor
    assert "Wie war es bei euch?" in content  # the post's excerpt
    assert "ungelesen" in content
    assert "Alle als gelesen markieren" in content

    client.force_login(outsider)
    content = client.get(LIST_URL).content.decode()
    assert "Geheim für Außenstehende" not in content
    assert "Sie haben keine Benachrichtigungen" in content
    assert _unread(outsider) == 0


def test_list_requires_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_notification_about_closed_space_disappears_after_removal(client, cast, forum):
    member, coach = cast.user("member"), cast.user("coach")
    notification = _mention(forum, member, actor=coach, title="Nur im Verbund")
    assert _unread(member) == 1

    services.remove_member(
        membership=Membership.objects.get(user=member, consortium=cast.consortium), actor=coach
    )

    client.force_login(member)
    assert "Nur im Verbund" not in client.get(LIST_URL).content.decode()
    assert _unread(member) == 0
    assert client.get(notification.get_absolute_url()).status_code == 404


def test_list_query_count_is_the_same_for_1_and_50_notifications(client, cast, forum):
    member = cast.user("member")
    actors = [MembershipFactory(consortium=cast.consortium).user for _ in range(10)]
    _mention(forum, member, actor=actors[0], post=forum.closed_post)
    client.force_login(member)

    def queries() -> int:
        client.get(LIST_URL)  # warm per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST_URL).status_code == 200
        return len(captured)

    with_one = queries()
    for number in range(49):
        _mention(forum, member, actor=actors[number % 10], title=f"Erwähnung {number}")
    with_fifty = queries()
    assert with_fifty == with_one
    content = client.get(LIST_URL).content.decode()
    assert content.count('class="notification-title"') == 30
    assert "Seite 1 von 2" in content


# --- opening and marking read -------------------------------------------------------------


def test_open_marks_read_and_redirects_to_the_exact_post(client, cast, forum):
    member = cast.user("member")
    notification = _mention(forum, member, actor=cast.user("coach"), post=forum.closed_post)
    client.force_login(member)

    response = client.get(notification.get_absolute_url())

    assert response.status_code == 302
    assert response.url == forum.closed_post.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None
    followed = client.get(response.url)
    assert followed.url.endswith(f"#beitrag-{forum.closed_post.pk}")


@pytest.mark.parametrize("role", ["coach", "outsider", "admin"])
def test_open_is_404_for_anyone_but_the_recipient(client, cast, forum, role):
    notification = _mention(forum, cast.user("member"), actor=cast.user("coach"))
    client.force_login(cast.user(role))

    assert client.get(notification.get_absolute_url()).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_open_requires_login(client, cast, forum):
    notification = _mention(forum, cast.user("member"), actor=cast.user("coach"))
    response = client.get(notification.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_mark_one_as_read_leaves_the_others_and_other_peoples(client, cast, forum):
    member, coach = cast.user("member"), cast.user("coach")
    first = _mention(forum, member, actor=coach, title="Erste")
    second = _mention(forum, member, actor=coach, title="Zweite")
    foreign = _mention(forum, coach, actor=member, title="Fremde")
    client.force_login(member)

    response = client.post(READ_URL, {"notification": [first.pk, foreign.pk]})

    assert response.status_code == 302
    assert response.url == LIST_URL
    for notification in (first, second, foreign):
        notification.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    assert foreign.read_at is None
    assert _unread(member) == 1


def test_mark_all_as_read(client, cast, forum):
    member, coach = cast.user("member"), cast.user("coach")
    for number in range(3):
        _mention(forum, member, actor=coach, title=f"Nummer {number}")
    foreign = _mention(forum, coach, actor=member, title="Fremde")
    client.force_login(member)

    response = client.post(READ_URL, {"alle": "1"}, follow=True)

    assert "Alle Benachrichtigungen sind als gelesen markiert." in response.content.decode()
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    foreign.refresh_from_db()
    assert foreign.read_at is None
    assert "Alle als gelesen markieren" not in response.content.decode()


def test_mark_read_only_by_post(client, cast, forum):
    member = cast.user("member")
    notification = _mention(forum, member, actor=cast.user("coach"))
    client.force_login(member)
    assert client.get(READ_URL).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


# --- the bell ------------------------------------------------------------------------------


def test_count_is_json_and_never_cached(client, cast, forum):
    member = cast.user("member")
    _mention(forum, member, actor=cast.user("coach"), title="Eins")
    _mention(forum, member, actor=cast.user("coach"), title="Zwei")
    client.force_login(member)

    response = client.get(COUNT_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"unread": 2}
    assert "no-store" in response["Cache-Control"]


def test_count_requires_login(client):
    response = client.get(COUNT_URL)
    assert response.status_code == 302


def test_header_bell_shows_the_unread_count_and_keeps_the_socket_open(client, cast, forum):
    member = cast.user("member")
    for number in range(3):
        _mention(forum, member, actor=cast.user("coach"), title=f"Nummer {number}")
    client.force_login(member)

    content = client.get(reverse("forum:profile_edit")).content.decode()

    assert "data-notification-bell" in content
    assert 'aria-live="polite"' in content
    assert "<span data-notification-number>3</span>" in content
    assert 'aria-label="Benachrichtigungen, 3 ungelesen"' in content
    assert "ungelesen" in content
    # A page without a live stream of its own gets the personal stream …
    assert content.count('id="live-config"') == 1
    assert f"user:{member.pk}" in content
    # … and a forum page keeps its own config, once.
    topic_page = client.get(forum.closed_topic.get_absolute_url()).content.decode()
    assert topic_page.count('id="live-config"') == 1
    assert f"topic:{forum.closed_topic.pk}" in topic_page


def test_anonymous_pages_have_no_bell_and_no_socket(client, cast, forum):
    content = client.get(reverse("account_login")).content.decode()
    assert "data-notification-bell" not in content
    assert 'id="live-config"' not in content


# --- preferences ---------------------------------------------------------------------------


def test_preferences_show_one_choice_per_kind_and_per_readable_space(client, cast, forum):
    client.force_login(cast.user("member"))
    content = client.get(PREFERENCES_URL).content.decode()
    for kind in NotificationKind:
        assert f'name="kind_{kind.value}"' in content
        assert str(kind.label) in content
    assert f'name="space_{forum.closed.pk}"' in content
    assert f'name="space_{forum.academy.pk}"' in content
    other_space = cast.other_consortium.spaces.get()
    assert f'name="space_{other_space.pk}"' not in content
    assert other_space.name not in content


def _preferences_post(forum, **changes):
    data = {f"kind_{kind.value}": delivery for kind, delivery in _defaults().items()}
    data[f"space_{forum.closed.pk}"] = SpaceNotificationLevel.Level.DEFAULT
    data[f"space_{forum.academy.pk}"] = SpaceNotificationLevel.Level.DEFAULT
    data.update(changes)
    return data


def _defaults():
    from forum.models import DEFAULT_DELIVERY

    return {NotificationKind(kind): delivery for kind, delivery in DEFAULT_DELIVERY.items()}


def test_preferences_save_what_changed(client, cast, forum):
    member = cast.user("member")
    client.force_login(member)
    data = _preferences_post(
        forum,
        kind_reply=Delivery.WEEKLY,
        kind_mention=Delivery.IN_APP,
        **{f"space_{forum.closed.pk}": SpaceNotificationLevel.Level.MUTE},
    )

    response = client.post(PREFERENCES_URL, data, follow=True)

    assert response.status_code == 200
    assert "Ihre Einstellungen für Benachrichtigungen sind gespeichert." in (
        response.content.decode()
    )
    assert dict(
        NotificationPreference.objects.filter(user=member).values_list("kind", "delivery")
    ) == {NotificationKind.REPLY: Delivery.WEEKLY, NotificationKind.MENTION: Delivery.IN_APP}
    assert dict(
        SpaceNotificationLevel.objects.filter(user=member).values_list("space_id", "level")
    ) == {forum.closed.pk: SpaceNotificationLevel.Level.MUTE}
    assert notifications.delivery_of(member, NotificationKind.REPLY) == Delivery.WEEKLY
    # The form shows the saved choices.
    assert 'value="weekly" selected' in response.content.decode()


def test_preferences_show_errors_and_save_nothing_on_bad_input(client, cast, forum):
    member = cast.user("member")
    client.force_login(member)
    data = _preferences_post(
        forum,
        kind_reply=Delivery.WEEKLY,
        kind_mention="sofort-und-laut",
        **{f"space_{forum.closed.pk}": "alles"},
    )

    response = client.post(PREFERENCES_URL, data)

    assert response.status_code == 400
    content = response.content.decode()
    assert "Bitte prüfen Sie die markierten Angaben." in content
    assert "field-error" in content
    assert not NotificationPreference.objects.filter(user=member).exists()
    assert not SpaceNotificationLevel.objects.filter(user=member).exists()


def test_preferences_ignore_spaces_the_user_cannot_read(client, cast, forum):
    member = cast.user("member")
    client.force_login(member)
    other_space = cast.other_consortium.spaces.get()
    data = _preferences_post(forum, **{f"space_{other_space.pk}": "all"})

    assert client.post(PREFERENCES_URL, data).status_code == 302
    assert not SpaceNotificationLevel.objects.filter(space=other_space).exists()


def test_account_menu_links_to_preferences(client, cast):
    client.force_login(cast.user("member"))
    content = client.get(reverse("forum:profile_edit")).content.decode()
    assert f'href="{PREFERENCES_URL}"' in content


# --- unsubscribe ---------------------------------------------------------------------------


def _unsubscribe_url(user, kind=NotificationKind.MENTION) -> str:
    token = notifications.unsubscribe_token(user, kind)
    return reverse("forum:unsubscribe", kwargs={"token": token})


def _preferences_of(user) -> dict:
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))


def test_unsubscribe_page_shows_the_kind_without_login_and_changes_nothing(client, cast):
    member = cast.user("member")

    response = client.get(_unsubscribe_url(member, NotificationKind.REPLY))

    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "Sie bekommen keine E-Mails mehr zu: Antwort in einer Diskussion, der Sie folgen" in content
    )
    assert "<form" in content and 'method="post"' in content
    assert _preferences_of(member) == {}
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_unsubscribe_one_click_post_works_without_login_and_without_csrf(cast):
    member, coach = cast.user("member"), cast.user("coach")
    browserless = Client(enforce_csrf_checks=True)

    response = browserless.post(
        _unsubscribe_url(member, NotificationKind.MENTION),
        {"List-Unsubscribe": "One-Click"},
    )

    assert response.status_code == 200
    assert "Sie bekommen keine E-Mails mehr zu: Erwähnung" in response.content.decode()
    assert _preferences_of(member) == {NotificationKind.MENTION: Delivery.IN_APP}
    assert _preferences_of(coach) == {}
    assert NotificationPreference.objects.count() == 1
    # Nobody was signed in by following the link.
    assert "_auth_user_id" not in browserless.session
    assert browserless.get(LIST_URL).status_code == 302


def test_unsubscribe_token_of_one_person_never_changes_another(cast):
    member, coach = cast.user("member"), cast.user("coach")
    signed_in_as_coach = _client_for(coach)

    signed_in_as_coach.post(_unsubscribe_url(member, NotificationKind.REPLY))

    assert _preferences_of(coach) == {}
    assert _preferences_of(member) == {NotificationKind.REPLY: Delivery.IN_APP}


def test_digest_unsubscribe_moves_every_kind_of_that_digest_to_the_app_only(cast):
    member, coach = cast.user("member"), cast.user("coach")
    notifications.set_preferences(
        user=member,
        deliveries={
            NotificationKind.WORKSHOP_REMINDER: Delivery.DAILY,
            NotificationKind.NEW_TOPIC: Delivery.WEEKLY,
        },
    )
    token = notifications.digest_unsubscribe_token(member, Delivery.DAILY)
    url = reverse("forum:unsubscribe", kwargs={"token": token})
    browserless = Client(enforce_csrf_checks=True)

    page = browserless.get(url)
    assert "Sie bekommen keine E-Mails mehr für die tägliche Zusammenfassung." in (
        page.content.decode()
    )
    assert NotificationPreference.objects.filter(user=member).count() == 2

    response = browserless.post(url)

    assert response.status_code == 200
    assert _preferences_of(member) == {
        NotificationKind.REPLY: Delivery.IN_APP,
        NotificationKind.WORKSHOP_REMINDER: Delivery.IN_APP,
        NotificationKind.NEW_TOPIC: Delivery.WEEKLY,
    }
    assert notifications.delivery_of(member, NotificationKind.MENTION) == Delivery.IMMEDIATE
    assert _preferences_of(coach) == {}


def test_unsubscribe_keeps_a_kind_that_is_already_off(cast):
    member = cast.user("member")
    notifications.set_preferences(user=member, deliveries={NotificationKind.REPLY: Delivery.OFF})

    Client().post(_unsubscribe_url(member, NotificationKind.REPLY))

    assert _preferences_of(member) == {NotificationKind.REPLY: Delivery.OFF}


@pytest.mark.parametrize("period", [Delivery.IMMEDIATE, Delivery.OFF, "monthly"])
def test_digest_unsubscribe_token_for_something_that_is_no_digest_is_refused(client, cast, period):
    from django.core import signing

    member = cast.user("member")
    token = signing.dumps(
        {"u": member.pk, "p": period}, salt=notifications.UNSUBSCRIBE_SALT, compress=True
    )
    response = client.post(reverse("forum:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400
    assert NotificationPreference.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_unsubscribe_token_is_refused(cast, method):
    member = cast.user("member")
    token = notifications.unsubscribe_token(member, NotificationKind.MENTION)
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(reverse("forum:unsubscribe", kwargs={"token": tampered}))

    assert response.status_code == 400
    assert "Ungültiger Abmeldelink" in response.content.decode()
    assert NotificationPreference.objects.count() == 0


@pytest.mark.parametrize("token", ["unsinn", "eyJ1IjoxLCJrIjoibWVudGlvbiJ9:abc", "a" * 300])
def test_malformed_unsubscribe_tokens_are_refused(client, cast, token):
    response = client.post(reverse("forum:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400
    assert NotificationPreference.objects.count() == 0


def test_token_signed_for_something_else_is_refused(client, cast):
    from django.core import signing

    member = cast.user("member")
    token = signing.dumps({"u": member.pk, "k": NotificationKind.MENTION}, compress=True)
    response = client.post(reverse("forum:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400
    assert NotificationPreference.objects.count() == 0


def test_unsubscribe_token_for_an_unknown_kind_is_refused(client, cast):
    from django.core import signing

    member = cast.user("member")
    token = signing.dumps(
        {"u": member.pk, "k": "everything"}, salt=notifications.UNSUBSCRIBE_SALT, compress=True
    )
    response = client.post(reverse("forum:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400
    assert NotificationPreference.objects.count() == 0


# --- the role matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["untouched", "hidden"])
def test_list_count_and_open_by_role(client, cast, forum, role, state):
    """Each role gets one notice about the closed space's post and one about the academy-wide
    post; list, bell count and following a notice show exactly those the role may read
    (``forum.see_post_content``), never another person's."""
    from django.utils import timezone

    from forum import rules as policy
    from forum.models import Post

    user = cast.user(role)
    if not user.is_authenticated:
        for url in (LIST_URL, COUNT_URL, PREFERENCES_URL):
            assert client.get(url).status_code == 302
        return
    notices = {}
    for kind in ("closed", "academy"):
        post = getattr(forum, f"{kind}_post")
        if state == "hidden":
            Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
            post.refresh_from_db()
        notices[kind] = Notification.objects.create(
            recipient=user,
            kind=NotificationKind.MENTION,
            post=post,
            topic=post.topic,
            space=post.topic.space,
            consortium=post.topic.space.consortium,
            title=f"Hinweis {kind}",
            url=post.get_absolute_url(),
        )
    foreign = _mention(forum, cast.user("member" if role != "member" else "coach"), actor=None)
    client = _client_for(user)

    listed = client.get(LIST_URL).content.decode()
    expected = {
        kind
        for kind, notice in notices.items()
        if policy.allowed(user, "forum.see_post_content", notice.post)
    }
    assert {kind for kind in notices if f"Hinweis {kind}" in listed} == expected
    assert json.loads(client.get(COUNT_URL).content)["unread"] == len(expected)
    for kind, notice in notices.items():
        opened = client.get(reverse("forum:notification_open", kwargs={"pk": notice.pk}))
        assert opened.status_code == (302 if kind in expected else 404), kind
    assert (
        client.get(reverse("forum:notification_open", kwargs={"pk": foreign.pk})).status_code == 404
    )
    assert client.get(PREFERENCES_URL).status_code == 200
