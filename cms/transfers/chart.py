"""The overview's charts, drawn on the server as SVG: bars in numbers here, shapes in the
template. The numbers are also in a table beside each chart, which is what screen readers use
(the SVG is ``role="img"`` with a title and a short description)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from .models import TransferStatus

WITHOUT_CHALLENGE = _("ohne Handlungsfeld")
# One colour per status, in the order of ``TransferStatus``; distinguishable for the common
# colour-vision deficiencies (Okabe–Ito) and with enough contrast against white.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#6E6E6E"]

LABEL_WIDTH = 190
BAR_AREA = 420
ROW_HEIGHT = 28
BAR_HEIGHT = 18
COLUMN_WIDTH = 36
COLUMN_GAP = 18
COLUMN_AREA = 200


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    value: int


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    segments: list[Segment]
    label_x: float
    label_y: float
    total_x: float
    total_y: float


def quarter_label(day: date) -> str:
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def quarters_between(first: date, last: date) -> list[date]:
    """Every quarter from ``first`` to ``last`` (first days), so that quiet quarters show as
    gaps on the time axis."""
    quarters = []
    year, quarter = first.year, (first.month - 1) // 3
    while (year, quarter) <= (last.year, (last.month - 1) // 3):
        quarters.append(date(year, quarter * 3 + 1, 1))
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return quarters


def legend() -> list[tuple[str, str]]:
    return [(str(label), COLOURS[i]) for i, (_v, label) in enumerate(TransferStatus.choices)]


def horizontal_bars(rows: list[tuple[str, list[int]]]) -> dict:
    """One stacked bar per Handlungsfeld, segments per status, scaled to the largest total."""
    largest = max((sum(values) for _label, values in rows), default=0) or 1
    bars = []
    for index, (label, values) in enumerate(rows):
        y = index * ROW_HEIGHT + 4
        x = float(LABEL_WIDTH)
        segments = []
        for colour, value in zip(COLOURS, values, strict=True):
            width = BAR_AREA * value / largest
            if value:
                segments.append(Segment(x, y, width, BAR_HEIGHT, colour, value))
            x += width
        bars.append(
            Bar(
                label=str(label),
                total=sum(values),
                segments=segments,
                label_x=LABEL_WIDTH - 8,
                label_y=y + BAR_HEIGHT - 4,
                total_x=x + 6,
                total_y=y + BAR_HEIGHT - 4,
            )
        )
    return {
        "bars": bars,
        "width": LABEL_WIDTH + BAR_AREA + 50,
        "height": max(len(rows), 1) * ROW_HEIGHT + 8,
        "legend": legend(),
    }


def columns(rows: list[tuple[str, list[int]]]) -> dict:
    """One stacked column per quarter, segments per status, scaled to the largest total."""
    largest = max((sum(values) for _label, values in rows), default=0) or 1
    top = 20
    bars = []
    for index, (label, values) in enumerate(rows):
        x = COLUMN_GAP + index * (COLUMN_WIDTH + COLUMN_GAP)
        y = float(top + COLUMN_AREA)
        segments = []
        for colour, value in zip(COLOURS, values, strict=True):
            height = COLUMN_AREA * value / largest
            y -= height
            if value:
                segments.append(Segment(x, y, COLUMN_WIDTH, height, colour, value))
        bars.append(
            Bar(
                label=label,
                total=sum(values),
                segments=segments,
                label_x=x + COLUMN_WIDTH / 2,
                label_y=top + COLUMN_AREA + 16,
                total_x=x + COLUMN_WIDTH / 2,
                total_y=y - 4,
            )
        )
    return {
        "bars": bars,
        "width": max(len(rows), 1) * (COLUMN_WIDTH + COLUMN_GAP) + COLUMN_GAP,
        "height": top + COLUMN_AREA + 26,
        "legend": legend(),
    }
