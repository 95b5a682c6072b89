"""The community model in the Wagtail admin: editors keep public data, admins also memberships."""

import pytest

from tests.conftest import ROLES, client_for

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
