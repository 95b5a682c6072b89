"""The "Konto löschen" page under Mein Konto, and the Wagtail admin's user deletion (single and
bulk), which run the same erasure service."""

import datetime
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from forum import services
from forum.models import Membership, Post, Role
from forum.privacy import erasure
from tests.factories import PASSWORD, MembershipFactory, UserFactory, enable_mfa
from tests.helpers.cast import ROLES, client_for

URL = reverse("forum:account_delete")
User = get_user_model()


def _totp_code(user) -> str:
    secret = decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def member_with_post(cast, forum):
    person = UserFactory(profile__display_name="Hiltrud Sommerfeld")
    MembershipFactory(user=person, consortium=cast.consortium)
    post = services.post_reply(topic=forum.closed_topic, author=person, body="Unser Ergebnis.")
    return person, post


def test_the_page_says_what_happens_and_offers_the_choice(client, member_with_post):
    person, _post = member_with_post
    client.force_login(person)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "ehemaliges Mitglied" in page and "Warteliste" in page
    assert 'value="behalten" required id="id_posts_0" checked' in page
    assert 'name="password"' in page and 'name="code"' not in page
    assert f'<a href="{reverse("forum:data_export")}">Meine Daten</a>' in page


def test_the_account_menu_links_to_it(client, member_with_post):
    client.force_login(member_with_post[0])
    assert f'href="{URL}"' in client.get(reverse("forum:profile_edit")).content.decode()


def test_a_wrong_password_deletes_nothing_and_keeps_the_choice(client, member_with_post):
    person, _post = member_with_post
    client.force_login(person)
    response = client.post(URL, {"posts": "loeschen", "password": "falsch"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Das Passwort stimmt nicht." in page
    assert 'value="loeschen" required id="id_posts_1" checked' in page
    assert 'value="behalten" required id="id_posts_0">' in page
    assert User.objects.filter(pk=person.pk).exists()


def test_erasing_with_the_password_logs_out_and_confirms(
    client, member_with_post, mailoutbox, django_capture_on_commit_callbacks
):
    person, post = member_with_post
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"posts": "behalten", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("forum:account_deleted")
    assert not User.objects.filter(pk=person.pk).exists()
    post.refresh_from_db()
    assert post.author.username == erasure.FORMER_MEMBER_USERNAME and post.body == "Unser Ergebnis."
    confirmation = client.get(response.url)
    assert confirmation.status_code == 200
    assert "Ihr Konto ist gelöscht" in confirmation.content.decode()
    assert "_auth_user_id" not in client.session
    assert [message.to for message in mailoutbox][-1] == [person.email]
    # The confirmation is shown once; afterwards the address leads home.
    assert client.get(reverse("forum:account_deleted")).status_code == 302


def test_choosing_to_delete_the_posts_shows_them_as_deleted(client, cast, forum, member_with_post):
    person, post = member_with_post
    client.force_login(person)
    client.post(URL, {"posts": "loeschen", "password": PASSWORD})
    post.refresh_from_db()
    assert post.deleted_at is not None and post.body == ""
    reader = client_for(client, cast.user("member"))
    page = reader.get(forum.closed_topic.get_absolute_url()).content.decode()
    assert "Beitrag gelöscht" in page and "Unser Ergebnis." not in page


def test_with_two_factor_login_a_current_code_is_needed(client, member_with_post):
    person, _post = member_with_post
    enable_mfa(person)
    client.force_login(person)
    assert 'name="code"' in client.get(URL).content.decode()

    wrong = client.post(URL, {"posts": "behalten", "password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 400
    assert "Der Code stimmt nicht." in wrong.content.decode()
    assert User.objects.filter(pk=person.pk).exists()

    right = client.post(
        URL, {"posts": "behalten", "password": PASSWORD, "code": _totp_code(person)}
    )
    assert right.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()


def test_the_last_coach_of_a_running_consortium_is_told_to_hand_over(client, cast):
    consortium = cast.consortium
    today = timezone.localdate()
    consortium.start, consortium.end = today, today + datetime.timedelta(days=100)
    consortium.save()
    coach = cast.user("coach")
    Membership.objects.filter(consortium=consortium, role=Role.CORE_TEAM).delete()
    client.force_login(coach)

    page = client.get(URL).content.decode()
    assert consortium.name in page and "übergeben" in page
    assert 'name="password"' not in page
    response = client.post(URL, {"posts": "behalten", "password": PASSWORD})
    assert response.status_code == 400
    assert User.objects.filter(pk=coach.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_signed_in_people_reach_their_own_page(client, cast, role):
    response = client_for(client, cast.user(role)).get(URL)
    if role == "anonymous":
        assert response.status_code == 302 and "login" in response.url
    else:
        assert response.status_code == 200


def test_the_confirmation_page_without_an_erasure_leads_home(client):
    response = client.get(reverse("forum:account_deleted"))
    assert response.status_code == 302 and response.url == "/"


# --- the Wagtail admin ---------------------------------------------------------------------


def test_admin_deletion_runs_the_service_and_logs_the_number(client, cast, member_with_post):
    person, post = member_with_post
    admin = cast.user("admin")
    client.force_login(admin)
    confirm = client.get(reverse("wagtailusers_users:delete", args=[person.pk]))
    assert confirm.status_code == 200
    assert 'name="posts" value="loeschen"' in confirm.content.decode()

    response = client.post(
        reverse("wagtailusers_users:delete", args=[person.pk]), {"posts": "loeschen"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    post.refresh_from_db()
    assert post.deleted_at is not None and post.body == ""
    entry = ModelLogEntry.objects.get(action=erasure.LOG_ACTION)
    assert entry.label == f"Konto #{person.pk} gelöscht" and entry.user_id == admin.pk


def test_admin_deletion_keeps_posts_by_default(client, cast, member_with_post):
    person, post = member_with_post
    client.force_login(cast.user("admin"))
    client.post(reverse("wagtailusers_users:delete", args=[person.pk]))
    post.refresh_from_db()
    assert post.body == "Unser Ergebnis." and post.author.username == erasure.FORMER_MEMBER_USERNAME


def test_admin_deletion_obeys_the_last_coach_guard(client, cast):
    consortium = cast.consortium
    today = timezone.localdate()
    consortium.start, consortium.end = today, today + datetime.timedelta(days=100)
    consortium.save()
    coach = cast.user("coach")
    Membership.objects.filter(consortium=consortium, role=Role.CORE_TEAM).delete()
    client.force_login(cast.user("admin"))
    response = client.post(reverse("wagtailusers_users:delete", args=[coach.pk]), follow=True)
    assert User.objects.filter(pk=coach.pk).exists()
    assert consortium.name in response.content.decode()


def test_an_admin_cannot_delete_themselves_in_the_admin(client, cast):
    admin = cast.user("admin")
    client.force_login(admin)
    response = client.post(reverse("wagtailusers_users:delete", args=[admin.pk]))
    assert response.status_code in (302, 403)
    assert User.objects.filter(pk=admin.pk).exists()


def _bulk_url(users) -> str:
    ids = "&".join(f"id={user.pk}" for user in users)
    action = reverse("wagtail_bulk_action", args=("auth", "user", "delete"))
    return f"{action}?{ids}&next={reverse('wagtailusers_users:index')}"


def test_bulk_deletion_runs_the_service_for_each_and_logs_them(client, cast, forum):
    people = []
    for index in range(2):
        person = UserFactory()
        MembershipFactory(user=person, consortium=cast.consortium)
        services.post_reply(topic=forum.closed_topic, author=person, body=f"Text {index}")
        people.append(person)
    client.force_login(cast.user("admin"))
    assert 'name="posts"' in client.get(_bulk_url(people)).content.decode()

    response = client.post(_bulk_url(people), {"posts": "behalten"})
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[person.pk for person in people]).exists()
    assert set(
        Post.objects.filter(body__startswith="Text ").values_list("author__username", flat=True)
    ) == {erasure.FORMER_MEMBER_USERNAME}
    labels = set(
        ModelLogEntry.objects.filter(action=erasure.LOG_ACTION).values_list("label", flat=True)
    )
    assert labels == {f"Konto #{person.pk} gelöscht" for person in people}


def test_bulk_deletion_is_all_or_nothing_with_the_guard(client, cast):
    consortium = cast.consortium
    today = timezone.localdate()
    consortium.start, consortium.end = today, today + datetime.timedelta(days=100)
    consortium.save()
    coach, other = cast.user("coach"), UserFactory()
    Membership.objects.filter(consortium=consortium, role=Role.CORE_TEAM).delete()
    client.force_login(cast.user("admin"))
    response = client.post(_bulk_url([other, coach]), {"posts": "behalten"}, follow=True)
    assert User.objects.filter(pk__in=[coach.pk, other.pk]).count() == 2
    assert consortium.name in response.content.decode()


@pytest.mark.parametrize("role", ["member", "coach", "core_team", "editor"])
def test_nobody_but_admins_deletes_users_in_the_admin(client, cast, role):
    victim = UserFactory()
    client_for(client, cast.user(role))
    single = client.post(reverse("wagtailusers_users:delete", args=[victim.pk]))
    bulk = client.post(_bulk_url([victim]), {"posts": "behalten"})
    assert single.status_code in (302, 403) and bulk.status_code in (302, 403)
    assert User.objects.filter(pk=victim.pk).exists()
    assert not mail.outbox or all(message.to != [victim.email] for message in mail.outbox)


def test_kept_posts_show_the_former_member_without_a_profile_link(
    client, cast, forum, member_with_post
):
    person, post = member_with_post
    erasure.erase_person(person=person, delete_posts=False, actor=cast.user("admin"))
    former = erasure.former_member_account()
    for role in ("member", "admin"):
        page = client_for(client, cast.user(role)).get(forum.closed_topic.get_absolute_url())
        html = page.content.decode()
        assert "Unser Ergebnis." in html and "ehemaliges Mitglied" in html
        assert reverse("forum:profile", kwargs={"user_id": former.pk}) not in html
        assert "Hiltrud Sommerfeld" not in html
