"""The live count's stream: its name, and who may read it (registered with the forum's streams
in ``CmsConfig.ready()``, so that the forum need not import the surveys)."""

from __future__ import annotations

from typing import Any

from forum import rules as policy

from .models import Survey

SURVEY = "survey"
# At most one hint per survey in this many seconds: at 20 answers a second, every results
# page would otherwise fetch its count 20 times a second, and every answer would wait for a
# stream write. A page fetches the count once more this long after the last hint
# (static/js/live/survey.js), so it still ends with the count a reload shows.
ANSWERED_HINT_SECONDS = 2


def survey_stream(survey_id: int) -> str:
    """Everyone looking at a survey's results: a new response came in."""
    return f"{SURVEY}:{survey_id}"


def may_read_survey_stream(user: Any, survey_id: int) -> bool:
    """The same as the results page with everything on it: the survey's consortium, admins."""
    survey = Survey.objects.filter(pk=survey_id).first()
    return survey is not None and policy.allowed(user, "cms.see_survey_results", survey)
