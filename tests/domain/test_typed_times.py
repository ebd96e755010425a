"""Times of day as people type them, in Chinese and English, alone or after a day."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.domain.dates import parse_clock, parse_when

# 10:00 on Tuesday 24 Nov 2026 in Shanghai.
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
SH = "Asia/Shanghai"

TYPED = [
    ("下午5点半", time(17, 30)),
    ("5点半", time(5, 30)),
    ("晚上8点", time(20, 0)),
    ("晚上八点", time(20, 0)),
    ("上午10点15分", time(10, 15)),
    ("下午 5 点 半", time(17, 30)),
    ("17点30分", time(17, 30)),
    ("17時", time(17, 0)),
    ("17:30", time(17, 30)),
    ("１７：３０", time(17, 30)),
    ("5:30pm", time(17, 30)),
    ("5.30 pm", time(17, 30)),
    ("5:30 p.m.", time(17, 30)),
    ("12pm", time(12, 0)),
]


@pytest.mark.parametrize(("typed", "expected"), TYPED)
def test_a_time_alone_is_today_at_that_time(typed: str, expected: time) -> None:
    when = parse_when(typed, now=NOW, tz=SH)
    assert when is not None
    assert (when.date().isoformat(), when.timetz().replace(tzinfo=None)) == ("2026-11-24", expected)


@pytest.mark.parametrize(("typed", "expected"), TYPED)
def test_a_setting_takes_the_same_times(typed: str, expected: time) -> None:
    assert parse_clock(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("明天下午5点半", datetime(2026, 11, 25, 17, 30)),
        ("明天 5.30pm", datetime(2026, 11, 25, 17, 30)),
        ("下周二 5:30 pm", datetime(2026, 12, 1, 17, 30)),
        ("tomorrow 5.30 pm", datetime(2026, 11, 25, 17, 30)),
        # The midnight that ends the evening, not noon.
        ("晚上12点", datetime(2026, 11, 25, 0, 0)),
    ],
)
def test_a_day_and_a_time(typed: str, expected: datetime) -> None:
    when = parse_when(typed, now=NOW, tz=SH)
    assert when is not None
    assert when.replace(tzinfo=None) == expected


@pytest.mark.parametrize("typed", ["12.25", "17.30", "下午5pm", "明天13pm", "12.60 pm", "25:00"])
def test_what_could_be_a_date_or_is_no_time_is_not_taken_as_a_moment(typed: str) -> None:
    assert parse_when(typed, now=NOW, tz=SH) is None


@pytest.mark.parametrize(
    "typed", ["下午", "晚上12点", "明天5点", "5.3", "24:00", "13pm", "下午5点半到晚上8点"]
)
def test_a_setting_wants_exactly_one_time_of_day(typed: str) -> None:
    assert parse_clock(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"), [("9", time(9, 0)), ("17.30", time(17, 30)), ("中午", time(12, 0))]
)
def test_a_setting_also_takes_bare_hours(typed: str, expected: time) -> None:
    assert parse_clock(typed) == expected
