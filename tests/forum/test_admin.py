"""The community model in the Wagtail admin: editors keep public data, admins also memberships."""

import pytest

from tests.helpers.cast import ROLES, client_for

TOWN_LIST = "/admin/snippets/forum/town/"
MEMBERSHIP_LIST = "/admin/snippets/forum/membership/"
CONSORTIUM_LIST = "/admin/snippets/forum/consortium/"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        (TOWN_LIST, {"editor", "admin"}),
        (CONSORTIUM_LIST, {"editor", "admin"}),
        (MEMBERSHIP_LIST, {"admin"}),
    ],
)
def test_admin_snippet_matrix(client, cast, home_page, role, url, allowed):
    response = client_for(client, cast.user(role)).get(url)
    if role in allowed:
        assert response.status_code == 200
        if url == CONSORTIUM_LIST:
            assert cast.consortium.name in response.content.decode()
    else:
        assert response.status_code in (302, 403)
        assert cast.consortium.name not in response.content.decode()


def test_consortium_created_in_the_admin_gets_its_closed_space(client, cast, home_page):
    from forum.models import Space, Town

    town = Town.objects.first()
    client.force_login(cast.user("admin"))
    response = client.post(
        "/admin/snippets/forum/consortium/add/",
        {
            "name": "Neuer Verbund",
            "slug": "neuer-verbund",
            "theme": "Mobilität",
            "lead_town": town.pk,
            "towns": [town.pk],
            "start": "2026-01-01",
            "end": "2027-12-31",
            "description": "",
            "phases-TOTAL_FORMS": "0",
            "phases-INITIAL_FORMS": "0",
            "phases-MIN_NUM_FORMS": "0",
            "phases-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    space = Space.objects.get(consortium__slug="neuer-verbund")
    assert space.name == "Neuer Verbund"
