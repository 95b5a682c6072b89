"""The finder page asks the same number of queries with 5 and with 500 labs (and lessons)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import Visibility
from cms.peer_finder.entries import EntryKind, PeerFinderEntry
from forum.models import Challenge, Format, Space
from tests.factories import TownFactory
from tests.helpers.cast import client_for

URL = reverse("cms:peer_finder")


def _fill(cast, forum, count):
    """``count`` rows of each kind, written directly: the page reads only this table."""
    towns = [TownFactory(population=8_000 + i) for i in range(5)]
    survey = Format.objects.get(slug="befragung")
    vacancy = Challenge.objects.get(slug="leerstand")
    other = Space.objects.get(consortium=cast.other_consortium)
    rows = []
    for i in range(count):
        common = {
            "document": f"Befragung im Leerstand Nummer {i}",
            "challenge_keys": PeerFinderEntry.keys({vacancy.pk}),
            "format_keys": PeerFinderEntry.keys({survey.pk}),
        }
        rows.append(
            PeerFinderEntry(
                kind=EntryKind.CASE,
                title=f"Labor {i}",
                url=f"/labor-{i}/",
                town=towns[i % 5],
                consortium=cast.consortium if i % 2 else cast.other_consortium,
                visibility=Visibility.INTERNAL if i % 3 else Visibility.PUBLIC,
                outcome="failed",
                has_outcome_notes=True,
                **common,
            )
        )
        space = forum.academy if i % 2 else other
        rows.append(
            PeerFinderEntry(
                kind=EntryKind.LESSON,
                title=f"Erkenntnis {i}",
                space=space,
                consortium_id=space.consortium_id,
                visibility=Visibility.INTERNAL,
                **common,
            )
        )
    PeerFinderEntry.objects.bulk_create(rows)


def _queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "admin"])
def test_query_count_does_not_grow_with_labs(client, cast, forum, role):
    client = client_for(client, cast.user(role))
    params = {"frage": "Befragung Leerstand gescheitert", "handlungsfeld": "leerstand"}
    _fill(cast, forum, 5)
    client.get(URL, params)  # warm the per-process caches (navigation, content types)
    few, _response = _queries(client, params)
    _fill(cast, forum, 495)
    many, response = _queries(client, params)
    assert few == many
    assert len(response.context["results"]) == 20 or role == "anonymous"
