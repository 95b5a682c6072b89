"""Forms with errors lead with one summary (templates/includes/error_summary.html): announced
(role="alert"), focusable and focused on arrival, each error linking to its field. The password
reset pages name a real contact instead of "kontaktieren Sie uns"."""

import re

from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory


def summary_of(html: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_failed_login_is_announced_in_a_focusable_error_summary(client, db):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "falsch"})
    html = response.content.decode()
    summary = summary_of(html)
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    assert "data-error-summary" in summary
    assert "falsch" in summary.lower() or "passwort" in summary.lower()
    assert "js/error-summary.js" in html
    # The summary comes before the fields.
    assert html.index("error-summary") < html.index('name="login"')


def test_form_errors_in_the_summary_link_to_their_fields(client, cast):
    client.force_login(cast.user("member"))
    response = client.post(
        reverse("forum:profile_edit"), {"display_name": "", "function": "x", "bio": ""}
    )
    summary = summary_of(response.content.decode())
    assert '<a href="#id_display_name">' in summary


def test_allauth_forms_use_the_shared_error_summary(client, cast):
    client.force_login(cast.user("member"))
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "falsch", "password1": "x", "password2": "y"},
    )
    summary = summary_of(response.content.decode())
    assert '<a href="#id_oldpassword">' in summary


def test_a_form_without_errors_has_no_summary(client, db):
    assert (
        "error-summary"
        not in client.get(reverse("account_login"))
        .content.decode()
        .split("<main", 1)[1]
        .split("</main>", 1)[0]
    )


def test_password_reset_page_names_a_real_contact(client, db):
    html = client.get(reverse("account_reset_password")).content.decode()
    assert f'href="mailto:{settings.SITE_CONTACT_EMAIL}"' in html
    assert "kontaktieren Sie uns" not in html


def test_password_reset_done_page_names_a_real_contact(client, db):
    html = client.get(reverse("account_reset_password_done")).content.decode()
    assert f'href="mailto:{settings.SITE_CONTACT_EMAIL}"' in html
    assert "kontaktieren Sie uns" not in html
