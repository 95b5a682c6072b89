"""Exports of a survey's responses: who may download them, one row per response, hidden text
left out, formula injection neutralised, and a query count independent of the responses."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cms.surveys.models import Answer, ResultsRelease
from tests.helpers.cast import ROLES, client_for
from tests.helpers.surveys import add_responses, make_survey

pytestmark = pytest.mark.django_db

SEES_ALL = {"member", "coach", "core_team", "admin"}


def download(client, survey, kind):
    response = client.get(reverse(f"cms:survey_export_{kind}", kwargs={"pk": survey.pk}))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_only_for_the_consortium(client, cast, role, kind):
    for release in ResultsRelease.values:
        survey = make_survey(cast.consortium, release=release).survey
        response, _content = download(client_for(client, cast.user(role)), survey, kind)
        if role == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == (200 if role in SEES_ALL else 404), (role, release)


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_has_one_row_per_response_and_german_headers(client, cast):
    built = make_survey(cast.consortium)
    add_responses(built, 4)
    Answer.objects.filter(question=built.wish, text="Mehr Busse, Nummer 1").update(
        hidden_at="2026-01-01T00:00Z"
    )
    client.force_login(cast.user("member"))
    response, content = download(client, built.survey, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(content)
    assert rows[0][:3] == ["Antwortbogen", "Eingegangen am", "Pendeln Sie zur Arbeit?"]
    assert "Womit pendeln Sie?: Auto" in rows[0]
    assert "Womit pendeln Sie?: Sonstiges" in rows[0]
    assert len(rows) == 5
    header = rows[0]
    first, second = dict(zip(header, rows[1], strict=True)), dict(zip(header, rows[2], strict=True))
    assert first["Pendeln Sie zur Arbeit?"] == "Ja"
    assert first["Womit pendeln Sie?: Auto"] == "1"
    assert first["Womit pendeln Sie?: Rad"] == "0"
    assert second["Womit pendeln Sie?: Auto"] == ""  # not asked: empty, not 0
    assert first["Wie weit (km)?"] == "12"
    assert second["Ihr Wunsch an die Stadt"] == ""  # hidden
    assert first["Ihr Wunsch an die Stadt"] == "Mehr Busse, Nummer 0"


def test_formula_injection_is_neutralised_in_csv_and_xlsx(client, cast):
    built = make_survey(cast.consortium)
    add_responses(built, 1)
    evil = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
    Answer.objects.filter(question=built.wish).update(text=evil[0])
    for text in evil[1:]:
        add_responses(built, 1)
        Answer.objects.filter(question=built.wish, text__startswith="Mehr Busse").update(text=text)
    client.force_login(cast.user("member"))
    _response, content = download(client, built.survey, "csv")
    rows = read_csv(content)
    column = rows[0].index("Ihr Wunsch an die Stadt")
    assert [row[column] for row in rows[1:]] == ["'" + text for text in evil]
    _response, content = download(client, built.survey, "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    values = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[:5] == ["'" + text for text in evil[:5]]
    assert values[5].startswith("'")  # the XML keeps a carriage return as a line feed
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_control_characters_in_answers_and_questions_do_not_break_the_xlsx(client, cast):
    """Forms and services let C0 control characters through (only NUL and direction controls
    are refused); a worksheet may not hold them, so the export leaves them out."""
    built = make_survey(cast.consortium)
    add_responses(built, 1)
    Answer.objects.filter(question=built.wish).update(text="Hallo\x01Welt\x1b")
    built.wish.text = "Ihr\x07 Wunsch"
    built.wish.save(update_fields=["text"])
    client.force_login(cast.user("member"))
    response, content = download(client, built.survey, "xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    column = rows[0].index("Ihr Wunsch")
    assert rows[1][column] == "HalloWelt"


def test_xlsx_has_numbers_as_numbers(client, cast):
    built = make_survey(cast.consortium)
    add_responses(built, 2)
    client.force_login(cast.user("member"))
    _response, content = download(client, built.survey, "xlsx")
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert dict(zip(header, rows[1], strict=True))["Wie weit (km)?"] == 12
    assert len(rows) == 3


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_responses(client, cast, kind):
    small, large = make_survey(cast.consortium), make_survey(cast.consortium, title="Groß")
    add_responses(small, 5)
    add_responses(large, 200)
    client.force_login(cast.user("member"))
    download(client, small.survey, kind)
    counts = []
    for built in (small, large):
        with CaptureQueriesContext(connection) as captured:
            response, _content = download(client, built.survey, kind)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_response_without_answers_still_has_its_row(client, cast):
    from cms.surveys.models import Response

    built = make_survey(cast.consortium)
    add_responses(built, 1)
    Response.objects.create(survey=built.survey)
    client.force_login(cast.user("member"))
    _response, content = download(client, built.survey, "csv")
    rows = read_csv(content)
    assert len(rows) == 3
    assert rows[2][0] == "2" and set(rows[2][2:]) == {""}
