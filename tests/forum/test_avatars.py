"""Avatars in the Wagtail admin are the person's initials, drawn from a data: address: no
picture is asked of gravatar.com or any other host (issue 17)."""

from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url
from wagtail.users.models import UserProfile

from forum.wagtail_hooks import initials
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anna Berger", "AB"),
        ("Jürgen Groß-Weiß", "JG"),
        ("anna", "A"),
        ("Ana María de la Cruz", "AC"),
    ],
)
def test_initials_are_the_first_and_last_words_first_letters(name, expected):
    assert initials(name) == expected


def test_the_avatar_is_the_initials_as_an_inline_picture():
    user = UserFactory(first_name="Anna", last_name="Berger")
    url = avatar_url(user, size=25)
    assert url.startswith("data:image/svg+xml,")
    assert ">AB</text>" in unquote(url)
    assert 'width="25"' in unquote(url)


def test_a_name_with_markup_stays_text_in_the_picture():
    user = UserFactory(first_name="<b", last_name="Evil")
    assert "&lt;E</text>" in unquote(avatar_url(user))


def test_an_avatar_asks_nothing_beyond_wagtails_own_profile_row(django_assert_num_queries):
    user = UserFactory(first_name="Anna", last_name="Berger")
    UserProfile.get_for_user(user)
    user.refresh_from_db()
    # Listings draw one avatar per row: only the uploaded-picture lookup Wagtail makes anyway.
    with django_assert_num_queries(1):
        avatar_url(user)


def test_an_uploaded_picture_is_kept():
    user = UserFactory()
    profile = UserProfile.get_for_user(user)
    profile.avatar = SimpleUploadedFile("me.png", b"png", content_type="image/png")
    profile.save()
    assert avatar_url(user) == profile.avatar.url


@pytest.mark.parametrize("user", [None, 7], ids=["no person", "a user id"])
def test_rows_without_a_user_keep_wagtails_own_picture(user):
    assert "default-user-avatar" in avatar_url(user)


def test_the_dashboard_shows_initials_and_asks_no_other_host(client):
    admin = UserFactory(is_superuser=True, is_staff=True, profile__display_name="Peter Neumann")
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert "data:image/svg+xml," in html
    assert "gravatar" not in html
    assert "releases.wagtail.org" not in html
