"""Moderating the free text of a survey's answers: hiding an answer that names a person, and
showing it again. A hidden answer is left out of the results others see, the exports, the
case-page block and the comparison; those who run the survey still see it, marked."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import rules as policy

from ..models import Answer


@transaction.atomic
def hide_answer(*, answer: Answer, actor: Any) -> Answer:
    """Hide a free-text answer (or the text of an "other" choice); hiding twice changes
    nothing."""
    answer = _moderated(answer, actor)
    if answer.hidden_at is None:
        answer.hidden_at = timezone.now()
        answer.hidden_by = actor
        answer.save(update_fields=["hidden_at", "hidden_by"])
    return answer


@transaction.atomic
def unhide_answer(*, answer: Answer, actor: Any) -> Answer:
    answer = _moderated(answer, actor)
    if answer.hidden_at is not None:
        answer.hidden_at = None
        answer.hidden_by = None
        answer.save(update_fields=["hidden_at", "hidden_by"])
    return answer


def _moderated(answer: Answer, actor: Any) -> Answer:
    """The answer, locked, after asking the policy: only those who run its survey moderate,
    and only answers that are free text."""
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("question__survey")
        .get(pk=answer.pk)
    )
    if not policy.allowed(actor, "cms.run_survey", answer.question.survey):
        raise PermissionDenied
    if not answer.text:
        raise ValidationError(_("Nur Freitext-Antworten können ausgeblendet werden."))
    return answer
