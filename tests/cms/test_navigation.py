"""Menu and footer links come from the cache (cms.navigation) and follow every change to the
pages they are made of: publish, unpublish, a new title, a move, a view restriction, a delete."""

import pytest
from wagtail.models import PageViewRestriction

from cms import navigation
from cms.models import StandardPage


def links(client) -> str:
    html = client.get("/").content.decode()
    header = html.split('class="account-nav"')[0]
    footer = html.split('class="site-footer"')[1]
    return header + "|" + footer


@pytest.fixture
def page(home_page):
    page = home_page.add_child(
        instance=StandardPage(
            title="Über die Akademie", slug="ueber", show_in_menus=True, show_in_footer=True
        )
    )
    page.save_revision().publish()
    return page


def test_published_changes_reach_the_menu_and_footer(client, home_page, page):
    assert links(client).count('href="/ueber/"') == 2
    page.title = "Über uns"
    page.save_revision().publish()
    assert "Über uns" in links(client)
    page.unpublish()
    assert "/ueber/" not in links(client)


def test_a_view_restriction_takes_a_page_out_at_once(client, home_page, page):
    links(client)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    assert "/ueber/" not in links(client)
    restriction.delete()
    assert "/ueber/" in links(client)


def test_moved_and_deleted_pages(client, home_page, page):
    other = home_page.add_child(instance=StandardPage(title="Bereich", slug="bereich"))
    other.save_revision().publish()
    links(client)
    page.move(other, pos="last-child")
    # No longer a child of the home page: out of the menu; in the footer at its new address.
    after_move = links(client)
    assert 'href="/ueber/"' not in after_move
    assert after_move.count('href="/bereich/ueber/"') == 1
    page.refresh_from_db()
    page.move(home_page, pos="last-child")
    assert 'href="/ueber/"' in links(client)
    page.delete()
    assert "/ueber/" not in links(client)


def test_the_links_are_built_once_for_every_page_and_visitor(
    client, admin_client, home_page, page, monkeypatch
):
    builds = []
    build = navigation._build
    monkeypatch.setattr(navigation, "_build", lambda *args: builds.append(1) or build(*args))
    for visitor in (client, admin_client, client):
        assert 'href="/ueber/"' in links(visitor)
    assert len(builds) == 1
