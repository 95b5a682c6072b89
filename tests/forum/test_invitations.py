"""The invitation flow end to end: email, link, sign-up, membership — and every bad link."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Invitation, Membership, Profile, Role
from tests.factories import MembershipFactory, UserFactory, enable_mfa

User = get_user_model()
NEW_PASSWORD = "Ammersee-Labor-2026!"


def _invite(cast, client, django_capture_on_commit_callbacks, email="neu@example.org", **extra):
    client.force_login(cast.user("coach"))
    town = cast.consortium.towns.first()
    data = {"email": email, "role": Role.MEMBER, "town": town.pk, **extra}
    url = reverse("forum:invitations", kwargs={"slug": cast.consortium.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    client.logout()
    return response


def _link_from(mail) -> str:
    match = re.search(r"https?://\S+/einladung/(\S+)/", mail.body)
    assert match, mail.body
    return reverse("forum:invitation_accept", kwargs={"token": match.group(1)})


def _signup(client, link, **overrides):
    data = {
        "display_name": "Anna Berger",
        "function": "Wirtschaftsförderung",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(link, data)


def test_invitation_end_to_end(client, cast, mailoutbox, django_capture_on_commit_callbacks):
    response = _invite(cast, client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["neu@example.org"]
    assert cast.consortium.name in mail.subject
    assert "7 Tage" in mail.body
    assert mail.alternatives and "Einladung annehmen" in mail.alternatives[0][0]
    link = _link_from(mail)

    form_page = client.get(link)
    assert form_page.status_code == 200
    content = form_page.content.decode()
    assert 'value="neu@example.org" readonly' in content
    assert 'name="email"' not in content  # the address cannot be changed in the form

    response = _signup(client, link)
    assert response.status_code == 302
    assert response.url == cast.consortium.get_absolute_url()
    user = User.objects.get(email="neu@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert Profile.objects.get(user=user).display_name == "Anna Berger"
    membership = Membership.objects.get(user=user, consortium=cast.consortium)
    assert membership.role == Role.MEMBER
    assert user.profile.town == cast.consortium.towns.first()
    # signed in right away and can see the consortium
    assert client.get(cast.consortium.get_absolute_url()).status_code == 200
    invitation = Invitation.objects.get(email="neu@example.org")
    assert invitation.accepted_by == user

    # the same link a second time: used
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "bereits angenommen" in again.content.decode()
    # and the new account can log in with email + password through allauth
    login = client.post(
        reverse("account_login"), {"login": "neu@example.org", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    assert client.get(cast.consortium.get_absolute_url()).status_code == 200


def test_failed_signup_keeps_input_and_creates_nothing(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(cast, client, django_capture_on_commit_callbacks)
    link = _link_from(mailoutbox[0])
    response = _signup(client, link, password2="etwas-anderes-123")
    assert response.status_code == 400
    content = response.content.decode()
    assert "stimmen nicht überein" in content
    assert 'value="Anna Berger"' in content
    assert not User.objects.filter(email="neu@example.org").exists()
    assert Invitation.objects.get().accepted_at is None

    weak = _signup(client, link, password1="12345678", password2="12345678")
    assert weak.status_code == 400
    assert not User.objects.filter(email="neu@example.org").exists()


@pytest.mark.parametrize(
    ("spoil", "status", "message"),
    [
        ("expire", 410, "abgelaufen"),
        ("revoke", 410, "zurückgezogen"),
        ("forge", 404, "kennen wir nicht"),
        ("resend", 404, "kennen wir nicht"),
    ],
)
def test_bad_links_show_a_clear_page_and_create_nothing(
    client, cast, mailoutbox, django_capture_on_commit_callbacks, spoil, status, message
):
    _invite(cast, client, django_capture_on_commit_callbacks)
    link = _link_from(mailoutbox[0])
    invitation = Invitation.objects.get()
    if spoil == "expire":
        invitation.expires_at = timezone.now() - timedelta(seconds=1)
        invitation.save()
    elif spoil == "revoke":
        services.revoke_invitation(invitation=invitation, actor=cast.user("coach"))
    elif spoil == "forge":
        link = link[:-5] + "XXXX/"
    elif spoil == "resend":
        services.resend_invitation(invitation=invitation, actor=cast.user("coach"))

    for response in (client.get(link), _signup(client, link)):
        assert response.status_code == status
        assert message in response.content.decode()
    assert not User.objects.filter(email="neu@example.org").exists()
    assert not Membership.objects.filter(user__email="neu@example.org").exists()


def test_link_expires_after_seven_days(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(cast, client, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)


def test_signed_in_with_a_different_email_is_refused(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(cast, client, django_capture_on_commit_callbacks)
    link = _link_from(mailoutbox[0])
    client.force_login(cast.user("outsider"))
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        assert "andere E-Mail-Adresse" in response.content.decode()
    assert not Membership.objects.filter(
        user=cast.user("outsider"), consortium=cast.consortium
    ).exists()
    assert Invitation.objects.get().accepted_at is None


def test_existing_account_joins_after_login(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    outsider = cast.user("outsider")
    _invite(cast, client, django_capture_on_commit_callbacks, email=outsider.email)
    link = _link_from(mailoutbox[0])

    anonymous = client.get(link)
    assert anonymous.status_code == 200
    assert "bereits ein Konto" in anonymous.content.decode()
    assert User.objects.filter(email=outsider.email).count() == 1

    client.force_login(outsider)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.filter(user=outsider, consortium=cast.consortium).exists()


def test_inviters_see_pending_invitations_only_of_their_consortium(
    client, cast, django_capture_on_commit_callbacks
):
    _invite(cast, client, django_capture_on_commit_callbacks, email="offen@example.org")
    other_coach = UserFactory()
    MembershipFactory(user=other_coach, consortium=cast.other_consortium, role=Role.COACH)
    enable_mfa(other_coach)
    _invite_directly(
        cast,
        consortium=cast.other_consortium,
        inviter=other_coach,
        email="fremd@example.org",
        town=cast.other_consortium.towns.first(),
    )
    client.force_login(cast.user("coach"))
    page = client.get(reverse("forum:invitations", kwargs={"slug": cast.consortium.slug}))
    content = page.content.decode()
    assert "offen@example.org" in content
    assert "fremd@example.org" not in content


def test_invitation_form_errors_keep_input(client, cast, django_capture_on_commit_callbacks):
    response = _invite(cast, client, django_capture_on_commit_callbacks, email="kaputt", town="")
    assert response.status_code == 400
    assert 'value="kaputt"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_member_role_needs_a_town(client, cast, django_capture_on_commit_callbacks):
    response = _invite(cast, client, django_capture_on_commit_callbacks, town="")
    assert response.status_code == 400
    assert "Kleinstadt der eingeladenen Person" in response.content.decode()
    assert not Invitation.objects.exists()


def test_duplicate_pending_invitation_is_refused(client, cast, django_capture_on_commit_callbacks):
    _invite(cast, client, django_capture_on_commit_callbacks)
    response = _invite(cast, client, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "offene Einladung" in response.content.decode()
    assert Invitation.objects.count() == 1


def _invite_directly(cast, **overrides):
    arguments = {
        "consortium": cast.consortium,
        "inviter": cast.user("coach"),
        "email": "x@example.org",
        "role": Role.MEMBER,
        "town": cast.consortium.towns.first(),
        **overrides,
    }
    return services.invite_member(**arguments)


def test_existing_member_cannot_be_invited_again(cast):
    with pytest.raises(ValidationError):
        _invite_directly(cast, email=cast.user("member").email.upper())


def test_coach_cannot_grant_core_team(cast):
    with pytest.raises(ValidationError):
        _invite_directly(cast, role=Role.CORE_TEAM, town=None)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", ["member", "outsider", "editor"])
def test_service_refuses_non_managers(cast, role):
    with pytest.raises(PermissionDenied):
        _invite_directly(cast, inviter=cast.user(role))
    assert not Invitation.objects.exists()


def test_town_must_belong_to_consortium(cast):
    with pytest.raises(ValidationError):
        _invite_directly(cast, town=cast.other_consortium.lead_town)


def test_only_the_token_hash_is_stored(cast):
    issued = _invite_directly(cast)
    assert issued.token not in issued.invitation.token_hash
    assert not Invitation.objects.filter(token_hash=issued.token).exists()


def test_open_signup_is_closed(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "frei@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not User.objects.filter(email="frei@example.org").exists()
    assert "geschlossen" in response.content.decode().lower()
