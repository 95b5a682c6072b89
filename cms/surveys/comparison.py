"""Template questions compared across towns: every survey the viewer may see the released
results of (``selectors.released_surveys_q``) that asked the question from the same template,
side by side. Answers are matched by the template's option keys (``Option.key``), so a town
that renamed an option still counts under the template's option. A few grouped queries,
whatever the number of towns and answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from .. import charts
from .models import Answer, Question, QuestionKind, QuestionTemplate, Survey, TemplateTopic
from .results import ChoiceRow, number_stats, share_chart, share_of
from .selectors import released_surveys_q

# Below this many answers a town's shares say little; the page says so.
FEW_ANSWERS = 30


@dataclass
class TownResult:
    survey: Survey
    answered: int
    rows: list[ChoiceRow] = field(default_factory=list)
    chart: dict | None = None
    stats: dict[str, str] = field(default_factory=dict)
    mean: Decimal | None = None

    @property
    def label(self) -> str:
        return f"{self.survey.town.name} – {self.survey.title}"

    @property
    def chart_id(self) -> str:
        return f"chart-s{self.survey.pk}"

    @property
    def few(self) -> bool:
        return self.answered < FEW_ANSWERS


def visible_surveys(user: Any):
    return Survey.objects.filter(released_surveys_q(user))


def comparable_templates(user: Any) -> list[tuple[str, list[QuestionTemplate]]]:
    """Charted templates that at least one survey the viewer may see used, by topic."""
    used = Question.objects.filter(survey__in=visible_surveys(user).values("pk")).values(
        "template_id"
    )
    templates = QuestionTemplate.objects.filter(
        pk__in=used, kind__in=QuestionKind.charted()
    ).order_by("topic", "position", "pk")
    topics = dict(TemplateTopic.choices)
    grouped: dict[str, list[QuestionTemplate]] = {}
    for template in templates:
        grouped.setdefault(str(topics.get(template.topic, template.topic)), []).append(template)
    return list(grouped.items())


def compare(template: QuestionTemplate, user: Any) -> list[TownResult]:
    questions = list(
        Question.objects.filter(template=template, survey__in=visible_surveys(user).values("pk"))
        .select_related("survey__town")
        .order_by("survey__town__name", "survey__title", "pk")
    )
    answers = Answer.objects.filter(question__in=[q.pk for q in questions])
    if template.kind in QuestionKind.with_options():
        return _compare_choices(template, questions, answers)
    return _compare_numbers(template, questions, answers)


def _compare_choices(template, questions, answers) -> list[TownResult]:
    answered = dict(
        answers.order_by()
        .values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
    )
    counts: dict[tuple[int, str], int] = {}
    for question_id, key, is_other, n in (
        answers.order_by()
        .values_list("question_id", "option__key", "is_other")
        .annotate(n=Count("*"))
    ):
        slot = (question_id, "" if is_other else key)
        counts[slot] = counts.get(slot, 0) + n
    options = [(o["key"], o["label"]) for o in template.options]
    if template.has_other:
        options.append(("", _("Sonstiges")))
    found = []
    for question in questions:
        n = answered.get(question.pk, 0)
        rows = [ChoiceRow(label, counts.get((question.pk, key), 0), 0.0) for key, label in options]
        for row in rows:
            row.share = share_of(row.count, n)
        found.append(TownResult(question.survey, n, rows, share_chart(rows)))
    return found


def _compare_numbers(template, questions, answers) -> list[TownResult]:
    values: dict[int, list[tuple[Decimal, int]]] = {}
    for question_id, number, n in (
        answers.filter(number__isnull=False)
        .order_by()
        .values_list("question_id", "number")
        .annotate(n=Count("*"))
        .order_by("question_id", "number")
    ):
        values.setdefault(question_id, []).append((number, n))
    found = []
    for question in questions:
        given = values.get(question.pk, [])
        n = sum(count for _value, count in given)
        result = TownResult(question.survey, n, stats=number_stats(given))
        if n:
            result.mean = sum(value * count for value, count in given) / n
        if template.kind == QuestionKind.SCALE:
            counted = dict(given)
            result.rows = [
                ChoiceRow(str(step), counted.get(Decimal(step), 0), 0.0) for step in range(1, 6)
            ]
            for row in result.rows:
                row.share = share_of(row.count, n)
            result.chart = share_chart(result.rows)
        found.append(result)
    return found


def means_chart(found: list[TownResult]) -> dict:
    """Number questions: one bar per town, its mean, with mean and median written at its end."""
    shown = [r for r in found if r.mean is not None]
    return charts.horizontal_bars(
        [(r.survey.town.name, [max(float(r.mean), 0.0)]) for r in shown],
        texts=[
            _("Mittelwert %(mean)s, Median %(median)s")
            % {"mean": r.stats["mean"], "median": r.stats["median"]}
            for r in shown
        ],
    )
