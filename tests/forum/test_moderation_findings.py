"""Forum and moderation findings of issue 16: names link to profiles only where they open, the
report form and queue show the post, moderation tools offer only what can succeed, and the
two-factor setup returns to where the person was going."""

import pytest
from django.urls import reverse

from forum import services
from tests.factories import MembershipFactory, enable_mfa
from tests.helpers.cast import client_for

READERS = ["outsider", "member", "coach", "core_team", "editor", "admin"]


@pytest.mark.parametrize("role", READERS)
def test_author_name_links_to_profile_only_where_the_profile_opens(client, cast, forum, role):
    """In the academy-wide space everyone reads everyone, but a profile opens only for people
    sharing a consortium (and admins): the name is a link exactly where the link works."""
    author = cast.user("member")
    viewer = cast.user(role)
    client_for(client, viewer)
    profile_url = reverse("forum:profile", args=[author.pk])
    html = client.get(forum.academy_topic.get_absolute_url()).content.decode()
    profile_opens = client.get(profile_url).status_code == 200
    assert (f'href="{profile_url}"' in html) is profile_opens
    assert author.profile.display_name in html
    expected = {"outsider": False, "editor": False}
    assert profile_opens is expected.get(role, True)
    if not profile_opens:
        assert f"({author.profile.town.name})" in html


def test_moderation_log_names_moderators_of_other_consortia_without_profile_link(
    client, cast, forum
):
    stranger = MembershipFactory(consortium=cast.other_consortium, role="core_team").user
    enable_mfa(stranger)
    services.hide_post(post=forum.academy_post, moderator=stranger, reason="Werbung")
    services.hide_post(post=forum.closed_post, moderator=cast.user("coach"), reason="Test")
    client_for(client, cast.user("core_team"))
    html = client.get(reverse("forum:academy_moderation_log")).content.decode()
    assert stranger.profile.display_name in html
    assert reverse("forum:profile", args=[stranger.pk]) not in html
    log = client.get(reverse("forum:moderation_log", args=[cast.consortium.slug]))
    coach = cast.user("coach")
    assert reverse("forum:profile", args=[coach.pk]) in log.content.decode()


MOVERS = {"core_team", "admin"}


@pytest.mark.parametrize("role", ["outsider", "member", "coach", "core_team", "editor", "admin"])
def test_move_is_offered_only_to_those_with_an_allowed_target(client, cast, forum, role):
    """The closed space is its consortium's only one: its coach may move nowhere, so the topic
    page offers no "Verschieben", and the move page offers no target that would be refused."""
    client_for(client, cast.user(role))
    move_url = reverse("forum:topic_move", args=[forum.closed_topic.pk])
    page = client.get(forum.closed_topic.get_absolute_url())
    assert (move_url in page.content.decode()) is (role in MOVERS)
    if role == "coach":
        response = client.get(move_url)
        assert response.status_code == 200
        assert "form" not in response.context or response.context.get("form") is None
        assert "keinen Bereich" in response.content.decode()
        posted = client.post(move_url, {"target": forum.academy.pk, "confirm": "on"})
        forum.closed_topic.refresh_from_db()
        assert forum.closed_topic.space == forum.closed
        assert posted.status_code == 200


def test_unpin_says_nicht_mehr_anheften_not_loesen(client, cast, forum):
    services.set_topic_flag(
        topic=forum.closed_topic, moderator=cast.user("coach"), flag="pinned", value=True
    )
    client_for(client, cast.user("coach"))
    html = client.get(forum.closed_topic.get_absolute_url()).content.decode()
    assert "Nicht mehr anheften" in html
    assert ">Lösen<" not in html


def test_report_form_shows_the_reported_post(client, cast, forum):
    post = services.post_reply(
        topic=forum.academy_topic, author=cast.user("coach"), body="Unser **Angebot** hier"
    )
    client_for(client, cast.user("outsider"))
    html = client.get(reverse("forum:post_report", args=[post.pk])).content.decode()
    assert "<strong>Angebot</strong>" in html
    assert cast.user("coach").profile.display_name in html
    # The outsider may not open the coach's profile: the name is not a link.
    assert reverse("forum:profile", args=[cast.user("coach").pk]) not in html


def _reported(cast, forum, body="Kaufen Sie **jetzt**"):
    post = services.post_reply(topic=forum.closed_topic, author=cast.user("member"), body=body)
    services.report_post(post=post, reporter=cast.user("core_team"), reason="Werbung")
    return post


def test_report_queue_shows_the_reported_post_and_hides_it_right_there(client, cast, forum):
    post = _reported(cast, forum)
    queue = reverse("forum:reports", args=[forum.closed.slug])
    client_for(client, cast.user("coach"))
    html = client.get(queue).content.decode()
    assert "Kaufen Sie <strong>jetzt</strong>" in html
    assert f'action="{reverse("forum:post_hide", args=[post.pk])}"' in html
    response = client.post(
        reverse("forum:post_hide", args=[post.pk]), {"reason": "Werbung", "next": queue}
    )
    assert response.status_code == 302 and response.url == queue
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == "Werbung"
    html = client.get(queue).content.decode()
    assert "Von der Moderation ausgeblendet: Werbung" in html
    assert f'action="{reverse("forum:post_restore", args=[post.pk])}"' in html
    assert f'action="{reverse("forum:post_hide", args=[post.pk])}"' not in html


def test_hiding_from_the_queue_without_a_reason_keeps_the_way_back_and_loses_nothing(
    client, cast, forum
):
    post = _reported(cast, forum)
    queue = reverse("forum:reports", args=[forum.closed.slug])
    client_for(client, cast.user("coach"))
    response = client.post(reverse("forum:post_hide", args=[post.pk]), {"next": queue})
    assert response.status_code == 400
    assert f'name="next" value="{queue}"' in response.content.decode()
    post.refresh_from_db()
    assert not post.is_hidden


def test_hide_ignores_a_next_address_on_another_host(client, cast, forum):
    post = _reported(cast, forum)
    client_for(client, cast.user("coach"))
    response = client.post(
        reverse("forum:post_hide", args=[post.pk]),
        {"reason": "Werbung", "next": "https://evil.example/"},
    )
    assert response.url == reverse("forum:post", args=[post.pk])


def _set_up_totp(client, url):
    """Reauthenticate and activate an authenticator app through allauth's pages."""
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    from tests.factories import PASSWORD

    first = client.get(url)
    if first.status_code == 302 and first.url.startswith(reverse("account_reauthenticate")):
        back = client.post(first.url, {"password": PASSWORD})
        assert back.status_code == 302
        assert client.get(back.url).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    return client.post(reverse("mfa_activate_totp"), {"code": code})


def test_mfa_setup_from_invitations_returns_there_after_the_recovery_codes(client, cast):
    from tests.factories import UserFactory

    coach = UserFactory()
    MembershipFactory(user=coach, consortium=cast.consortium, role="coach")
    client.force_login(coach)
    invitations = reverse("forum:invitations", args=[cast.consortium.slug])
    sent = client.get(invitations)
    assert sent.status_code == 302 and sent.url.startswith(reverse("mfa_activate_totp"))
    activated = _set_up_totp(client, sent.url)
    assert activated.status_code == 302
    assert activated.url.startswith(reverse("mfa_view_recovery_codes"))
    codes = client.get(activated.url)
    assert codes.status_code == 200
    html = codes.content.decode()
    assert 'id="recovery_codes"' in html
    assert f'href="{invitations}"' in html
    assert client.get(invitations).status_code == 200


def test_mfa_setup_ignores_a_next_address_on_another_host(client, cast):
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    activated = _set_up_totp(
        client, reverse("mfa_activate_totp") + "?next=https://evil.example/einladungen/"
    )
    assert activated.url == reverse("mfa_view_recovery_codes")
    assert "evil.example" not in client.get(activated.url).content.decode()


@pytest.mark.parametrize("role", READERS)
def test_mentions_link_to_profiles_only_where_the_profile_opens(client, cast, forum, role):
    coach = cast.user("coach")
    services.post_reply(
        topic=forum.academy_topic, author=cast.user("member"), body=f"Frag @{coach.username}!"
    )
    client_for(client, cast.user(role))
    profile_url = reverse("forum:profile", args=[coach.pk])
    html = client.get(forum.academy_topic.get_absolute_url()).content.decode()
    profile_opens = client.get(profile_url).status_code == 200
    assert (f'<a href="{profile_url}" class="mention"' in html) is profile_opens
    if not profile_opens:
        assert f'<span class="mention">@{coach.profile.display_name}</span>' in html
