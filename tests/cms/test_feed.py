"""The Atom feed carries every field as plain text: markup typed into a case page, a consortium
or a town name reaches feed readers as the characters typed, never as elements or live HTML."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from cms.models import Visibility
from tests.helpers.cases import add_case_page

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;]]>'


@pytest.fixture
def hostile_case(cast, case_site):
    cast.consortium.name = f"Verbund {HOSTILE}"
    cast.consortium.save(update_fields=["name"])
    town = cast.user("member").profile.town
    town.name = f"Stadt {HOSTILE}"
    town.save(update_fields=["name"])
    return add_case_page(
        case_site.consortium_page,
        town=town,
        title=f"Labor {HOSTILE}",
        slug="labor-mit-markup",
        visibility=Visibility.PUBLIC,
        summary=f"Kurz {HOSTILE}\x0bund\x1fweiter",
    )


def _feed(client) -> ET.Element:
    response = client.get(reverse("cms:case_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def _entry(feed: ET.Element, link_part: str) -> ET.Element:
    for entry in feed.iter(f"{ATOM}entry"):
        if link_part in entry.find(f"{ATOM}link").get("href"):
            return entry
    raise AssertionError(f"no entry for {link_part}")


def test_every_text_element_of_the_feed_is_plain_text(client, hostile_case):
    feed = _feed(client)
    for element in feed.iter():
        # Only Atom elements, none injected from a field; text constructs are never (x)html.
        assert element.tag.startswith(ATOM), element.tag
        assert element.get("type") in (None, "text"), element.tag
        containers = (f"{ATOM}feed", f"{ATOM}entry", f"{ATOM}author")
        assert list(element) == [] or element.tag in containers


def test_hostile_fields_arrive_as_the_characters_typed(client, hostile_case):
    entry = _entry(_feed(client), "labor-mit-markup")
    assert entry.find(f"{ATOM}title").text == f"Labor {HOSTILE}"
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    # Characters XML 1.0 cannot carry are dropped instead of failing the whole feed.
    assert summary.text == f"Kurz {HOSTILE}undweiter"
    terms = {category.get("term") for category in entry.iter(f"{ATOM}category")}
    assert f"Verbund {HOSTILE}" in terms
    assert f"Stadt {HOSTILE}" in terms
    assert entry.find(f"{ATOM}link").get("href").endswith("/labor-mit-markup/")
    assert entry.find(f"{ATOM}author") is None


def test_feed_level_fields_are_plain_text(client, hostile_case):
    feed = _feed(client)
    assert feed.find(f"{ATOM}title").text == "Kleinstadtakademie – Fallstudien"
    assert feed.find(f"{ATOM}subtitle").get("type") is None
    for link in feed.findall(f"{ATOM}link"):
        assert link.get("href").startswith(("/", "http://"))
