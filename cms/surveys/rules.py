"""Who may run a citizen survey and who sees its answers; composed from ``forum.rules`` and the
towns a person acts for (``cms.rules.towns_acted_for``). ``cms.rules`` imports this module, so
the permissions are registered with the others.

- Running a survey (write, open, close, copy, codes, QR code and flyer, hide free-text answers,
  contact addresses, release): town staff for their own town, the consortium's coaches and core
  team for every town of it, admins (``cms.run_survey``; ``cms.create_survey`` for a
  (town, consortium) pair).
- All results of a survey (free text, filters, exports, the live count): every member of its
  consortium and admins (``cms.see_survey_results``).
- Released results (charted questions only): beyond the consortium, signed-in members of every
  consortium and editors once released to the academy, and everyone once released as public
  (``cms.see_released_results``); the comparison across towns is for signed-in members,
  editors and admins (``cms.compare_surveys``).
"""

from __future__ import annotations

from typing import Any

import rules

from forum import rules as policy

from ..rules import towns_acted_for
from .models import ResultsRelease, Survey


@rules.predicate
def acts_for_survey_town(user: Any, survey: Survey) -> bool:
    return (survey.town_id, survey.consortium_id) in towns_acted_for(user)


@rules.predicate
def acts_for_some_town(user: Any) -> bool:
    return bool(towns_acted_for(user))


@rules.predicate
def released_to_academy(user: Any, survey: Survey) -> bool:
    return survey.results_release in (ResultsRelease.ACADEMY, ResultsRelease.PUBLIC)


@rules.predicate
def released_as_public(user: Any, survey: Survey) -> bool:
    return survey.results_release == ResultsRelease.PUBLIC


can_compare = policy.is_signed_in_member | policy.is_editor | policy.is_admin
can_see_results = policy.is_consortium_member | policy.is_admin

rules.add_perm("cms.create_survey", acts_for_some_town)
rules.add_perm("cms.run_survey", acts_for_survey_town)
rules.add_perm("cms.see_survey_results", can_see_results)
rules.add_perm(
    "cms.see_released_results",
    can_see_results | (released_to_academy & can_compare) | released_as_public,
)
rules.add_perm("cms.compare_surveys", can_compare)
rules.add_perm(
    "cms.manage_question_templates",
    policy.is_core_team_anywhere | policy.is_editor | policy.is_admin,
)
