"""Agenda and venue form: unchanged rows stay, changed rows change, deleted rows go."""

import re

import pytest
from django.urls import reverse

from tests.helpers.browser_forms import unchanged_form_data
from tests.helpers.workshops import make_workshop
from workshops.models import AgendaItem, Workshop


def _form_data(workshop, rows, extra=2):
    data = {
        "ort-venue_name": workshop.venue_name,
        "ort-venue_address": workshop.venue_address,
        "ort-directions": "Vom Bahnhof zehn Minuten zu Fuß.",
        "programm-TOTAL_FORMS": str(len(rows) + extra),
        "programm-INITIAL_FORMS": str(len(rows)),
        "programm-MIN_NUM_FORMS": "0",
        "programm-MAX_NUM_FORMS": "40",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"programm-{index}-{key}"] = value
    return data


def _rows(workshop):
    return [
        {
            "day": item.day,
            "start": item.start.strftime("%H:%M"),
            "title": item.title,
            "kind": item.kind,
            "speaker": item.speaker,
            "description": item.description,
        }
        for item in workshop.agenda.all()
    ]


def test_saving_the_venue_keeps_the_unchanged_agenda(client, cast):
    workshop = make_workshop(cast)
    before = list(workshop.agenda.values_list("day", "start", "title"))
    assert len(before) == 7  # the 24-hour template
    client.force_login(cast.user("member"))  # host town staff
    url = reverse("workshops:agenda", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    response = client.post(url, _form_data(workshop, _rows(workshop)))
    assert response.status_code == 302
    assert list(workshop.agenda.values_list("day", "start", "title")) == before
    workshop.refresh_from_db()
    assert workshop.directions == "Vom Bahnhof zehn Minuten zu Fuß."


def test_agenda_rows_change_and_go(client, cast):
    workshop = make_workshop(cast)
    rows = _rows(workshop)
    rows[1]["speaker"] = "Bürgermeisterin"
    rows[-1]["DELETE"] = "on"
    client.force_login(cast.user("coach"))
    url = reverse("workshops:agenda", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    assert client.post(url, _form_data(workshop, rows)).status_code == 302
    items = list(AgendaItem.objects.filter(workshop=workshop))
    assert len(items) == 6
    assert items[1].speaker == "Bürgermeisterin"


def _saved_unchanged(client, url: str, containing: str):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, unchanged_form_data(page.content.decode(), containing))


def test_agenda_form_saves_unchanged_with_its_empty_extra_rows(client, cast):
    workshop = make_workshop(cast)
    before = _rows(workshop)
    client.force_login(cast.user("coach"))
    url = reverse("workshops:agenda", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    response = _saved_unchanged(client, url, "programm-TOTAL_FORMS")
    assert response.status_code == 302, response.content.decode()
    assert _rows(workshop) == before


def test_documentation_form_saves_unchanged_with_its_empty_extra_rows(client, cast):
    workshop = make_workshop(cast, status=Workshop.Status.HELD)
    client.force_login(cast.user("coach"))
    url = reverse("workshops:document", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    response = _saved_unchanged(client, url, "fahrplan-TOTAL_FORMS")
    assert response.status_code == 302, response.content.decode()
    assert not workshop.roadmap.exists()


def test_agenda_day_is_labelled_tag_in_german(client, cast):
    workshop = make_workshop(cast)
    client.force_login(cast.user("coach"))
    url = reverse("workshops:agenda", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert re.search(r"<label[^>]*>\s*Tag\b", html)
    assert "Schlagwort" not in html


@pytest.mark.parametrize(
    ("name", "status", "prefix", "most"),
    [
        ("workshops:agenda", Workshop.Status.OPEN, "programm", 40),
        ("workshops:document", Workshop.Status.HELD, "fahrplan", 50),
    ],
)
def test_a_huge_row_count_is_refused_without_building_a_thousand_rows(
    client, cast, name, status, prefix, most
):
    """A forged TOTAL_FORMS used to build and render about 1,040 rows (seconds per request)."""
    workshop = make_workshop(cast, status=status)
    client.force_login(cast.user("coach"))
    url = reverse(name, kwargs={"slug": cast.consortium.slug, "pk": workshop.pk})
    response = client.post(
        url, {f"{prefix}-TOTAL_FORMS": str(10**30), f"{prefix}-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    rows = set(re.findall(rf'name="{prefix}-(\d+)-', html))
    assert 0 < len(rows) <= most
    assert f"höchstens {most}" in html
