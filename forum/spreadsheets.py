"""The one rule for text that leaves as a spreadsheet cell (CSV or XLSX downloads): a cell
starting with = + - @, a tab or a carriage return is run as a formula by spreadsheet programs,
so it gets a leading apostrophe and shows as the text it is."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value
