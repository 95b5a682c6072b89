"""What the discussion section of a case page tells each viewer: sign in only to those who
are not signed in; to the signed-in who may not join, why not and where they can take part."""

import pytest

from tests.factories import UserFactory
from tests.helpers.cast import client_for

SIGN_IN = "Anmelden und mitdiskutieren"


def test_signed_in_editor_on_internal_case_page_is_not_asked_to_sign_in(client, cast, case_site):
    client.force_login(cast.user("editor"))
    html = client.get(case_site.internal_case.url).content.decode()
    assert SIGN_IN not in html
    assert "nur für sie sichtbar" in html
    assert cast.consortium.name in html
    assert 'href="/forum/"' in html


@pytest.mark.parametrize("role", ["member", "coach", "core_team", "admin"])
def test_readers_of_the_consortium_space_get_the_discussion_of_an_internal_case_page(
    client, cast, case_site, role
):
    client_for(client, cast.user(role))
    html = client.get(case_site.internal_case.url).content.decode()
    assert SIGN_IN not in html
    assert "Mitdiskutieren" in html or "Zur Diskussion" in html


def test_anonymous_visitor_of_a_public_case_page_is_asked_to_sign_in(client, case_site):
    html = client.get(case_site.public_case.url).content.decode()
    assert SIGN_IN in html


def test_signed_in_person_without_consortium_is_told_who_may_discuss_not_asked_to_sign_in(
    client, case_site
):
    client.force_login(UserFactory())
    html = client.get(case_site.public_case.url).content.decode()
    assert SIGN_IN not in html
    assert "Mitdiskutieren kann, wer zu einem Verbund gehört." in html
