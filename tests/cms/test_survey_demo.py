"""The demo's citizen surveys: Wittenberge's commuter survey and Dießen's citizen survey, built
from shared templates, answered over weeks as the report describes, closed and released to the
academy; seeded once, quickly."""

import time
from collections import Counter

import pytest
from django.db.models import Count

from cms.demo import surveys as demo
from cms.surveys.models import (
    Answer,
    ContactDetail,
    Response,
    ResultsRelease,
    Survey,
    SurveyStatus,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]


def _survey(town: str) -> Survey:
    return Survey.objects.select_related("town").get(town__slug=town)


def _share(survey: Survey, template: str, option: str) -> float:
    answers = Answer.objects.filter(question__survey=survey, question__template__key=template)
    return answers.filter(option__key=option).count() / survey.responses.count()


def _places(survey: Survey) -> Counter:
    texts = Answer.objects.filter(question__survey=survey, question__template__key="pendelziel")
    return Counter(texts.values_list("text", flat=True))


def test_two_towns_released_to_the_academy_and_closed():
    surveys = list(Survey.objects.filter(town__slug__in=["wittenberge", "diessen-am-ammersee"]))
    assert len(surveys) == 2
    for survey in surveys:
        assert survey.status == SurveyStatus.CLOSED
        assert survey.results_release == ResultsRelease.ACADEMY
        assert survey.consortium.slug == "stadtlabor-kleinstadt"
        assert 200 <= survey.responses.count() <= 400
        assert survey.opened_at and survey.closed_at
    shared = set.intersection(
        *(set(s.questions.values_list("template__key", flat=True)) for s in surveys)
    )
    assert {"pendeln", "verkehrsmittel", "coworking-interesse", "mobil-moeglich"} <= shared


def test_answers_are_spread_over_weeks_within_the_dates():
    for survey in Survey.objects.filter(town__slug__in=["wittenberge", "diessen-am-ammersee"]):
        days = survey.responses.values("submitted_on").annotate(n=Count("pk"))
        dates = [row["submitted_on"] for row in days]
        assert min(dates) >= survey.opens_on and max(dates) <= survey.closes_on
        assert 21 <= (survey.closes_on - survey.opens_on).days <= 35
        assert len(dates) >= 15


def test_wittenberge_commuters_take_the_train_to_berlin_and_hamburg():
    survey = _survey("wittenberge")
    assert _share(survey, "pendeln", "ja") > 0.8
    places = _places(survey)
    assert places.most_common(2)[0][0] in {"Berlin", "Hamburg"}
    assert places["Berlin"] + places["Hamburg"] > 0.7 * sum(places.values())
    commuters = _share(survey, "pendeln", "ja")
    assert _share(survey, "verkehrsmittel", "bahn") > 0.85 * commuters
    # Over half need not always be at their workplace.
    remote = _share(survey, "mobil-moeglich", "ja") + _share(survey, "mobil-moeglich", "teilweise")
    assert remote > 0.5


def test_diessen_commuters_drive_to_munich_and_want_co_working():
    survey = _survey("diessen-am-ammersee")
    assert 0.45 < _share(survey, "pendeln", "ja") < 0.7
    assert _places(survey).most_common(1)[0][0] == "München"
    assert _share(survey, "verkehrsmittel", "auto") > _share(survey, "verkehrsmittel", "bahn")
    interest = Answer.objects.filter(
        question__survey=survey, question__template__key="coworking-interesse"
    ).values_list("number", flat=True)
    assert sum(interest) / len(interest) > 3


def test_skip_rules_hold_in_the_generated_answers():
    survey = _survey("wittenberge")
    non_commuters = Response.objects.filter(
        survey=survey, answers__option__key="nein", answers__question__template__key="pendeln"
    )
    assert non_commuters.exists()
    assert not Answer.objects.filter(
        response__in=non_commuters, question__template__key__in=demo.COMMUTE_DETAILS
    ).exists()


def test_a_few_free_text_wishes_and_no_contacts():
    for survey in Survey.objects.filter(town__slug__in=["wittenberge", "diessen-am-ammersee"]):
        wishes = Answer.objects.filter(question__survey=survey, question__template__key="wuensche")
        assert 5 <= wishes.count() <= 0.2 * survey.responses.count()
        assert not ContactDetail.objects.filter(survey=survey).exists()


def test_seeding_again_adds_nothing_and_seeding_is_fast():
    created = Counter()
    demo.seed_surveys(created=created, warn=pytest.fail)
    assert created[demo.LABEL] == 0
    Survey.objects.filter(town__slug__in=["wittenberge", "diessen-am-ammersee"]).delete()
    started = time.perf_counter()
    demo.seed_surveys(created=created, warn=pytest.fail)
    seconds = time.perf_counter() - started
    print(f"both demo surveys seeded in {seconds:.2f} s")
    assert created[demo.LABEL] == 2
    assert _survey("wittenberge").responses.count() == demo.WITTENBERGE.responses
    assert seconds < 3, seconds
