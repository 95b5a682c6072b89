"""All responses of a survey as rows for CSV and XLSX: one row per response, one column per
question; a multiple choice question has one column per option (1 chosen, 0 not chosen, empty
when the question was not answered) and one for the text of "Sonstiges". Hidden free text is
left out (the cell stays empty).

The answers are read in one query, ordered by response, and streamed (``iterator``), so the
number of queries does not grow with the responses. Every text a person typed, and every label,
is neutralised against formula injection (``forum.spreadsheets``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from forum.spreadsheets import spreadsheet_text

from .models import Question, QuestionKind, Response, Survey

CHUNK = 2000
# Excel opens a CSV as UTF-8 only with a byte order mark; German Excel splits at semicolons.
BOM = "\ufeff"
DELIMITER = ";"


@dataclass(frozen=True)
class Column:
    question: Question
    heading: str
    option_id: int | None = None  # a multiple choice's option: 1/0
    other_text: bool = False  # the text of "Sonstiges"


def columns(questions: list[Question]) -> list[Column]:
    """``questions`` come with their options."""
    found = []
    for question in questions:
        if question.kind == QuestionKind.MULTIPLE:
            found += [
                Column(question, f"{question.text}: {option.label}", option_id=option.pk)
                for option in question.options.all()
            ]
            if question.has_other:
                found.append(
                    Column(question, f"{question.text}: {_('Sonstiges')}", other_text=True)
                )
        else:
            found.append(Column(question, question.text))
    return found


def headings(cols: list[Column]) -> list[str]:
    return [_("Antwortbogen"), _("Eingegangen am"), *(spreadsheet_text(c.heading) for c in cols)]


def rows(survey: Survey, questions: list[Question], *, numbers_as_text: bool) -> Iterator[list]:
    """The responses in the order they came in, as lists of cell values; numbers as German
    text for CSV (``numbers_as_text``), as numbers for XLSX."""
    cols = columns(questions)
    labels = {o.pk: o.label for q in questions for o in q.options.all()}
    kinds = {q.pk: q.kind for q in questions}
    # From the responses, joined to their answers: a response without any answer (every
    # question optional and skipped) still gets its row.
    answers = (
        Response.objects.filter(survey=survey)
        .order_by("pk", "answers__id")
        .values_list(
            "pk",
            "submitted_on",
            "answers__question_id",
            "answers__option_id",
            "answers__is_other",
            "answers__number",
            "answers__text",
            "answers__hidden_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    current: int | None = None
    given: dict[int, list[tuple]] = {}
    day = None
    number = 0
    for response_id, submitted_on, *answer in answers:
        if response_id != current:
            if current is not None:
                number += 1
                yield _row(number, day, cols, given, labels, kinds, numbers_as_text)
            current, day, given = response_id, submitted_on, {}
        if answer[0] is not None:
            given.setdefault(answer[0], []).append(tuple(answer))
    if current is not None:
        yield _row(number + 1, day, cols, given, labels, kinds, numbers_as_text)


def _row(number, day, cols, given, labels, kinds, numbers_as_text) -> list:
    cells: list[Any] = [number, day.strftime("%d.%m.%Y") if numbers_as_text else day]
    for column in cols:
        answers = given.get(column.question.pk, [])
        cells.append(_cell(column, answers, labels, kinds, numbers_as_text))
    return cells


def _cell(column: Column, answers: list[tuple], labels, kinds, numbers_as_text) -> Any:
    visible_text = [
        text for _q, _o, _other, _n, text, hidden_at in answers if text and hidden_at is None
    ]
    kind = kinds[column.question.pk]
    if kind == QuestionKind.MULTIPLE:
        if column.other_text:
            return spreadsheet_text("; ".join(visible_text))
        if not answers:
            return ""
        return int(any(option_id == column.option_id for _q, option_id, *_rest in answers))
    if kind == QuestionKind.SINGLE:
        for _q, option_id, is_other, _n, text, hidden_at in answers:
            if is_other:
                shown = text if hidden_at is None else ""
                return spreadsheet_text(f"{_('Sonstiges')}: {shown}" if shown else _("Sonstiges"))
            return spreadsheet_text(labels.get(option_id, ""))
        return ""
    if kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        value = next((n for _q, _o, _other, n, _t, _h in answers if n is not None), None)
        if value is None:
            return ""
        return _german_number(value) if numbers_as_text else _plain_number(value)
    return spreadsheet_text("\n".join(visible_text))


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _german_number(value: Decimal) -> str:
    return str(_plain_number(value)).replace(".", ",")


def csv_chunks(survey: Survey, questions: list[Question]) -> Iterator[str]:
    """The CSV, a few hundred rows per chunk, for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER)
    buffer.write(BOM)
    writer.writerow(headings(columns(questions)))
    for index, row in enumerate(rows(survey, questions, numbers_as_text=True), start=1):
        writer.writerow(row)
        if index % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _worksheet_cells(row: list[Any]) -> list[Any]:
    """A worksheet may not hold C0 control characters (the forms let them through): left out,
    as they show nothing anyway."""
    return [ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row]


def xlsx_bytes(survey: Survey, questions: list[Question]) -> bytes:
    """The workbook, written row by row (openpyxl's write-only mode keeps memory small)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Antworten"))
    sheet.append(_worksheet_cells(headings(columns(questions))))
    for row in rows(survey, questions, numbers_as_text=False):
        sheet.append(_worksheet_cells(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
