"""The results of one survey, counted in the database: a fixed number of grouped queries
whatever the number of responses, questions or options (one query per kind of aggregate, not
per question), so the page stays fast at 10,000 responses.

Shares are of the respondents who answered the question (a question skipped by the skip logic
or left out counts for nobody); with a filter ("nur Pendelnde") every count is of the
respondents who gave that answer. Free-text answers that were hidden (they name a person) are
left out unless ``show_hidden`` (those who run the survey see them marked)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .. import charts
from .models import Answer, Option, Question, QuestionKind, Response, Survey

TEXTS_SHOWN = 20
HISTOGRAM_BINS = 8
# Up to this many distinct whole numbers, a histogram has one bar per value.
VALUES_AS_BARS = 12


class FilterError(ValueError):
    """A filter that names no choice of this survey; the message says so in German."""


@dataclass(frozen=True)
class AnswerFilter:
    """Only the respondents who chose ``option`` in ``question`` (single or multiple choice)."""

    question: Question
    option: Option

    @property
    def param(self) -> str:
        return f"{self.question.pk}:{self.option.key}"

    def response_ids(self) -> QuerySet:
        return Answer.objects.filter(question=self.question, option=self.option).values(
            "response_id"
        )


def parse_filter(raw: str, questions: list[Question]) -> AnswerFilter | None:
    """``"<question id>:<option key>"`` → the filter; empty → ``None``; anything else raises
    ``FilterError``. ``questions`` come with their options (no query here)."""
    if not raw:
        return None
    question_id, _sep, key = raw.partition(":")
    question = next(
        (
            q
            for q in questions
            if str(q.pk) == question_id.strip() and q.kind in QuestionKind.with_options()
        ),
        None,
    )
    option = (
        next((o for o in question.options.all() if o.key == key.strip()), None)
        if question
        else None
    )
    if option is None:
        raise FilterError(
            _("Diesen Filter gibt es nicht. Bitte wählen Sie eine Antwort aus der Liste.")
        )
    return AnswerFilter(question, option)


def filter_choices(questions: list[Question]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every answer one can filter by, grouped by question, for the filter's select."""
    return [
        (q.text, [(f"{q.pk}:{o.key}", o.label) for o in q.options.all()])
        for q in questions
        if q.kind in QuestionKind.with_options()
    ]


@dataclass
class ChoiceRow:
    label: str
    count: int
    share: float  # percent of the respondents who answered the question


@dataclass
class TextAnswer:
    pk: int
    text: str
    submitted_on: date
    is_other: bool
    hidden: bool


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    rows: list[ChoiceRow] = field(default_factory=list)
    chart: dict | None = None
    stats: dict[str, str] = field(default_factory=dict)
    texts: list[TextAnswer] = field(default_factory=list)
    text_count: int = 0

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def is_charted(self) -> bool:
        return self.question.kind in QuestionKind.charted()

    @property
    def chart_id(self) -> str:
        return f"chart-q{self.question.pk}"

    @property
    def more_texts(self) -> bool:
        return self.text_count > len(self.texts)


@dataclass
class Results:
    survey: Survey
    total: int
    questions: list[QuestionResult]
    days: list[tuple[date, int]]
    days_chart: dict
    answer_filter: AnswerFilter | None


def survey_results(
    survey: Survey,
    questions: list[Question],
    *,
    answer_filter: AnswerFilter | None = None,
    with_texts: bool = True,
    show_hidden: bool = False,
) -> Results:
    """Counts, shares, number statistics and the newest free-text answers of every question;
    ``with_texts=False`` for viewers who see released results only (charted questions)."""
    responses = Response.objects.filter(survey=survey)
    # By the questions' ids (all of this survey): no join with the questions per answer row.
    answers = Answer.objects.filter(question_id__in=[question.pk for question in questions])
    if answer_filter is not None:
        responses = responses.filter(pk__in=answer_filter.response_ids())
        answers = answers.filter(response_id__in=answer_filter.response_ids())
    by_kind: dict[str, list[int]] = {}
    for question in questions:
        by_kind.setdefault(question.kind, []).append(question.pk)
    choice_ids = by_kind.get(QuestionKind.SINGLE, []) + by_kind.get(QuestionKind.MULTIPLE, [])
    number_ids = by_kind.get(QuestionKind.SCALE, []) + by_kind.get(QuestionKind.NUMBER, [])
    text_ids = by_kind.get(QuestionKind.SHORT_TEXT, []) + by_kind.get(QuestionKind.LONG_TEXT, [])

    results = {
        q.pk: QuestionResult(q) for q in questions if with_texts or q.kind in QuestionKind.charted()
    }
    if choice_ids:
        _count_choices(results, answers.filter(question_id__in=choice_ids))
    if number_ids:
        _count_numbers(results, answers.filter(question_id__in=number_ids, number__isnull=False))
    if with_texts and (text_ids or choice_ids):
        texts = answers.filter(
            Q(question_id__in=text_ids) | Q(question_id__in=choice_ids, is_other=True),
            text__gt="",
        )
        if not show_hidden:
            texts = texts.filter(hidden_at__isnull=True)
        _collect_texts(results, texts)
    days = list(
        responses.order_by()
        .values_list("submitted_on")
        .annotate(n=Count("*"))
        .order_by("submitted_on")
    )
    return Results(
        survey=survey,
        total=sum(n for _day, n in days),
        questions=list(results.values()),
        days=_every_day(days),
        days_chart=_days_chart(_every_day(days)),
        answer_filter=answer_filter,
    )


def response_count(survey: Survey) -> int:
    return Response.objects.filter(survey=survey).count()


def _count_choices(results: dict[int, QuestionResult], answers: QuerySet) -> None:
    """How often each option was chosen (one query). Who answered: for a single choice the
    sum of its rows (one per response); for a multiple choice the distinct responses, counted
    only over those questions (one more query)."""
    answered: dict[int, int] = {}
    counts: dict[tuple[int, int | None], int] = {}
    for question_id, option_id, is_other, n in (
        answers.order_by()
        .values_list("question_id", "option_id", "is_other")
        .annotate(n=Count("*"))
    ):
        key = (question_id, None if is_other else option_id)
        counts[key] = counts.get(key, 0) + n
        answered[question_id] = answered.get(question_id, 0) + n
    multiple = [
        result.question.pk
        for result in results.values()
        if result.question.kind == QuestionKind.MULTIPLE
    ]
    answered.update(
        answers.filter(question_id__in=multiple)
        .order_by()
        .values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
    )
    for result in results.values():
        question = result.question
        if question.kind not in QuestionKind.with_options():
            continue
        result.answered = answered.get(question.pk, 0)
        labelled = [(o.label, counts.get((question.pk, o.pk), 0)) for o in question.options.all()]
        if question.has_other:
            labelled.append((_("Sonstiges"), counts.get((question.pk, None), 0)))
        result.rows = [
            ChoiceRow(label, count, share_of(count, result.answered)) for label, count in labelled
        ]
        result.chart = share_chart(result.rows)


def _count_numbers(results: dict[int, QuestionResult], answers: QuerySet) -> None:
    """One grouped query: how often each value was given; n, mean, median, smallest, largest
    and the histogram follow from it (the rows are as many as distinct values, not answers)."""
    values: dict[int, list[tuple[Decimal, int]]] = {}
    for question_id, number, n in (
        answers.order_by()
        .values_list("question_id", "number")
        .annotate(n=Count("*"))
        .order_by("question_id", "number")
    ):
        values.setdefault(question_id, []).append((number, n))
    for result in results.values():
        question = result.question
        if question.kind not in QuestionKind.charted() - QuestionKind.with_options():
            continue
        given = values.get(question.pk, [])
        result.answered = sum(n for _value, n in given)
        result.stats = number_stats(given)
        if question.kind == QuestionKind.SCALE:
            counted = dict(given)
            bins = [(str(step), counted.get(Decimal(step), 0)) for step in range(1, 6)]
        else:
            bins = histogram(given)
        result.rows = [ChoiceRow(label, n, share_of(n, result.answered)) for label, n in bins]
        # Values, unlike choices, are not compared with 100 %: scaled to the largest bar.
        result.chart = share_chart(result.rows, to_largest=True)


def number_stats(given: list[tuple[Decimal, int]]) -> dict[str, str]:
    """n, mean, median, smallest and largest value of (value, how often) pairs in order."""
    n = sum(count for _value, count in given)
    if not n:
        return {}
    total = sum(value * count for value, count in given)
    return {
        "n": str(n),
        "mean": german(total / n),
        "median": german(median(given, n)),
        "min": german(given[0][0]),
        "max": german(given[-1][0]),
    }


def median(given: list[tuple[Decimal, int]], n: int) -> Decimal:
    """The median of (value, how often) pairs in order, without expanding them."""
    wanted = [(n - 1) // 2, n // 2]
    found: list[Decimal] = []
    seen = 0
    for value, count in given:
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return (found[0] + found[1]) / 2


def histogram(given: list[tuple[Decimal, int]]) -> list[tuple[str, int]]:
    """One bar per value for a few whole numbers, else up to ``HISTOGRAM_BINS`` equal ranges
    (of whole numbers, "12–16", when every value is whole)."""
    if not given:
        return []
    low, high = given[0][0], given[-1][0]
    counted = dict(given)
    if all(value == value.to_integral_value() for value, _n in given):
        if high - low < VALUES_AS_BARS:
            return [(german(v), counted.get(Decimal(v), 0)) for v in range(int(low), int(high) + 1)]
        width = math.ceil((high - low + 1) / HISTOGRAM_BINS)
        bins = [0] * math.ceil((high - low + 1) / width)
        for value, count in given:
            bins[int((value - low) // width)] += count
        return [
            (f"{german(low + width * i)}–{german(low + width * (i + 1) - 1)}", count)
            for i, count in enumerate(bins)
        ]
    width = (high - low) / HISTOGRAM_BINS
    bins = [0] * HISTOGRAM_BINS
    for value, count in given:
        bins[min(int((value - low) / width), HISTOGRAM_BINS - 1)] += count
    return [
        (f"{german(low + width * i)}–{german(low + width * (i + 1))}", count)
        for i, count in enumerate(bins)
    ]


def _collect_texts(results: dict[int, QuestionResult], texts: QuerySet) -> None:
    """How many texts each question has (one query), and its newest ``TEXTS_SHOWN``: ranked by
    a window over the answers alone (one query), then only those rows read with the day they
    came in (one more), rather than every text joined with its response."""
    counts = dict(texts.order_by().values_list("question_id").annotate(n=Count("*")))
    newest_ids = (
        texts.annotate(
            rank=Window(RowNumber(), partition_by=[F("question_id")], order_by=F("id").desc())
        )
        .filter(rank__lte=TEXTS_SHOWN)
        .values_list("pk", flat=True)
    )
    newest = (
        Answer.objects.filter(pk__in=list(newest_ids))
        .values_list("pk", "question_id", "text", "response__submitted_on", "is_other", "hidden_at")
        .order_by("question_id", "-id")
    )
    for pk, question_id, text, submitted_on, is_other, hidden_at in newest:
        results[question_id].texts.append(
            TextAnswer(pk, text, submitted_on, is_other, hidden_at is not None)
        )
    for question_id, n in counts.items():
        results[question_id].text_count = n


def share_chart(rows: list[ChoiceRow], *, to_largest: bool = False) -> dict:
    """Bars scaled to 100 % (or to the largest share) with "count (share %)" at their ends."""
    return charts.horizontal_bars(
        [(row.label, [row.share]) for row in rows],
        largest=None if to_largest else 100,
        texts=[f"{row.count} ({german(row.share)} %)" for row in rows],
        label_width=150,
        bar_area=220,
    )


def _every_day(days: list[tuple[date, int]]) -> list[tuple[date, int]]:
    """Every day from the first response to the last, quiet days as 0."""
    if not days:
        return []
    counted = dict(days)
    first, last = days[0][0], days[-1][0]
    return [
        (first + timedelta(days=i), counted.get(first + timedelta(days=i), 0))
        for i in range((last - first).days + 1)
    ]


def _days_chart(days: list[tuple[date, int]]) -> dict:
    narrow = len(days) > 14
    return charts.columns(
        [(day.strftime("%d.%m."), [n]) for day, n in days],
        width=10 if narrow else charts.COLUMN_WIDTH,
        gap=4 if narrow else charts.COLUMN_GAP,
        label_every=7 if narrow else 1,
        totals=not narrow,
    )


def share_of(count: int, of: int) -> float:
    return round(100 * count / of, 1) if of else 0.0


def german(value: Any) -> str:
    """A number as German readers write it: decimal comma, at most one decimal."""
    value = Decimal(value).quantize(Decimal("0.1"))
    if value == value.to_integral_value():
        return number_format(value.to_integral_value(), 0)
    return number_format(value, 1)
