"""Forms that collect personal data say what it is used for and link the privacy statement,
found by its page type; without one, the sentence stands without a link."""

import re

import pytest
from django.urls import reverse

from forum.models import Role
from tests.helpers.cast import client_for
from tests.helpers.legal import privacy
from tests.helpers.workshops import make_workshop

WORKSHOP_NOTE = "erhalten die gastgebende Kleinstadt und das Team, das die Werkstatt vorbereitet"
SIGNUP_NOTE = "Ihre E-Mail-Adresse brauchen wir für die Anmeldung und für Benachrichtigungen."
PRIVACY_LINK = '<a href="/datenschutz-und-mehr/">Mehr dazu in der Datenschutzerklärung</a>'


@pytest.fixture
def privacy_page(home_page):
    # A slug of its own: the link is found by page type, not by a fixed address.
    return home_page.add_child(instance=privacy(slug="datenschutz-und-mehr"))


def _signup_page(client, cast, mailoutbox, captured) -> str:
    client.force_login(cast.user("coach"))
    url = reverse("forum:invitations", kwargs={"slug": cast.consortium.slug})
    data = {
        "email": "neu@example.org",
        "role": Role.MEMBER,
        "town": cast.consortium.towns.first().pk,
    }
    with captured(execute=True):
        client.post(url, data)
    client.logout()
    token = re.search(r"/einladung/(\S+)/", mailoutbox[0].body).group(1)
    response = client.get(reverse("forum:invitation_accept", kwargs={"token": token}))
    assert response.status_code == 200
    return response.content.decode()


def _form_of(content: str, action: str) -> str:
    return next(form for form in content.split("<form")[1:] if action in form.split(">")[0])


def test_signup_says_what_the_data_is_for_and_links_the_privacy_statement(
    client, cast, privacy_page, mailoutbox, django_capture_on_commit_callbacks
):
    content = _signup_page(client, cast, mailoutbox, django_capture_on_commit_callbacks)
    assert SIGNUP_NOTE in content
    assert PRIVACY_LINK in content


def test_signup_note_stands_without_a_link_while_there_is_no_privacy_statement(
    client, cast, home_page, mailoutbox, django_capture_on_commit_callbacks
):
    content = _signup_page(client, cast, mailoutbox, django_capture_on_commit_callbacks)
    assert SIGNUP_NOTE in content
    assert "Mehr dazu in der Datenschutzerklärung" not in content


def test_workshop_registration_says_who_gets_the_details(client, cast, privacy_page):
    workshop = make_workshop(cast)
    content = client_for(client, cast.user("member")).get(workshop.get_absolute_url())
    register = reverse(
        "workshops:register", kwargs={"slug": workshop.consortium.slug, "pk": workshop.pk}
    )
    form = _form_of(content.content.decode(), register)
    assert WORKSHOP_NOTE in form
    assert PRIVACY_LINK in form


def test_workshop_note_without_privacy_statement_has_no_link(client, cast, home_page):
    workshop = make_workshop(cast)
    content = client_for(client, cast.user("member")).get(workshop.get_absolute_url())
    main = content.content.decode()
    assert WORKSHOP_NOTE in main
    assert "Mehr dazu in der Datenschutzerklärung" not in main


def test_unpublished_privacy_statement_is_not_linked(client, cast, privacy_page):
    privacy_page.unpublish()
    workshop = make_workshop(cast)
    main = client_for(client, cast.user("member")).get(workshop.get_absolute_url())
    assert "Mehr dazu in der Datenschutzerklärung" not in main.content.decode()


def test_barrier_form_links_the_privacy_statement(client, privacy_page):
    assert PRIVACY_LINK in client.get("/barriere-melden/").content.decode()
