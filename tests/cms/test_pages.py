"""Site frame: home page, legal pages, error pages, allauth pages in our layout and language."""

import pytest
from django.test import override_settings
from django.urls import reverse

from cms.models import StandardPage
from tests.helpers.cast import ROLES, client_for


@pytest.fixture
def legal_pages(home_page):
    pages = []
    for title, slug in [("Impressum", "impressum"), ("Datenschutz", "datenschutz")]:
        page = home_page.add_child(
            instance=StandardPage(title=title, slug=slug, show_in_footer=True, body="<p>Text</p>")
        )
        pages.append(page)
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_home_page_renders_for_every_role(client, cast, home_page, legal_pages, role):
    response = client_for(client, cast.user(role)).get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="de">' in content
    assert 'href="#inhalt"' in content  # skip link
    assert "/impressum/" in content and "/datenschutz/" in content
    shows_consortium = role in {"member", "coach", "core_team", "admin"}
    assert (cast.consortium.name in content) is shows_consortium
    if role == "anonymous":
        assert "Anmelden" in content
    else:
        assert "Abmelden" in content


def test_legal_page_is_served(client, legal_pages):
    response = client.get("/impressum/")
    assert response.status_code == 200
    assert "<h1>Impressum</h1>" in response.content.decode()


def test_unpublished_legal_page_is_not_linked(client, home_page, legal_pages):
    legal_pages[0].unpublish()
    content = client.get("/").content.decode()
    assert "/impressum/" not in content
    assert "/datenschutz/" in content


def test_404_page_is_german(client, home_page):
    response = client.get("/gibt-es-wirklich-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_login_page_uses_our_layout_in_german(client, home_page):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Zum Inhalt springen" in content
    assert "Anmelden" in content
    assert "Passwort" in content


def test_wagtail_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin.url.startswith(reverse("account_login"))


def test_language_switch_to_english(client, home_page):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    content = client.get("/").content.decode()
    assert '<html lang="en">' in content
    assert "Skip to content" in content


def test_unverified_email_cannot_sign_in(client, db):
    from allauth.account.models import EmailAddress

    from tests.factories import PASSWORD, UserFactory

    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/ip"})
def test_failed_logins_are_rate_limited(client, db):
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory()
    for _ in range(3):
        client.post(reverse("account_login"), {"login": user.email, "password": "falsch"})
    blocked = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert blocked.status_code == 200
    assert "Zu viele gescheiterte Anmeldeversuche" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("handler", "status", "heading"),
    [
        ("server_error", 500, "Ein Fehler ist aufgetreten"),
        ("permission_denied", 403, "Kein Zugriff"),
    ],
)
def test_error_pages_are_german(rf, home_page, handler, status, heading):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.views import defaults

    request = rf.get("/")
    request.user = AnonymousUser()
    view = getattr(defaults, handler)
    response = view(request) if handler == "server_error" else view(request, PermissionDenied())
    assert response.status_code == status
    assert heading in response.content.decode()
