"""The transfer overview's charts: stacked bars per Handlungsfeld and columns per quarter, one
colour per status, drawn by ``cms.charts``."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from .. import charts
from .models import TransferStatus

WITHOUT_CHALLENGE = _("ohne Handlungsfeld")
# One colour per status, in the order of ``TransferStatus``.
COLOURS = charts.COLOURS[:4]


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
    return charts.horizontal_bars(rows, colours=COLOURS, legend=legend())


def columns(rows: list[tuple[str, list[int]]]) -> dict:
    """One stacked column per quarter, segments per status, scaled to the largest total."""
    return charts.columns(rows, colours=COLOURS, legend=legend())
