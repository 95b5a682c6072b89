"""Site search (/suche/): spelling variants, grouped forum hits with plain snippets (issue 16)."""

import pytest
from django.urls import reverse

from forum import services as forum_services
from tests.helpers.cast import client_for


@pytest.mark.parametrize("query", ["Popup-Büro", "Popupbuero", "Arbeitsplaetze", "Pop-up"])
def test_site_search_finds_spelling_variants_of_case_pages(client, cast, case_site, query):
    """The public case "Offenes Pop-up-Büro" says "Arbeitsplätze" in its summary."""
    content = client.get(reverse("cms:search"), {"q": query}).content.decode()
    assert case_site.public_case.title in content


def test_site_search_groups_forum_hits_per_topic_with_plain_snippets(client, cast, forum):
    author = cast.user("member")
    for body in ("**Quellwasser** im [Bericht](/forum/x/)", "> > — Quellwasser", "Quellwasser"):
        forum_services.post_reply(topic=forum.academy_topic, author=author, body=body)
    content = (
        client_for(client, author).get(reverse("cms:search"), {"q": "Quellwasser"}).content.decode()
    )
    assert content.count(f">{forum.academy_topic.title}</a>") == 1
    assert "2 weitere Treffer" in content
    assert f"thema={forum.academy_topic.pk}" in content
    assert "**" not in content and "](/forum" not in content and "&gt; &gt;" not in content
    assert "<mark>Quellwasser</mark>" in content
