"""Ways from the site into the admin: "Fallstudie anlegen" where the reader may draft a case
page, "Diese Seite bearbeiten" on pages the reader may edit (role matrix; the policy decides)."""

import pytest
from django.urls import reverse

from tests.helpers.cast import ROLES, client_for

ADD = "Fallstudie anlegen"
EDIT = "Diese Seite bearbeiten"

# Who may draft a case page under the cast's consortium page, and edit its internal case page.
DRAFTS = {"member", "coach", "core_team", "editor", "admin"}
EDITS_CASE = {"member", "coach", "core_team", "editor", "admin"}


def _html(client, cast, role, url):
    client_for(client, cast.user(role))
    response = client.get(url)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_consortium_page_offers_fallstudie_anlegen_to_those_who_may_draft_there(
    client, cast, case_site, role
):
    page = case_site.consortium_page
    _status, html = _html(client, cast, role, page.url)
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "labcasepage", page.pk])
    assert (add_url in html) is (role in DRAFTS)
    assert (ADD in html) is (role in DRAFTS)


@pytest.mark.parametrize("role", ROLES)
def test_other_consortium_page_offers_no_fallstudie_anlegen_to_outside_town_staff(
    client, cast, case_site, role
):
    _status, html = _html(client, cast, role, case_site.other_consortium_page.url)
    assert (ADD in html) is (role in {"outsider", "editor", "admin"})


@pytest.mark.parametrize("role", ROLES)
def test_case_page_offers_diese_seite_bearbeiten_to_those_who_may_edit_it(
    client, cast, case_site, role
):
    page = case_site.internal_case
    status, html = _html(client, cast, role, page.url)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    if status == 404:
        assert role in {"anonymous", "outsider"}
        return
    assert (edit_url in html) is (role in EDITS_CASE)
    assert (EDIT in html) is (role in EDITS_CASE)


@pytest.mark.parametrize("role", ROLES)
def test_case_index_offers_fallstudie_anlegen_for_the_readers_own_consortium(
    client, cast, case_site, role
):
    _status, html = _html(client, cast, role, case_site.case_index.url)
    own = reverse(
        "wagtailadmin_pages:add", args=["cms", "labcasepage", case_site.consortium_page.pk]
    )
    other = reverse(
        "wagtailadmin_pages:add",
        args=["cms", "labcasepage", case_site.other_consortium_page.pk],
    )
    assert (own in html) is (role in {"member", "coach", "core_team"})
    assert (other in html) is (role == "outsider")
