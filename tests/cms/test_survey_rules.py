"""Who runs a survey and who sees which results: the rules, as a matrix over the roles of the
permission table, and the selectors agree with them."""

import itertools

import pytest

from cms.surveys import selectors
from cms.surveys.models import ResultsRelease, Survey
from forum import rules as policy
from tests.helpers.cast import ROLES
from tests.helpers.surveys import make_survey

pytestmark = pytest.mark.django_db

RUNS_OWN_TOWN = {"member", "coach", "core_team", "admin"}  # the member works for the town
SEES_ALL = {"member", "coach", "core_team", "admin"}
SEES_RELEASED = {
    ResultsRelease.CONSORTIUM: set(),
    ResultsRelease.ACADEMY: {"outsider", "editor"},
    ResultsRelease.PUBLIC: {"anonymous", "outsider", "editor"},
}


@pytest.fixture
def surveys(cast):
    """One survey per release in the member's town, and one in another town of the consortium."""
    made = {
        release: make_survey(cast.consortium, release=release, title=release).survey
        for release in ResultsRelease.values
    }
    member_town = cast.user("member").profile.town
    elsewhere = cast.consortium.towns.exclude(pk=member_town.pk).first()
    made["elsewhere"] = make_survey(cast.consortium, elsewhere, title="anderswo").survey
    return made


@pytest.mark.parametrize(("role", "release"), list(itertools.product(ROLES, ResultsRelease.values)))
def test_results_matrix(cast, surveys, role, release):
    user, survey = cast.user(role), surveys[release]
    assert policy.allowed(user, "cms.run_survey", survey) is (role in RUNS_OWN_TOWN)
    assert policy.allowed(user, "cms.see_survey_results", survey) is (role in SEES_ALL)
    sees_released = role in SEES_ALL or role in SEES_RELEASED[release]
    assert policy.allowed(user, "cms.see_released_results", survey) is sees_released


@pytest.mark.parametrize("role", ROLES)
def test_town_staff_run_only_their_towns_surveys(cast, surveys, role):
    runs = policy.allowed(cast.user(role), "cms.run_survey", surveys["elsewhere"])
    assert runs is (role in {"coach", "core_team", "admin"})
    assert policy.allowed(cast.user(role), "cms.create_survey") is (role in RUNS_OWN_TOWN)


@pytest.mark.parametrize("role", ROLES)
def test_selectors_agree_with_the_rules(cast, surveys, role):
    user = cast.user(role)
    everything = list(Survey.objects.all())
    assert set(Survey.objects.filter(selectors.member_surveys_q(user))) == {
        s for s in everything if policy.allowed(user, "cms.see_survey_results", s)
    }
    assert set(Survey.objects.filter(selectors.released_surveys_q(user))) == {
        s for s in everything if policy.allowed(user, "cms.see_released_results", s)
    }
    for survey in everything:
        found = selectors.survey_for_member(survey.pk, user)
        assert (found is not None) is policy.allowed(user, "cms.see_survey_results", survey)
    assert selectors.survey_for_member("12abc", user) is None
