"""Every page of the community area, as a matrix over the roles: status, content and effects."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import services
from forum.models import Invitation, Membership, Role
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cast import ROLES, client_for

MEMBERS = {"member", "coach", "core_team", "admin"}
MANAGERS = {"coach", "core_team", "admin"}


def _expect_status(response, role, allowed):
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_consortium_page_matrix(client, cast, role):
    response = client_for(client, cast.user(role)).get(cast.consortium.get_absolute_url())
    _expect_status(response, role, MEMBERS)
    if response.status_code == 200:
        content = response.content.decode()
        assert cast.consortium.name in content
        assert cast.consortium.lead_town.name in content
        assert ("Einladungen verwalten" in content) is (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_member_directory_matrix(client, cast, role):
    url = reverse("forum:members", kwargs={"slug": cast.consortium.slug})
    response = client_for(client, cast.user(role)).get(url)
    _expect_status(response, role, MEMBERS)
    if response.status_code == 200:
        content = response.content.decode()
        assert cast.user("member").profile.display_name in content
        assert cast.user("outsider").profile.display_name not in content
        assert ("entfernen" in content) is (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_invitation_page_matrix(client, cast, role):
    url = reverse("forum:invitations", kwargs={"slug": cast.consortium.slug})
    response = client_for(client, cast.user(role)).get(url)
    _expect_status(response, role, MANAGERS)
    if response.status_code == 200:
        assert "Neue Einladung" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_profile_page_matrix(client, cast, role):
    url = reverse("forum:profile", kwargs={"user_id": cast.user("member").pk})
    response = client_for(client, cast.user(role)).get(url)
    _expect_status(response, role, MEMBERS)


@pytest.mark.parametrize("role", ROLES)
def test_consortium_list_shows_only_own_consortia(client, cast, role):
    response = client_for(client, cast.user(role)).get(reverse("forum:consortia"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    content = response.content.decode()
    assert (cast.consortium.name in content) is (role in MEMBERS)
    if role == "editor":
        assert "Sie gehören noch keinem Verbund an." in content


def test_hidden_consortium_answers_like_a_missing_one(client, cast):
    client.force_login(cast.user("outsider"))
    hidden = client.get(cast.consortium.get_absolute_url())
    missing = client.get(reverse("forum:consortium", kwargs={"slug": "gibt-es-nicht"}))
    assert hidden.status_code == missing.status_code == 404
    assert cast.consortium.name not in hidden.content.decode()


def test_anonymous_redirect_does_not_depend_on_existence(client, cast):
    hidden = client.get(cast.consortium.get_absolute_url())
    missing = client.get(reverse("forum:consortium", kwargs={"slug": "gibt-es-nicht"}))
    assert hidden.status_code == missing.status_code == 302


def test_manager_without_mfa_is_sent_to_set_it_up(client, cast):
    coach = UserFactory()
    MembershipFactory(user=coach, consortium=cast.consortium, role=Role.COACH)
    client.force_login(coach)
    url = reverse("forum:invitations", kwargs={"slug": cast.consortium.slug})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    assert client.post(url, {"email": "x@example.org", "role": "member"}).status_code == 302
    assert not Invitation.objects.exists()


@pytest.fixture
def pending(cast):
    return services.invite_member(
        consortium=cast.consortium,
        inviter=cast.user("coach"),
        email="neu@example.org",
        role=Role.MEMBER,
        town=cast.consortium.lead_town,
    ).invitation


@pytest.mark.parametrize("role", ROLES)
def test_revoke_matrix(client, cast, pending, role):
    url = reverse(
        "forum:invitation_revoke", kwargs={"slug": cast.consortium.slug, "pk": pending.pk}
    )
    response = client_for(client, cast.user(role)).post(url)
    pending.refresh_from_db()
    if role in MANAGERS:
        assert response.status_code == 302
        assert pending.revoked_at is not None
    else:
        assert response.status_code in (302, 404)
        assert pending.revoked_at is None


@pytest.mark.parametrize("role", ROLES)
def test_resend_matrix(client, cast, pending, role, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    old_hash = pending.token_hash
    url = reverse(
        "forum:invitation_resend", kwargs={"slug": cast.consortium.slug, "pk": pending.pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(client, cast.user(role)).post(url)
    pending.refresh_from_db()
    if role in MANAGERS:
        assert response.status_code == 302
        assert pending.token_hash != old_hash
        assert len(mailoutbox) == 1
    else:
        assert response.status_code in (302, 404)
        assert pending.token_hash == old_hash
        assert mailoutbox == []


@pytest.mark.parametrize("role", ROLES)
def test_remove_member_matrix(client, cast, role):
    target = MembershipFactory(consortium=cast.consortium, role=Role.MEMBER)
    url = reverse("forum:member_remove", kwargs={"slug": cast.consortium.slug, "pk": target.pk})
    response = client_for(client, cast.user(role)).post(url)
    removed = not Membership.objects.filter(pk=target.pk).exists()
    assert removed is (role in MANAGERS)
    assert response.status_code in ((302,) if role in MANAGERS | {"anonymous"} else (404,))


def test_removed_member_loses_access_at_once(client, cast):
    member = cast.user("member")
    client.force_login(member)
    assert client.get(cast.consortium.get_absolute_url()).status_code == 200
    services.remove_member(
        membership=Membership.objects.get(user=member, consortium=cast.consortium),
        actor=cast.user("coach"),
    )
    assert client.get(cast.consortium.get_absolute_url()).status_code == 404


def test_coach_cannot_remove_core_team(client, cast):
    core = Membership.objects.get(user=cast.user("core_team"))
    client.force_login(cast.user("coach"))
    url = reverse("forum:member_remove", kwargs={"slug": cast.consortium.slug, "pk": core.pk})
    client.post(url)
    assert Membership.objects.filter(pk=core.pk).exists()


def test_remove_requires_post(client, cast):
    client.force_login(cast.user("coach"))
    target = Membership.objects.get(user=cast.user("member"))
    url = reverse("forum:member_remove", kwargs={"slug": cast.consortium.slug, "pk": target.pk})
    assert client.get(url).status_code == 405
    assert Membership.objects.filter(pk=target.pk).exists()


def _queries_for(client, url) -> int:
    client.get(url)  # warm session and content-type caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["consortium", "members"])
def test_query_count_does_not_grow_with_members(client, cast, page):
    client.force_login(cast.user("coach"))
    url = reverse(f"forum:{page}", kwargs={"slug": cast.consortium.slug})
    with_few = _queries_for(client, url)
    for index in range(50):
        MembershipFactory(consortium=cast.consortium, role=Role.COACH if index % 2 else Role.MEMBER)
    assert _queries_for(client, url) == with_few
