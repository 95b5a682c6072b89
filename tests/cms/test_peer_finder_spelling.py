"""Spelling variants: hyphens, umlauts and their "ae/oe/ue" spelling, inflection, and (on
PostgreSQL, by trigram similarity) misspelt names."""

import pytest
from django.db import connection

from tests.helpers.peer_finder import build_finder_world, search

pytestmark = [pytest.mark.shared_world("forum", "case_site"), pytest.mark.django_db]

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL trigram similarity only"
)


@pytest.fixture(scope="module")
def world(shared_world, django_db_blocker):
    from tests.helpers.cases import add_case_page

    with django_db_blocker.unblock():
        world = build_finder_world(shared_world.cast, shared_world.forum, shared_world.case_site)
        add_case_page(
            shared_world.case_site.consortium_page,
            town=world.moelln,
            title="Themenwoche in Mölln",
            visibility="public",
            summary="Eine Woche mit Co-Working-Tagen im Stadthaus.",
        )
        return world


def _titles(cast, text):
    results, _counts = search(cast.user("anonymous"), text)
    return [result.entry.title for result in results]


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Coworking", "Themenwoche in Mölln"),
        ("Co-Working", "Themenwoche in Mölln"),
        ("Moelln", "Themenwoche in Mölln"),
        ("Mölln", "Themenwoche in Mölln"),
        ("MÖLLN", "Themenwoche in Mölln"),
        ("Befragungen", "Sommer der Befragung in Wittenberge"),
        ("Themenwochen", "Themenwoche in Mölln"),
        ("Pop-up Büro", "Offenes Pop-up-Büro"),
        ("Buero", "Offenes Pop-up-Büro"),
    ],
)
def test_spelling_variants_match(cast, world, question, title):
    assert title in _titles(cast, question)


@on_postgresql
@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Witenberge", "Sommer der Befragung in Wittenberge"),
        ("Themenwohe", "Themenwoche in Mölln"),
    ],
)
def test_misspelt_names_match_by_trigram(cast, world, question, title):
    results, _counts = search(cast.user("anonymous"), question)
    match = next(result for result in results if result.entry.title == title)
    assert any(reason.startswith("ähnlich geschrieben") for reason in match.reasons)
