"""The site's one date convention (forum/templatetags/dates.py): relative for recent activity
with the exact time at hand, one absolute format each for a date, a date with time and a range,
workshop dates with their weekday; German and British English order."""

import datetime
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from forum.templatetags import dates
from tests.helpers.workshops import make_workshop

THURSDAY = datetime.date(2027, 1, 7)
BERLIN = timezone.get_default_timezone()
# The formats the convention replaced: "02.12.2026 20:36" and "2. Dez, 20:36".
NUMERIC = re.compile(r"\b\d\d\.\d\d\.\d{4}\b")
ABBREVIATED = re.compile(r"\b\d{1,2}\. (Jan|Feb|Mär|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)\b")
# English with German order: "7. January 2027".
GERMAN_DOT_IN_ENGLISH = re.compile(
    r"\b\d{1,2}\. (January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b"
)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "de",
            {
                "date": "7. Januar 2027",
                "datetime": "7. Januar 2027, 20:36",
                "weekday": "Donnerstag, 7. Januar 2027",
                "month": "Januar 2027",
                "same_month": "7.–8. Januar 2027",
                "same_year": "30. Januar – 2. Februar 2027",
                "years": "1. Oktober 2024 – 30. September 2026",
                "workshop": "Donnerstag, 7. Januar 2027, 10:00–16:30",
                "workshop_days": (
                    "Donnerstag, 7. Januar 2027, 10:00 – Freitag, 8. Januar 2027, 13:00"
                ),
            },
        ),
        (
            "en",
            {
                "date": "7 January 2027",
                "datetime": "7 January 2027, 20:36",
                "weekday": "Thursday, 7 January 2027",
                "month": "January 2027",
                "same_month": "7–8 January 2027",
                "same_year": "30 January – 2 February 2027",
                "years": "1 October 2024 – 30 September 2026",
                "workshop": "Thursday, 7 January 2027, 10:00–16:30",
                "workshop_days": "Thursday, 7 January 2027, 10:00 – Friday, 8 January 2027, 13:00",
            },
        ),
    ],
)
def test_absolute_dates_have_one_format_each_in_german_and_english(language, expected):
    friday = THURSDAY + timedelta(days=1)
    with translation.override(language):
        assert dates.abs_date(THURSDAY) == expected["date"]
        assert dates.abs_datetime(_at(THURSDAY, 20, 36)) == expected["datetime"]
        assert dates.weekday_date(THURSDAY) == expected["weekday"]
        assert dates.month_year(THURSDAY) == expected["month"]
        assert dates.date_range(THURSDAY, friday) == expected["same_month"]
        assert (
            dates.date_range(datetime.date(2027, 1, 30), datetime.date(2027, 2, 2))
            == (expected["same_year"])
        )
        assert (
            dates.date_range(datetime.date(2024, 10, 1), datetime.date(2026, 9, 30))
            == (expected["years"])
        )
        assert (
            dates.weekday_range(_at(THURSDAY, 10), _at(THURSDAY, 16, 30)) == (expected["workshop"])
        )
        assert (
            dates.weekday_range(_at(THURSDAY, 10), _at(friday, 13)) == (expected["workshop_days"])
        )


@pytest.mark.parametrize(
    ("language", "minutes_ago", "yesterday", "now"),
    [
        ("de", "vor 5 Minuten", "gestern, ", "jetzt"),
        ("en", "5\xa0minutes ago", "yesterday, ", "now"),
    ],
)
def test_recent_activity_is_relative_with_the_exact_time_in_its_title(
    language, minutes_ago, yesterday, now
):
    current = timezone.now()
    last_evening = timezone.localtime(current).replace(hour=20, minute=36) - timedelta(days=1)
    long_ago = current - timedelta(days=40)
    with translation.override(language):
        recent = dates.relative(current - timedelta(minutes=5))
        assert f">{minutes_ago}</time>" in recent
        assert f'title="{dates.abs_datetime(current - timedelta(minutes=5))}"' in recent
        assert 'datetime="' in recent
        assert dates.relative_text(current) == now
        assert dates.relative_text(last_evening) == f"{yesterday}20:36"
        assert dates.relative_text(long_ago) == dates.abs_datetime(long_ago)


def _pages(client, cast, forum):
    workshop = make_workshop(cast)
    client.force_login(cast.user("member"))
    return {
        "topic": reverse("forum:topic", args=[forum.closed_topic.pk]),
        "space": reverse("forum:space", args=[forum.closed.slug]),
        "forum": reverse("forum:home"),
        "workshop": reverse(
            "workshops:detail", kwargs={"slug": cast.consortium.slug, "pk": workshop.pk}
        ),
    }, workshop


@pytest.mark.parametrize("language", ["de", "en"])
def test_main_pages_show_dates_in_the_one_convention(client, cast, forum, language):
    pages, workshop = _pages(client, cast, forum)
    html = {
        name: client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for name, url in pages.items()
    }
    with translation.override(language):
        post_time = dates.abs_datetime(forum.closed_post.created_at)
        workshop_time = dates.weekday_range(workshop.starts_at, workshop.ends_at)
        just_now = dates.relative_text(timezone.now())
    for name, text in html.items():
        assert not NUMERIC.search(text), name
        assert not ABBREVIATED.search(text), name
        if language == "en":
            assert not GERMAN_DOT_IN_ENGLISH.search(text), name
    # A post's header is cached (forum/views/post_html.py): absolute, never "vor 5 Minuten".
    assert post_time in html["topic"]
    assert f">{just_now}</time>" in html["space"]
    assert f">{just_now}</time>" in html["forum"]
    assert workshop_time in html["workshop"]
