"""One date, time, duration and total style per language, in the reader's zone and current year."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.domain.date_display import clock, day, day_time, duration, overdue
from bot.domain.money import format_total

SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 8)
# 00:30 on Tuesday 8 Dec in Shanghai is still Monday 7 Dec in UTC.
AFTER_MIDNIGHT = datetime(2026, 12, 7, 16, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "plain", "with_weekday", "last_year"),
    [
        ("en", "Dec 8", "Tue, Dec 8", "Mon, Dec 8, 2025"),
        ("zh_Hans", "12月8日", "12月8日周二", "2025年12月8日周一"),
    ],
)
def test_a_day_reads_the_same_way_everywhere(
    locale: str, plain: str, with_weekday: str, last_year: str
) -> None:
    assert day(AFTER_MIDNIGHT, locale=locale, tz=SH, today=TODAY) == plain
    assert day(AFTER_MIDNIGHT, locale=locale, tz=SH, today=TODAY, weekday=True) == with_weekday
    assert day(date(2025, 12, 8), locale=locale, tz=SH, today=TODAY, weekday=True) == last_year


@pytest.mark.parametrize(
    ("locale", "this_year", "next_year"),
    [
        ("en", "Tue, Dec 8, 00:30", "Wed, Dec 8, 2027, 00:30"),
        ("zh_Hans", "12月8日周二 00:30", "2027年12月8日周三 00:30"),
    ],
)
def test_a_day_with_a_time_is_never_numeric_nor_twelve_hour(
    locale: str, this_year: str, next_year: str
) -> None:
    assert day_time(AFTER_MIDNIGHT, locale=locale, tz=SH, today=TODAY) == this_year
    next_december = AFTER_MIDNIGHT.replace(year=2027)
    assert day_time(next_december, locale=locale, tz=SH, today=TODAY) == next_year
    # In UTC the same moment is still the day before.
    utc_day = day_time(AFTER_MIDNIGHT, locale=locale, tz=ZoneInfo("UTC"), today=TODAY)
    assert utc_day == ("Mon, Dec 7, 16:30" if locale == "en" else "12月7日周一 16:30")


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_times_are_24_hour(locale: str) -> None:
    assert clock(datetime(2026, 12, 8, 9, 5, tzinfo=UTC), locale=locale, tz=SH) == "17:05"
    assert clock(time(9, 0), locale=locale, tz=SH) == "09:00"


@pytest.mark.parametrize(
    ("delta", "en", "zh"),
    [
        (timedelta(minutes=90), "1 hour 30 minutes", "1小时30分钟"),
        (timedelta(hours=2), "2 hours", "2小时"),
        (timedelta(minutes=1, seconds=59), "1 minute", "1分钟"),
        (timedelta(days=2, hours=3, minutes=5), "2 days 3 hours", "2天3小时"),
        (timedelta(days=1, minutes=5), "1 day", "1天"),
    ],
)
def test_durations_keep_two_units_and_never_round_up(delta: timedelta, en: str, zh: str) -> None:
    assert duration(delta, locale="en") == en
    assert duration(delta, locale="zh_Hans") == zh


def test_under_a_minute_is_left_to_words() -> None:
    assert duration(timedelta(seconds=0), locale="en") is None
    assert duration(timedelta(seconds=59), locale="zh_Hans") is None


@pytest.mark.parametrize(
    ("due", "now", "en", "zh"),
    [
        # Three hours late is hours, not "1 day".
        (
            datetime(2026, 12, 8, 1, 0, tzinfo=UTC),
            datetime(2026, 12, 8, 4, 0, tzinfo=UTC),
            "3 hours",
            "3小时",
        ),
        (
            datetime(2026, 12, 8, 1, 0, tzinfo=UTC),
            datetime(2026, 12, 8, 1, 40, tzinfo=UTC),
            "40 minutes",
            "40分钟",
        ),
        # 23:00 on Dec 5 to 08:00 on Dec 7 in Shanghai: two calendar days there, though 33 hours.
        (datetime(2026, 12, 5, 15, 0, tzinfo=UTC), datetime(2026, 12, 7, 0, 0, tzinfo=UTC), "2 days", "2天"),
    ],
)
def test_overdue_counts_hours_then_the_readers_calendar_days(
    due: datetime, now: datetime, en: str, zh: str
) -> None:
    assert overdue(due, now=now, locale="en", tz=SH) == en
    assert overdue(due, now=now, locale="zh_Hans", tz=SH) == zh


def test_not_yet_late_is_not_overdue() -> None:
    due = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
    assert overdue(due, now=due + timedelta(seconds=30), locale="en", tz=SH) is None
    assert overdue(due, now=due - timedelta(hours=1), locale="en", tz=SH) is None


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        ("9999.50", "¥9,999.50", "CN¥9,999.50"),
        ("125000", "¥12.5万", "CN¥125,000.00"),
        ("123456.78", "¥12.35万", "CN¥123,456.78"),
        ("125000000", "¥1.25亿", "CN¥125,000,000.00"),
    ],
)
def test_chinese_totals_count_in_wan_and_yi(amount: str, zh: str, en: str) -> None:
    assert format_total(Decimal(amount), "CNY", locale="zh_Hans") == zh
    assert format_total(Decimal(amount), "CNY", locale="en") == en
