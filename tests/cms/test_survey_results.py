"""The results page of a survey: who sees what (matrix), counts and shares, number statistics,
the filter, the response count per day, and a query count that does not grow with answers."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.surveys import results, selectors
from cms.surveys.models import Answer, ResultsRelease, SurveyStatus
from tests.helpers.cast import ROLES, client_for
from tests.helpers.surveys import add_responses, make_survey

pytestmark = pytest.mark.django_db

FULL = {"member", "coach", "core_team", "admin"}


def url(survey, **query):
    address = reverse("cms:survey_results", kwargs={"pk": survey.pk})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def expected_view(role, release, own):
    """ "all", "released" or None (404) for a role and a survey of the cast's consortium
    (``own``) or of the other one (where the outsider is a member and the others are not)."""
    members = FULL if own else {"outsider", "admin"}
    if role in members:
        return "all"
    if release != ResultsRelease.CONSORTIUM and role != "anonymous":
        return "released"
    return None


@pytest.fixture
def every_survey(cast):
    """A survey with answers for each consortium × status × release."""
    made = {}
    for own, status, release in itertools.product(
        [True, False], SurveyStatus.values, ResultsRelease.values
    ):
        built = make_survey(cast.consortium if own else cast.other_consortium, release=release)
        add_responses(built, 2)
        built.survey.status = status
        built.survey.save(update_fields=["status"])
        made[own, status, release] = built.survey
    return made


@pytest.mark.parametrize("role", ROLES)
def test_results_page_matrix(client, cast, every_survey, role):
    client_for(client, cast.user(role))
    for (own, status, release), survey in every_survey.items():
        response = client.get(url(survey))
        case = (role, own, status, release)
        if role == "anonymous":
            assert response.status_code == 302, case
            assert response["Location"].startswith(reverse("account_login")), case
            continue
        expected = expected_view(role, release, own)
        if expected is None:
            assert response.status_code == 404, case
            continue
        assert response.status_code == 200, case
        body = response.content.decode()
        assert "Pendeln Sie zur Arbeit?" in body, case
        if expected == "all":
            assert "Mehr Busse, Nummer" in body, case
            assert reverse("cms:survey_export_csv", kwargs={"pk": survey.pk}) in body, case
            assert (f'"survey:{survey.pk}"' in body) is (status == SurveyStatus.OPEN), case
        else:
            assert "Mehr Busse" not in body, case
            assert "Ihr Wunsch an die Stadt" not in body, case
            assert "export.csv" not in body, case
            assert f'"survey:{survey.pk}"' not in body, case


def test_counts_and_shares_are_of_those_who_answered(client, cast):
    built = make_survey(cast.consortium)
    add_responses(built, 10)  # 5 commute (by car and train), 5 do not
    questions = selectors.questions_of(built.survey)
    found = results.survey_results(built.survey, questions)
    by_question = {r.question.pk: r for r in found.questions}
    assert found.total == 10
    commute = by_question[built.commute.pk]
    assert commute.answered == 10
    assert [(r.label, r.count, r.share) for r in commute.rows] == [
        ("Ja", 5, 50.0),
        ("Nein", 5, 50.0),
    ]
    means = by_question[built.means.pk]
    assert means.answered == 5
    assert [(r.label, r.count, r.share) for r in means.rows] == [
        ("Auto", 5, 100.0),
        ("Bahn", 5, 100.0),
        ("Rad", 0, 0.0),
        ("Sonstiges", 0, 0.0),
    ]
    scale = by_question[built.satisfaction.pk]
    assert [(r.label, r.count) for r in scale.rows] == [
        ("1", 0),
        ("2", 0),
        ("3", 0),
        ("4", 10),
        ("5", 0),
    ]
    distance = by_question[built.distance.pk]  # 12 … 21
    assert distance.stats == {"n": "10", "mean": "16,5", "median": "16,5", "min": "12", "max": "21"}
    assert sum(r.count for r in distance.rows) == 10
    wish = by_question[built.wish.pk]
    assert wish.text_count == 10
    assert wish.texts[0].text == "Mehr Busse, Nummer 9"  # newest first


def test_median_of_grouped_values():
    from decimal import Decimal as D

    assert results.median([(D(1), 1), (D(5), 1), (D(9), 1)], 3) == 5
    assert results.median([(D(1), 2), (D(3), 2)], 4) == 2
    assert results.median([(D(7), 4)], 4) == 7


def test_filter_applies_to_every_count(client, cast):
    built = make_survey(cast.consortium)
    add_responses(built, 10)
    client.force_login(cast.user("member"))
    response = client.get(url(built.survey, filter=f"{built.commute.pk}:nein"))
    assert response.status_code == 200
    found = response.context["results"]
    assert found.total == 5
    assert response.context["total_all"] == 10
    by_question = {r.question.pk: r for r in found.questions}
    assert [(r.label, r.count) for r in by_question[built.commute.pk].rows] == [
        ("Ja", 0),
        ("Nein", 5),
    ]
    assert by_question[built.means.pk].answered == 0
    assert by_question[built.wish.pk].text_count == 5
    assert sum(n for _day, n in found.days) == 5


@pytest.mark.parametrize(
    "bad", ["999:ja", "abc", "{q}:unbekannt", "{wish}:x", ":", "{q}", "{q}:ja:nein"]
)
def test_unknown_filter_is_a_400_with_a_message(client, cast, bad):
    built = make_survey(cast.consortium)
    add_responses(built, 2)
    client.force_login(cast.user("member"))
    raw = bad.format(q=built.commute.pk, wish=built.wish.pk)
    response = client.get(url(built.survey, filter=raw))
    assert response.status_code == 400
    assert "Diesen Filter gibt es nicht" in response.content.decode()
    assert response.context["results"].total == 2


def test_days_are_counted_with_quiet_days_as_zero(cast):
    import datetime

    from cms.surveys.models import Response

    built = make_survey(cast.consortium)
    add_responses(built, 3)
    first, *rest = Response.objects.filter(survey=built.survey).order_by("pk")
    Response.objects.filter(pk=first.pk).update(submitted_on=datetime.date(2026, 3, 1))
    Response.objects.filter(pk__in=[r.pk for r in rest]).update(
        submitted_on=datetime.date(2026, 3, 3)
    )
    found = results.survey_results(built.survey, selectors.questions_of(built.survey))
    assert found.days == [
        (datetime.date(2026, 3, 1), 1),
        (datetime.date(2026, 3, 2), 0),
        (datetime.date(2026, 3, 3), 2),
    ]


def test_charts_are_accessible_svg_with_a_table(client, cast):
    built = make_survey(cast.consortium)
    add_responses(built, 6)
    client.force_login(cast.user("member"))
    body = client.get(url(built.survey)).content.decode()
    assert (
        f'aria-labelledby="chart-q{built.commute.pk}-title chart-q{built.commute.pk}-desc"' in body
    )
    assert 'role="img"' in body
    assert "<caption>Anteile an 6 Personen, die diese Frage beantwortet haben" in body
    assert "#0072B2" in body


def _queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_query_count_does_not_grow_with_answers(client, cast, role):
    small = make_survey(cast.consortium, release=ResultsRelease.ACADEMY)
    large = make_survey(cast.consortium, release=ResultsRelease.ACADEMY, title="Groß")
    add_responses(small, 5)
    add_responses(large, 200)
    for option in range(8):  # more options do not cost queries either
        large.means.options.create(key=f"extra-{option}", label=f"Extra {option}", position=9)
    client.force_login(cast.user(role))
    client.get(url(small.survey))  # warm caches of the session and the policy
    assert _queries(client, url(small.survey)) == _queries(client, url(large.survey))
    filtered = {"filter": f"{small.commute.pk}:ja"}
    assert _queries(client, url(small.survey, **filtered)) == _queries(
        client, url(large.survey, filter=f"{large.commute.pk}:ja")
    )


def test_response_count_endpoint_for_the_consortium_only(client, cast):
    built = make_survey(cast.consortium, release=ResultsRelease.PUBLIC)
    add_responses(built, 3)
    address = reverse("cms:survey_response_count", kwargs={"pk": built.survey.pk})
    client.force_login(cast.user("member"))
    assert client.get(address).json() == {"count": 3}
    client.force_login(cast.user("outsider"))
    assert client.get(address).status_code == 404


def test_hidden_answers_are_marked_for_those_who_run_and_left_out_for_others(client, cast):
    member_town = cast.user("member").profile.town
    elsewhere = cast.consortium.towns.exclude(pk=member_town.pk).first()
    built = make_survey(cast.consortium, elsewhere)  # the member does not run it
    add_responses(built, 2)
    Answer.objects.filter(question=built.wish, text="Mehr Busse, Nummer 1").update(
        hidden_at="2026-01-01T00:00Z"
    )
    client.force_login(cast.user("coach"))
    body = client.get(url(built.survey)).content.decode()
    assert "<del>Mehr Busse, Nummer 1</del>" in body
    assert "Wieder anzeigen" in body
    client.force_login(cast.user("member"))
    body = client.get(url(built.survey)).content.decode()
    assert "Mehr Busse, Nummer 1" not in body
    assert "Mehr Busse, Nummer 0" in body
    assert "Ausblenden" not in body


@pytest.mark.parametrize(
    ("role", "release"), list(itertools.product(ROLES, [ResultsRelease.CONSORTIUM, "public"]))
)
def test_count_and_all_texts_pages_matrix(client, cast, role, release):
    """The live count and the page of all texts are full results: the consortium and admins,
    whatever the release (free text is never released); others 404, anonymous to sign-in."""
    built = make_survey(cast.consortium, release=release)
    add_responses(built, 2)
    pk = built.survey.pk
    pages = [
        reverse("cms:survey_response_count", kwargs={"pk": pk}),
        reverse("cms:survey_texts", kwargs={"pk": pk, "question_pk": built.wish.pk}),
    ]
    client_for(client, cast.user(role))
    for address in pages:
        response = client.get(address)
        if role == "anonymous":
            assert response.status_code == 302 and "/konto/login/" in response.url
        elif role in {"member", "coach", "core_team", "admin"}:
            assert response.status_code == 200
        else:
            assert response.status_code == 404
            assert "Mehr Busse" not in response.content.decode()
