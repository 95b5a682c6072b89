"""Account self-service: profile, password reset, email change with re-verification, MFA."""

import re
import time

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from config.settings import base as base_settings
from tests.factories import PASSWORD, UserFactory, enable_mfa


def test_profile_edit_saves_and_shows(client, cast):
    member = cast.user("member")
    client.force_login(member)
    response = client.post(
        reverse("forum:profile_edit"),
        {"display_name": "Anna B.", "function": "Stadtmarketing", "bio": "Co-Working-Fan"},
    )
    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert (member.profile.display_name, member.profile.function) == ("Anna B.", "Stadtmarketing")
    page = client.get(reverse("forum:profile", kwargs={"user_id": member.pk}))
    assert "Co-Working-Fan" in page.content.decode()


def test_profile_edit_rejects_empty_name_and_keeps_input(client, cast):
    member = cast.user("member")
    before = member.profile.display_name
    client.force_login(member)
    response = client.post(
        reverse("forum:profile_edit"),
        {"display_name": "", "function": "Stadtmarketing", "bio": "bleibt erhalten"},
    )
    assert response.status_code == 400
    assert "bleibt erhalten" in response.content.decode()
    member.profile.refresh_from_db()
    assert member.profile.display_name == before


def test_profile_edit_needs_login(client, db):
    response = client.get(reverse("forum:profile_edit"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_password_reset_sends_a_link(client, db, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert re.search(r"/konto/password/reset/key/\S+", mailoutbox[0].body)


def test_email_change_needs_verification(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "neu@example.org"}
        )
    assert response.status_code == 302
    new_address = EmailAddress.objects.get(email="neu@example.org")
    assert not new_address.verified
    assert any("neu@example.org" in mail.to for mail in mailoutbox)
    user.refresh_from_db()
    assert user.email != "neu@example.org"


def test_totp_setup_asks_for_the_password_again_then_shows_the_secret(client, db):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("mfa_index")).status_code == 200
    first = client.get(reverse("mfa_activate_totp"))
    assert first.status_code == 302
    assert first.url.startswith(reverse("account_reauthenticate"))
    confirmed = client.post(first.url, {"password": PASSWORD})
    assert confirmed.status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Zum Inhalt springen" in content
    assert 'name="code"' in content


def test_login_with_mfa_asks_for_the_second_factor(client, db):
    user = UserFactory()
    enable_mfa(user)
    assert Authenticator.objects.filter(user=user).exists()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def _sign_in_with_second_factor(client, user, secret: str) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()


@override_settings(ACCOUNT_RATE_LIMITS=base_settings.ACCOUNT_RATE_LIMITS)
def test_completed_second_factor_does_not_reset_the_network_failure_count(client, db):
    """Password spraying from one network: failed attempts against different accounts, and
    in between a completed two-factor login of an account the attacker owns."""
    cache.clear()
    attacker = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(attacker, secret)
    targets = [UserFactory() for _ in range(6)]
    for target in targets[:4]:
        client.post(reverse("account_login"), {"login": target.email, "password": "falsch-123"})
    _sign_in_with_second_factor(client, attacker, secret)
    client.post(reverse("account_login"), {"login": targets[4].email, "password": "falsch-123"})
    blocked = client.post(
        reverse("account_login"), {"login": targets[5].email, "password": PASSWORD}
    )
    assert "Zu viele gescheiterte Anmeldeversuche" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS=base_settings.ACCOUNT_RATE_LIMITS)
def test_a_successful_password_login_does_not_count_as_a_failure(client, db):
    cache.clear()
    user = UserFactory()
    for _ in range(4):
        client.post(reverse("account_login"), {"login": user.email, "password": "falsch-123"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
