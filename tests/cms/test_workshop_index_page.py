"""The menu's "Transferwerkstätten" (the public overview page): no dead end. Members find their
consortia's workshops there, linking to the page with the registration; a public announcement
links to the workshop where the visitor may open it, and says who may take part where not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import WorkshopIndexPage
from tests.helpers.cast import ROLES, client_for
from tests.helpers.workshops import plan_workshop

MAY_OPEN = {"member", "coach", "core_team", "admin"}


@pytest.fixture
def workshop_index(home_page):
    index = home_page.add_child(
        instance=WorkshopIndexPage(title="Transferwerkstätten", slug="werkstaetten")
    )
    index.save_revision().publish()
    return index


def test_menu_workshops_page_gives_members_their_consortium_workshops_to_register(
    client, cast, workshop_index
):
    internal = plan_workshop(cast, title="Werkstatt nur im Verbund")
    content = client_for(client, cast.user("member")).get(workshop_index.url).content.decode()
    assert "Transferwerkstätten Ihres Verbunds" in content
    assert f'href="{internal.get_absolute_url()}"' in content
    assert reverse("workshops:list", kwargs={"slug": cast.consortium.slug}) in content
    assert 'href="#angekuendigt"' in content


@pytest.mark.parametrize("role", ROLES)
def test_public_announcement_links_to_the_workshop_where_the_visitor_may_see_it(
    client, cast, workshop_index, role
):
    announced = plan_workshop(cast, title="Offene Werkstatt Ortskern", announce_publicly=True)
    response = client_for(client, cast.user(role)).get(workshop_index.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Offene Werkstatt Ortskern" in content
    assert (f'href="{announced.get_absolute_url()}"' in content) is (role in MAY_OPEN)
    assert ("Die Teilnahme ist Mitgliedern des Verbunds vorbehalten." in content) is (
        role not in MAY_OPEN
    )
    # Members of any consortium (and admins) get their own section; the rest only the public list.
    has_own = role in MAY_OPEN | {"outsider"}
    assert ("Transferwerkstätten Ihres Verbunds" in content) is has_own
    if role == "outsider":
        assert "Zurzeit ist in Ihrem Verbund keine Transferwerkstatt geplant." in content


def test_workshops_page_query_count_for_members_does_not_grow_with_workshops(
    client, cast, workshop_index
):
    client = client_for(client, cast.user("member"))

    def count_queries():
        client.get(workshop_index.url)  # warm caches (site, locale)
        with CaptureQueriesContext(connection) as queries:
            client.get(workshop_index.url)
        return len(queries)

    plan_workshop(cast, title="Werkstatt 0", announce_publicly=True)
    with_one = count_queries()
    for i in range(1, 6):
        plan_workshop(cast, title=f"Werkstatt {i}", announce_publicly=i % 2 == 0)
    assert count_queries() == with_one


def test_consortium_workshop_list_links_to_the_public_overview(client, cast, workshop_index):
    url = reverse("workshops:list", kwargs={"slug": cast.consortium.slug})
    content = client_for(client, cast.user("member")).get(url).content.decode()
    assert f'href="{workshop_index.url}#angekuendigt"' in content
