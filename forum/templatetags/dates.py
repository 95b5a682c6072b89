"""The site's one date convention, for templates (registered as builtins in TEMPLATES, so no
``{% load %}`` is needed) and for Python code that writes dates for people (emails, messages).

- Recent activity is relative: "vor 5 Minuten", "heute, 09:12", "gestern, 20:36"; anything
  older shows the absolute date and time. The exact time stays available as
  ``<time datetime=… title=…>``. Only pages rendered per request use it: a cached fragment
  (a post's header, see forum/views/post_html.py) would keep "vor 5 Minuten" for hours.
- Everything else is absolute, one format each: a date ("7. Januar 2027" / "7 January 2027"),
  a date with time ("7. Januar 2027, 20:36"), a date range ("7.–8. Januar 2027"), a month
  ("Januar 2027") for what is only known to the month, and workshop dates with their weekday
  ("Donnerstag, 7. Januar 2027").

German is the site's language; English follows British order (day month year), as Django's own
English formats are American ("Jan. 7, 2027"). Machine formats (ICS, ISO attributes, CSV for
spreadsheets) are not formatted here.
"""

from __future__ import annotations

import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturalday, naturaltime
from django.utils import timezone
from django.utils.dateformat import format as dateformat
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()

# Per language: date, date with time, and the parts of a range within one month / one year.
_FORMATS = {
    "de": {
        "date": "j. F Y",
        "month": "F Y",
        "time": "H:i",
        "same_month": ("j.", "–"),
        "same_year": ("j. F", " – "),
    },
    "en": {
        "date": "j F Y",
        "month": "F Y",
        "time": "H:i",
        "same_month": ("j", "–"),
        "same_year": ("j F", " – "),
    },
}
_WEEKDAY = "l, "
RECENT_MINUTES = 60


def _formats() -> dict:
    return _FORMATS.get((get_language() or "de")[:2], _FORMATS["de"])


def _local(value: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _format(value: datetime.date | None, pattern: str) -> str:
    if value in (None, ""):
        return ""
    return dateformat(_local(value), pattern)


@register.filter
def abs_date(value: datetime.date | None) -> str:
    """A date: "7. Januar 2027"."""
    return _format(value, _formats()["date"])


@register.filter
def abs_datetime(value: datetime.datetime | None) -> str:
    """A date with time: "7. Januar 2027, 20:36"."""
    fmt = _formats()
    return _format(value, f"{fmt['date']}, {fmt['time']}")


@register.filter
def weekday_date(value: datetime.date | None) -> str:
    """A workshop day: "Donnerstag, 7. Januar 2027"."""
    return _format(value, _WEEKDAY + _formats()["date"])


@register.filter
def weekday_datetime(value: datetime.datetime | None) -> str:
    """A workshop's start: "Donnerstag, 7. Januar 2027, 10:00"."""
    fmt = _formats()
    return _format(value, f"{_WEEKDAY}{fmt['date']}, {fmt['time']}")


@register.filter
def month_year(value: datetime.date | None) -> str:
    """What is only known to the month (a lab's start, a hosting turn): "Januar 2027"."""
    return _format(value, _formats()["month"])


@register.filter
def clock(value: datetime.datetime | datetime.time | None) -> str:
    """A time of day within a date shown elsewhere (a programme item): "10:00"."""
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return _format(value, _formats()["time"])


@register.filter
def date_range(start: datetime.date | None, end: datetime.date | None) -> str:
    """From one date to another, the shared month and year said once: "7.–8. Januar 2027",
    "30. Januar – 2. Februar 2027", "1. Oktober 2024 – 30. September 2026"."""
    if not end:
        return abs_date(start)
    if not start:
        return abs_date(end)
    first, last = _local(start), _local(end)
    first_day = first.date() if isinstance(first, datetime.datetime) else first
    last_day = last.date() if isinstance(last, datetime.datetime) else last
    fmt = _formats()
    if first_day == last_day:
        return abs_date(first_day)
    if (first_day.year, first_day.month) == (last_day.year, last_day.month):
        head, dash = fmt["same_month"]
    elif first_day.year == last_day.year:
        head, dash = fmt["same_year"]
    else:
        head, dash = fmt["date"], " – "
    return f"{dateformat(first_day, head)}{dash}{abs_date(last_day)}"


@register.filter
def weekday_range(start: datetime.datetime | None, end: datetime.datetime | None) -> str:
    """A workshop from start to end with weekdays and times; one day is said once:
    "Donnerstag, 7. Januar 2027, 10:00–16:00"."""
    if not start or not end:
        return weekday_datetime(start or end)
    first, last = _local(start), _local(end)
    if first.date() == last.date():
        return f"{weekday_datetime(first)}–{clock(last)}"
    return f"{weekday_datetime(first)} – {weekday_datetime(last)}"


def relative_text(value: datetime.datetime) -> str:
    """Recent activity in words: "jetzt", "vor 5 Minuten", "heute, 09:12", "gestern, 20:36";
    older than yesterday the absolute date and time."""
    now = timezone.now()
    if now - value < datetime.timedelta(minutes=RECENT_MINUTES):
        return naturaltime(min(value, now))
    local = _local(value)
    days = (_local(now).date() - local.date()).days
    if days in (0, 1):
        return f"{naturalday(local)}, {clock(local)}"
    return abs_datetime(value)


@register.filter
def relative(value: datetime.datetime | None) -> str:
    """Recent activity as ``<time>``: relative words, the exact time as ISO and as title."""
    if not value:
        return ""
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        _local(value).isoformat(timespec="seconds"),
        abs_datetime(value),
        relative_text(value),
    )
