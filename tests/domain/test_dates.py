"""parse_when and the follow-up buttons, with a fixed `now` in several time zones."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dates import (
    Problem,
    QuickChoice,
    Refused,
    add_months,
    parse_when,
    quick_choice,
    read_ahead,
    read_order_date,
    shows_year,
)

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
    assert parse_when(text, now=NOW, tz=SH) == local(SH, *expected)


def test_either_language_whatever_the_interface() -> None:
    assert parse_when("明天下午3点", now=NOW, tz=SH) == local(SH, 2026, 11, 25, 15, 0)
    assert parse_when("next friday", now=NOW, tz=SH) == local(SH, 2026, 11, 27, 9, 0)


def test_reads_in_the_reps_own_zone() -> None:
    # Still Monday evening in New York: "tomorrow" is Tuesday there.
    assert parse_when("明天下午3点", now=NOW, tz=NY) == local(NY, 2026, 11, 24, 15, 0)
    assert parse_when("tomorrow 9am", now=NOW, tz=NY) == local(NY, 2026, 11, 24, 9, 0)
    assert parse_when("下周二", now=NOW, tz=NY) == local(NY, 2026, 12, 1, 9, 0)
    when = parse_when("明天", now=NOW, tz="Europe/London")
    assert when == local("Europe/London", 2026, 11, 25, 9, 0)
    assert when is not None
    assert when.astimezone(UTC) == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_past_forms_for_order_dates() -> None:
    assert parse_when("昨天", now=NOW, tz=SH, prefer_past=True) == local(SH, 2026, 11, 23, 9, 0)
    assert parse_when("上周五", now=NOW, tz=SH, prefer_past=True) == local(SH, 2026, 11, 20, 9, 0)
    assert parse_when("周五", now=NOW, tz=SH, prefer_past=True) == local(SH, 2026, 11, 20, 9, 0)
    assert parse_when("11/20", now=NOW, tz=SH, prefer_past=True) == local(SH, 2026, 11, 20, 9, 0)
    assert parse_when("yesterday", now=NOW, tz=SH, prefer_past=True) == local(SH, 2026, 11, 23, 9, 0)
    assert parse_when("3天前", now=NOW, tz=SH, prefer_past=True) == local(SH, 2026, 11, 21, 9, 0)


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
    assert parse_when(text, now=NOW, tz=SH) is None


def test_results_are_aware_in_the_zone() -> None:
    when = parse_when("next friday", now=NOW, tz=NY)
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


# Strict reading: impossible or partial input is refused, never guessed -------------------------


@pytest.mark.parametrize(
    "text",
    [
        "13/13",
        "-5",
        "+8",
        "5",
        "13",
        "99",
        "2027",
        "12.25",
        "25.12.2026",
        "tomorrow 25:00",
        "明天 25:00",
        "明天 15:75",
        "12:60",
        "24:00",
        "13pm",
        "0am",
        "3pm 15:00",
        "feb 30",
        "2026-02-30",
        "31/4",
        "13月13日",
        "december",
        "dec 2027",
        "2 hours",
        "in 2 hours 15:00",
        "tomorrow friday",
        "now",
        "1 2 3",
        "next",
        "tomorrow -5",
    ],
)
def test_impossible_or_partial_input_is_refused(text: str) -> None:
    assert parse_when(text, now=NOW, tz=SH) is None
    assert parse_when(text, now=NOW, tz=SH, prefer_past=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/25", (2026, 12, 25, 9, 0)),
        ("25/12", (2026, 12, 25, 9, 0)),
        ("12/25 9:00", (2026, 12, 25, 9, 0)),
        ("12/1/27", (2027, 12, 1, 9, 0)),
        ("2026/12/25", (2026, 12, 25, 9, 0)),
        ("11/20", (2027, 11, 20, 9, 0)),
        ("Dec 25", (2026, 12, 25, 9, 0)),
        ("25 Dec", (2026, 12, 25, 9, 0)),
        ("the 25th of December", (2026, 12, 25, 9, 0)),
        ("December 25, 2027", (2027, 12, 25, 9, 0)),
        ("Friday 10:30", (2026, 11, 27, 10, 30)),
        ("friday 2pm", (2026, 11, 27, 14, 0)),
        ("3:30 p.m.", (2026, 11, 24, 15, 30)),
        ("tomorrow at 3pm", (2026, 11, 25, 15, 0)),
        ("tomorrow noon", (2026, 11, 25, 12, 0)),
        ("tomorrow morning", (2026, 11, 25, 9, 0)),
        ("tonight", (2026, 11, 24, 19, 0)),
        ("day after tomorrow", (2026, 11, 26, 9, 0)),
        ("in two days", (2026, 11, 26, 9, 0)),
        ("in 2 weeks", (2026, 12, 8, 9, 0)),
        ("in 2 hours", (2026, 11, 24, 12, 0)),
        ("in 3 days 15:00", (2026, 11, 27, 15, 0)),
        ("9:00", (2026, 11, 24, 9, 0)),
        ("明天 15:00", (2026, 11, 25, 15, 0)),
        ("12月25日", (2026, 12, 25, 9, 0)),
        ("12月25日9:00", (2026, 12, 25, 9, 0)),
        ("周五10:30", (2026, 11, 27, 10, 30)),
    ],
)
def test_english_and_numeric_forms(text: str, expected: tuple[int, ...]) -> None:
    assert parse_when(text, now=NOW, tz=SH) == local(SH, *expected)


def test_year_less_dates_look_back_for_orders() -> None:
    assert parse_when("12/25", now=NOW, tz=SH, prefer_past=True) == local(SH, 2025, 12, 25, 9, 0)
    assert parse_when("12月25日", now=NOW, tz=SH, prefer_past=True) == local(SH, 2025, 12, 25, 9, 0)
    assert parse_when("Dec 25", now=NOW, tz=SH, prefer_past=True) == local(SH, 2025, 12, 25, 9, 0)


# Windows: what each field takes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天 15:00", (2026, 11, 25, 15, 0)),
        ("下周二", (2026, 12, 1, 9, 0)),
        ("12月25日", (2026, 12, 25, 9, 0)),
        ("tomorrow 15:00", (2026, 11, 25, 15, 0)),
        ("next Tuesday", (2026, 12, 1, 9, 0)),
        ("12/25", (2026, 12, 25, 9, 0)),
        ("2028-11-24 18:00", (2028, 11, 24, 18, 0)),
        ("2028年11月24日", (2028, 11, 24, 9, 0)),
    ],
)
def test_ahead_takes_the_next_two_years(text: str, expected: tuple[int, ...]) -> None:
    assert read_ahead(text, now=NOW, tz=SH) == local(SH, *expected)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("13/13", Problem.UNREADABLE),
        ("-5", Problem.UNREADABLE),
        ("tomorrow 25:00", Problem.UNREADABLE),
        ("明天下午25点", Problem.UNREADABLE),
        ("yesterday 10:00", Problem.PASSED),
        ("昨天", Problem.PASSED),
        ("9:00", Problem.PASSED),
        ("2020-01-01 10:00", Problem.PASSED),
        ("2028-11-25", Problem.TOO_FAR),
        ("2030-01-01", Problem.TOO_FAR),
        ("2113年1月1日", Problem.TOO_FAR),
        ("in 3 years", Problem.TOO_FAR),
        ("in 999 months", Problem.TOO_FAR),
    ],
)
def test_ahead_refusals(text: str, problem: Problem) -> None:
    refused = read_ahead(text, now=NOW, tz=SH)
    assert isinstance(refused, Refused)
    assert refused.problem is problem
    if problem is Problem.TOO_FAR:
        assert refused.limit == date(2028, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", (2026, 11, 24)),
        ("昨天", (2026, 11, 23)),
        ("上周五", (2026, 11, 20)),
        ("last Friday", (2026, 11, 20)),
        ("11/20", (2026, 11, 20)),
        ("12月25日", (2025, 12, 25)),
        ("2000-01-01", (2000, 1, 1)),
        ("2025-03-08", (2025, 3, 8)),
    ],
)
def test_order_dates_from_2000_to_today(text: str, expected: tuple[int, int, int]) -> None:
    when = read_order_date(text, now=NOW, tz=SH)
    assert not isinstance(when, Refused)
    assert when.date() == date(*expected)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("13/13", Problem.UNREADABLE),
        ("香蕉", Problem.UNREADABLE),
        ("tomorrow", Problem.NOT_YET),
        ("明天", Problem.NOT_YET),
        ("2099年1月1日", Problem.NOT_YET),
        ("1900-01-01", Problem.TOO_EARLY),
        ("1999-12-31", Problem.TOO_EARLY),
    ],
)
def test_order_date_refusals(text: str, problem: Problem) -> None:
    refused = read_order_date(text, now=NOW, tz=SH)
    assert isinstance(refused, Refused)
    assert refused.problem is problem


def test_order_today_is_the_reps_today() -> None:
    # 21:00 on Monday in New York is already Tuesday in Shanghai: "today" is Monday there.
    when = read_order_date("today", now=NOW, tz=NY)
    assert not isinstance(when, Refused)
    assert when.date() == date(2026, 11, 23)
    assert isinstance(read_order_date("2026-11-24", now=NOW, tz=NY), Refused)


def test_a_date_shows_its_year_outside_the_current_year() -> None:
    today = date(2026, 11, 24)
    assert not shows_year(date(2026, 1, 1), today=today)
    assert not shows_year(date(2026, 12, 31), today=today)
    assert shows_year(date(2027, 1, 1), today=today)
    assert shows_year(date(2025, 12, 31), today=today)
