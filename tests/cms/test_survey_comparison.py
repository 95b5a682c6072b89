"""The comparison across towns: only surveys whose released results the viewer may see, never
even as a count; answers matched by the template's option keys; a note when n is small."""

import pytest
from django.urls import reverse

from cms.surveys.models import QuestionTemplate, ResultsRelease
from tests.helpers.cast import ROLES, client_for
from tests.helpers.surveys import add_responses, make_survey

pytestmark = pytest.mark.django_db

URL = reverse("cms:survey_comparison")


@pytest.fixture
def commute_template():
    return QuestionTemplate.objects.create(
        key="pendeln-test",
        topic="commuting",
        kind="single",
        text="Pendeln Sie?",
        options=[{"key": "ja", "label": "Ja"}, {"key": "nein", "label": "Nein"}],
    )


def surveyed(consortium, template, release, title, count):
    built = make_survey(consortium, release=release, title=title)
    built.commute.template = template
    built.commute.save(update_fields=["template"])
    add_responses(built, count)
    return built.survey


@pytest.mark.parametrize("role", ROLES)
def test_comparison_matrix(client, cast, commute_template, role):
    shown = {}
    for own in (True, False):
        for release in ResultsRelease.values:
            title = f"{'eigen' if own else 'fremd'}-{release}"
            consortium = cast.consortium if own else cast.other_consortium
            shown[title] = surveyed(consortium, commute_template, release, title, 3)
    response = client_for(client, cast.user(role)).get(URL, {"vorlage": "pendeln-test"})
    if role == "anonymous":
        assert response.status_code == 302
        return
    members_of = {"member": "eigen", "coach": "eigen", "core_team": "eigen", "outsider": "fremd"}
    expected = {
        title
        for title in shown
        if role == "admin"
        or title.startswith(members_of.get(role, "-"))
        or not title.endswith(ResultsRelease.CONSORTIUM)
    }
    assert response.status_code == 200
    towns = response.context["towns"]
    assert {t.survey.title for t in towns} == expected
    body = response.content.decode()
    for title in set(shown) - expected:
        assert title not in body
    assert f"{len(expected)} Befragungen" in body


def test_shares_by_template_key_and_small_n_note(client, cast, commute_template):
    survey = surveyed(cast.consortium, commute_template, ResultsRelease.ACADEMY, "A", 10)
    survey.questions.get(position=1).options.filter(key="ja").update(label="Ja, täglich")
    surveyed(cast.other_consortium, commute_template, ResultsRelease.ACADEMY, "B", 40)
    client.force_login(cast.user("member"))
    response = client.get(URL, {"vorlage": "pendeln-test"})
    towns = {t.survey.title: t for t in response.context["towns"]}
    assert [(r.label, r.count, r.share) for r in towns["A"].rows] == [
        ("Ja", 5, 50.0),
        ("Nein", 5, 50.0),
    ]
    assert towns["A"].few and not towns["B"].few
    assert response.content.decode().count("wenige Antworten – mit Vorsicht vergleichen") == 1


def test_templates_offered_only_when_a_visible_survey_used_them(client, cast, commute_template):
    surveyed(cast.other_consortium, commute_template, ResultsRelease.CONSORTIUM, "geheim", 2)
    client.force_login(cast.user("member"))
    response = client.get(URL)
    assert response.context["groups"] == []
    response = client.get(URL, {"vorlage": "pendeln-test"})
    assert response.status_code == 400
    assert "kann nicht verglichen werden" in response.content.decode()
    assert "geheim" not in response.content.decode()


def test_signed_in_people_without_consortium_or_editing_may_not_compare(client, cast):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("niemand", "n@example.org", "x")
    client.force_login(nobody)
    assert client.get(URL).status_code == 403
