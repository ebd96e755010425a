"""parse_when and the follow-up buttons, with a fixed `now` in several time zones."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dates import QuickChoice, add_months, parse_when, quick_choice

# Tuesday 24 Nov 2026, 10:00 in Shanghai; Monday 23 Nov, 21:00 in New York.
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
SH = "Asia/Shanghai"
NY = "America/New_York"


def local(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天下午3点", (2026, 11, 25, 15, 0)),
        ("明天 下午3点", (2026, 11, 25, 15, 0)),
        ("明天下午三点半", (2026, 11, 25, 15, 30)),
        ("后天上午10点", (2026, 11, 26, 10, 0)),
        ("大后天", (2026, 11, 27, 9, 0)),
        ("下周二", (2026, 12, 1, 9, 0)),
        ("下星期五下午2点", (2026, 12, 4, 14, 0)),
        ("下下周一", (2026, 12, 7, 9, 0)),
        ("周五", (2026, 11, 27, 9, 0)),
        ("星期天", (2026, 11, 29, 9, 0)),
        ("3天后", (2026, 11, 27, 9, 0)),
        ("三天后", (2026, 11, 27, 9, 0)),
        ("两周后", (2026, 12, 8, 9, 0)),
        ("1个月后", (2026, 12, 24, 9, 0)),
        ("2小时后", (2026, 11, 24, 12, 0)),
        ("30分钟后", (2026, 11, 24, 10, 30)),
        ("下午3点", (2026, 11, 24, 15, 0)),
        ("今晚8点", (2026, 11, 24, 20, 0)),
        ("晚上八点十五分", (2026, 11, 24, 20, 15)),
        ("明天中午", (2026, 11, 25, 12, 0)),
        ("明天 15:30", (2026, 11, 25, 15, 30)),
        ("月底", (2026, 11, 30, 9, 0)),
        ("下月底", (2026, 12, 31, 9, 0)),
        ("下个月", (2026, 12, 24, 9, 0)),
        ("12月1日", (2026, 12, 1, 9, 0)),
        ("12月1号下午4点", (2026, 12, 1, 16, 0)),
        ("2027年1月5日", (2027, 1, 5, 9, 0)),
        ("１２月３日", (2026, 12, 3, 9, 0)),
        ("next friday", (2026, 11, 27, 9, 0)),
        ("2026-12-01 14:00", (2026, 12, 1, 14, 0)),
        ("12/1", (2026, 12, 1, 9, 0)),
        ("tomorrow 9am", (2026, 11, 25, 9, 0)),
        ("tomorrow", (2026, 11, 25, 9, 0)),
        ("in 3 days", (2026, 11, 27, 9, 0)),
        ("Tomorrow 3pm", (2026, 11, 25, 15, 0)),
    ],
)
def test_reads_in_shanghai(text: str, expected: tuple[int, ...]) -> None:
    assert parse_when(text, now=NOW, tz=SH, locale="zh_Hans") == local(SH, *expected)


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_either_language_whatever_the_interface(locale: str) -> None:
    assert parse_when("明天下午3点", now=NOW, tz=SH, locale=locale) == local(SH, 2026, 11, 25, 15, 0)
    assert parse_when("next friday", now=NOW, tz=SH, locale=locale) == local(SH, 2026, 11, 27, 9, 0)


def test_reads_in_the_reps_own_zone() -> None:
    # Still Monday evening in New York: "tomorrow" is Tuesday there.
    assert parse_when("明天下午3点", now=NOW, tz=NY, locale="en") == local(NY, 2026, 11, 24, 15, 0)
    assert parse_when("tomorrow 9am", now=NOW, tz=NY, locale="en") == local(NY, 2026, 11, 24, 9, 0)
    assert parse_when("下周二", now=NOW, tz=NY, locale="en") == local(NY, 2026, 12, 1, 9, 0)
    when = parse_when("明天", now=NOW, tz="Europe/London", locale="en")
    assert when == local("Europe/London", 2026, 11, 25, 9, 0)
    assert when is not None
    assert when.astimezone(UTC) == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_past_forms_for_order_dates() -> None:
    assert parse_when("昨天", now=NOW, tz=SH, locale="zh_Hans", prefer_past=True) == local(
        SH, 2026, 11, 23, 9, 0
    )
    assert parse_when("上周五", now=NOW, tz=SH, locale="zh_Hans", prefer_past=True) == local(
        SH, 2026, 11, 20, 9, 0
    )
    assert parse_when("周五", now=NOW, tz=SH, locale="zh_Hans", prefer_past=True) == local(
        SH, 2026, 11, 20, 9, 0
    )
    assert parse_when("11/20", now=NOW, tz=SH, locale="en", prefer_past=True) == local(SH, 2026, 11, 20, 9, 0)
    assert parse_when("yesterday", now=NOW, tz=SH, locale="en", prefer_past=True) == local(
        SH, 2026, 11, 23, 9, 0
    )
    assert parse_when("3天前", now=NOW, tz=SH, locale="zh_Hans", prefer_past=True) == local(
        SH, 2026, 11, 21, 9, 0
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "banana",
        "香蕉",
        "明天下午25点",
        "13月40日",
        "下周八",
        "🙂",
        "x" * 200,
        "zzz 12",
        "明天 banana",
    ],
)
def test_unreadable_gives_none(text: str) -> None:
    assert parse_when(text, now=NOW, tz=SH, locale="en") is None


def test_results_are_aware_in_the_zone() -> None:
    when = parse_when("next friday", now=NOW, tz=NY, locale="en")
    assert when is not None
    assert when.tzinfo is not None
    assert when.utcoffset() == local(NY, 2026, 11, 27).utcoffset()


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (QuickChoice.TOMORROW, (2026, 11, 25)),
        (QuickChoice.IN_3_DAYS, (2026, 11, 27)),
        (QuickChoice.NEXT_WEEK, (2026, 12, 1)),
        (QuickChoice.IN_2_WEEKS, (2026, 12, 8)),
        (QuickChoice.NEXT_MONTH, (2026, 12, 24)),
    ],
)
def test_quick_choices_land_at_nine_local(choice: QuickChoice, expected: tuple[int, int, int]) -> None:
    assert quick_choice(choice, now=NOW, tz=SH) == local(SH, *expected, 9, 0)
    new_york_day = date(*expected).toordinal() - 1
    assert quick_choice(choice, now=NOW, tz=NY).date().toordinal() <= new_york_day + 1


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
