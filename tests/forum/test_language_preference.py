"""One language preference: the site's switch stores it for signed-in people (Wagtail's
UserProfile.preferred_language), every email reads it, and signing in restores it."""

from django.conf import settings
from django.urls import reverse
from wagtail.users.models import UserProfile

from tests.factories import PASSWORD, UserFactory


def switch(client, language: str):
    return client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_the_language_switch_stores_the_preference_of_a_signed_in_person(client, db):
    user = UserFactory()
    client.force_login(user)
    response = switch(client, "en")
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert UserProfile.get_for_user(user).preferred_language == "en"
    switch(client, "de")
    assert UserProfile.get_for_user(user).preferred_language == "de"


def test_the_language_switch_signed_out_sets_only_the_cookie(client, db):
    response = switch(client, "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not UserProfile.objects.exists()


def test_an_unknown_language_is_not_stored(client, db):
    user = UserFactory()
    client.force_login(user)
    switch(client, "fr")
    assert UserProfile.get_for_user(user).preferred_language == ""


def test_account_emails_follow_the_stored_language_not_the_request(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    # The request is German (the site's default); the reader chose English.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    [email] = mailoutbox
    assert "Password Reset" in email.subject
    assert "Passwort" not in email.body


def test_account_emails_of_a_person_who_chose_german_stay_german_from_an_english_page(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "de"
    profile.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    [email] = mailoutbox
    assert "Passwort" in email.subject


def test_signing_in_restores_the_stored_language(client, db):
    user = UserFactory()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Sign out" in client.get("/").content.decode()


def test_an_invitation_to_a_person_with_an_account_is_in_their_language(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    outsider = cast.user("outsider")
    profile = UserProfile.get_for_user(outsider)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(cast.user("coach"))
    data = {"email": outsider.email, "role": "member", "town": cast.consortium.towns.first().pk}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("forum:invitations", kwargs={"slug": cast.consortium.slug}), data)
    [email] = mailoutbox
    assert "Einladung" not in email.subject
