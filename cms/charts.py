"""Bar charts drawn on the server as SVG, for every page that charts numbers (transfers,
survey results, the comparison across towns): the geometry in numbers here, the shapes in
``templates/includes/bar_chart.html``. The numbers are always in a table beside the chart too,
which is what screen readers use (the SVG is ``role="img"`` with a title and a description).

Colours are Okabe–Ito, distinguishable for the common colour-vision deficiencies; the first is
used for charts of one series and has 5:1 contrast against white."""

from __future__ import annotations

from dataclasses import dataclass

# Okabe–Ito, with its black replaced by a dark grey and its yellow left out (too light on white).
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#6E6E6E", "#CC79A7", "#D55E00", "#56B4E9"]

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
    value: float


@dataclass(frozen=True)
class Bar:
    label: str
    total: float
    text: str  # what is written at the bar's end: the total, or e.g. "12 (40 %)"
    segments: list[Segment]
    label_x: float
    label_y: float
    total_x: float
    total_y: float


def horizontal_bars(
    rows: list[tuple[str, list[float]]],
    *,
    colours: list[str] = COLOURS,
    texts: list[str] | None = None,
    largest: float | None = None,
    legend: list[tuple[str, str]] | None = None,
    label_width: int = LABEL_WIDTH,
    bar_area: int = BAR_AREA,
) -> dict:
    """One bar per row, stacked from its values (one colour each), scaled to ``largest`` (the
    largest total unless given, e.g. 100 for shares in percent). Narrower ``label_width`` and
    ``bar_area`` keep the text readable where the chart shrinks to a phone's width."""
    largest = largest or max((sum(values) for _label, values in rows), default=0) or 1
    bars = []
    for index, (label, values) in enumerate(rows):
        y = index * ROW_HEIGHT + 4
        x = float(label_width)
        segments = []
        for colour, value in zip(colours, values, strict=False):
            width = bar_area * value / largest
            if value:
                segments.append(Segment(x, y, width, BAR_HEIGHT, colour, value))
            x += width
        total = sum(values)
        bars.append(
            Bar(
                label=str(label),
                total=total,
                text=texts[index] if texts else _number(total),
                segments=segments,
                label_x=label_width - 8,
                label_y=y + BAR_HEIGHT - 4,
                total_x=x + 6,
                total_y=y + BAR_HEIGHT - 4,
            )
        )
    return {
        "bars": bars,
        "horizontal": True,
        "width": label_width + bar_area + 90,
        "height": max(len(rows), 1) * ROW_HEIGHT + 8,
        "legend": legend or [],
    }


def columns(
    rows: list[tuple[str, list[float]]],
    *,
    colours: list[str] = COLOURS,
    legend: list[tuple[str, str]] | None = None,
    width: int = COLUMN_WIDTH,
    gap: int = COLUMN_GAP,
    label_every: int = 1,
    totals: bool = True,
) -> dict:
    """One stacked column per row, scaled to the largest total; ``label_every`` writes only
    every n-th label below the axis and ``totals=False`` no totals above the columns (days of a
    long survey would overlap; the table has every number)."""
    largest = max((sum(values) for _label, values in rows), default=0) or 1
    top = 20
    bars = []
    for index, (label, values) in enumerate(rows):
        x = gap + index * (width + gap)
        y = float(top + COLUMN_AREA)
        segments = []
        for colour, value in zip(colours, values, strict=False):
            height = COLUMN_AREA * value / largest
            y -= height
            if value:
                segments.append(Segment(x, y, width, height, colour, value))
        total = sum(values)
        bars.append(
            Bar(
                label=str(label) if index % label_every == 0 else "",
                total=total,
                text=_number(total) if total and totals else "",
                segments=segments,
                label_x=x + width / 2,
                label_y=top + COLUMN_AREA + 16,
                total_x=x + width / 2,
                total_y=y - 4,
            )
        )
    return {
        "bars": bars,
        "horizontal": False,
        "width": max(len(rows), 1) * (width + gap) + gap,
        "height": top + COLUMN_AREA + 26,
        "legend": legend or [],
    }


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")
