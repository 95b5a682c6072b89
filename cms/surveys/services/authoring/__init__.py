"""Writing surveys: the survey itself, its questions and options, questions from the template
library, its state, copies, one-time codes, the release of its results, and the library.

Every function checks the policy first (``cms.create_survey``, ``cms.run_survey``,
``cms.manage_question_templates``). Questions and options of a survey that has answers are
never changed: the answers would no longer mean what was asked. The refusal says so and points
to a copy.

One module per concern: ``surveys`` (the survey, its state, release and one-time codes),
``questions`` (questions, options, order, skip rules, from templates, copies) and ``library``
(the template library). Their public names are re-exported here.
"""

from .library import (
    delete_question_template,
    option_lines,
    parse_option_lines,
    save_question_template,
)
from .questions import (
    KEY_LENGTH,
    MAX_OPTIONS,
    QUESTION_FIELDS,
    OptionLine,
    add_question,
    add_questions_from_templates,
    copy_survey,
    delete_question,
    move_question,
    update_question,
)
from .surveys import (
    DEFAULT_PRIVACY_NOTE,
    MAX_CODES,
    SURVEY_TEXT_FIELDS,
    answered_message,
    change_status,
    create_survey,
    delete_survey,
    generate_codes,
    release_results,
    update_survey,
)

__all__ = [
    "DEFAULT_PRIVACY_NOTE",
    "KEY_LENGTH",
    "MAX_CODES",
    "MAX_OPTIONS",
    "OptionLine",
    "QUESTION_FIELDS",
    "SURVEY_TEXT_FIELDS",
    "add_question",
    "add_questions_from_templates",
    "answered_message",
    "change_status",
    "copy_survey",
    "create_survey",
    "delete_question",
    "delete_question_template",
    "delete_survey",
    "generate_codes",
    "move_question",
    "option_lines",
    "parse_option_lines",
    "release_results",
    "save_question_template",
    "update_question",
    "update_survey",
]
