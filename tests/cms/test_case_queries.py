"""Query budget: the case index costs the same with 5 and with 100 case pages."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms import services
from cms.models import CaseIndexPage, LabCasePage, Outcome, Visibility
from forum.models import Challenge, Format
from tests.helpers.cast import client_for


def _add_cases(parent, town, count, start=0):
    for number in range(start, start + count):
        parent.add_child(
            instance=LabCasePage(
                title=f"Labor {number}",
                slug=f"labor-{number}",
                town=town,
                consortium_id=parent.consortium_id,
                visibility=Visibility.PUBLIC if number % 2 else Visibility.INTERNAL,
                formats=list(Format.objects.filter(slug__in=["pop-up-space", "befragung"])),
                challenges=list(Challenge.objects.filter(slug="co-working")),
                outcome=Outcome.FAILED if number % 3 else Outcome.SUCCESS,
                period_start=date(2022, 1, 1),
                summary="Kurzfassung",
                goals="<p>Ziele</p>",
            )
        )


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("role", ["anonymous", "member", "editor"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"format": "pop-up-space", "groesse": "mittel"},
        {"handlungsfeld": "co-working", "format": "befragung", "ergebnis": "failed"},
    ],
)
def test_case_index_queries_do_not_grow_with_pages(client, cast, home_page, role, params):
    consortium_page = services.create_consortium_page(consortium=cast.consortium, parent=home_page)
    index = home_page.add_child(instance=CaseIndexPage(title="Fallstudien", slug="fallstudien"))
    town = cast.consortium.towns.first()
    town.population = 15_000
    town.save()
    client = client_for(client, cast.user(role))
    _add_cases(consortium_page, town, 5)
    client.get(index.url)  # warm Wagtail's site root cache like any running server
    few, response = _count(client, index.url, params)
    assert "Labor 1" in response.content.decode()
    _add_cases(consortium_page, town, 95, start=5)
    client.get(index.url)  # menu and footer links are built again once after pages changed
    many, response = _count(client, index.url, params)
    assert "Seite 1 von" in response.content.decode()
    assert few == many, (few, many)
