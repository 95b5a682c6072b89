"""The case-page block "Ergebnisse einer Bürgerbefragung": per viewer, public pages show only
results released as public, internal pages results released to the academy or the page
consortium's own; otherwise nothing at all."""

import pytest
from django.test import RequestFactory

from cms.blocks import SurveyResultsBlock, released_survey_choices
from cms.surveys.models import ResultsRelease
from tests.helpers.cast import ROLES
from tests.helpers.surveys import add_responses, make_survey

pytestmark = pytest.mark.django_db


class Page:
    def __init__(self, consortium_id, internal):
        self.consortium_id = consortium_id
        self.is_internal = internal


def render(survey, page, user):
    request = RequestFactory().get("/")
    request.user = user
    block = SurveyResultsBlock()
    value = block.to_python({"survey": str(survey.pk), "heading": "Was die Stadt sagt"})
    return block.render(value, context={"page": page, "request": request})


@pytest.mark.parametrize("role", ROLES)
def test_block_matrix(cast, role):
    user = cast.user(role)
    for own in (True, False):
        consortium = cast.consortium if own else cast.other_consortium
        for release in ResultsRelease.values:
            built = make_survey(consortium, release=release)
            add_responses(built, 4)
            for internal in (True, False):
                page = Page(cast.consortium.pk, internal)
                html = render(built.survey, page, user)
                fits = (
                    release == ResultsRelease.PUBLIC
                    if not internal
                    else release != ResultsRelease.CONSORTIUM or own
                )
                members = {"member", "coach", "core_team"} if own else {"outsider"}
                sees = (
                    role == "admin"
                    or role in members
                    or release == ResultsRelease.PUBLIC
                    or (release == ResultsRelease.ACADEMY and role != "anonymous")
                )
                case = (role, own, release, internal)
                if fits and sees:
                    assert "Was die Stadt sagt" in html, case
                    assert "Pendeln Sie zur Arbeit?" in html, case
                    assert 'role="img"' in html, case
                    assert "Mehr Busse" not in html and "Ihr Wunsch" not in html, case
                else:
                    assert html.strip() == "", case


def test_editor_choices_list_released_surveys_only(cast):
    public = make_survey(cast.consortium, release=ResultsRelease.PUBLIC, title="Offen").survey
    make_survey(cast.consortium, release=ResultsRelease.CONSORTIUM, title="Intern")
    assert [title for _pk, title in released_survey_choices()] == [f"{public.town.name} – Offen"]
