"""Which holidays are greeted, on which day, under which name: China's official schedule with its
调休 days, days of remembrance, and Chinese names for a team abroad."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.greetings import holiday_greeting
from bot.domain.holiday_calendar import Holiday, Kind, holidays_on
from bot.i18n import I18n

I18N = I18n()


def greeted_in(year: int, region: str) -> list[tuple[date, str]]:
    day, found = date(year, 1, 1), []
    while day.year == year:
        found += [(day, h.key) for h in holidays_on(day, region)]
        day += timedelta(days=1)
    return found


def only(day: date, region: str) -> Holiday:
    [holiday] = holidays_on(day, region)
    return holiday


def test_china_2026_is_greeted_on_each_holidays_first_day_and_nothing_else() -> None:
    assert greeted_in(2026, "CN") == [
        (date(2026, 1, 1), "new-year-s-day"),
        (date(2026, 2, 16), "chinese-new-year-s-eve"),
        (date(2026, 2, 17), "spring-festival"),
        (date(2026, 5, 1), "labor-day"),
        (date(2026, 6, 19), "dragon-boat-festival"),
        (date(2026, 9, 25), "mid-autumn"),
        (date(2026, 10, 1), "national-day"),
    ]


@pytest.mark.parametrize(
    "day",
    [
        # 调休上班: the weekend days worked in 2026.
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
        # The weekdays off they pay for, and the observed days.
        date(2026, 1, 2),
        date(2026, 2, 20),
        date(2026, 2, 23),
        date(2026, 5, 4),
        date(2026, 5, 5),
        date(2026, 10, 5),
        date(2026, 10, 6),
        date(2026, 10, 7),
    ],
)
def test_no_holiday_on_a_2026_tiaoxiu_day(day: date) -> None:
    assert holidays_on(day, "CN") == []


@pytest.mark.parametrize(
    ("day", "region"),
    [
        (date(2026, 4, 5), "CN"),
        (date(2026, 4, 5), "HK"),
        (date(2026, 4, 5), "TW"),
        (date(2026, 4, 3), "GB"),
        (date(2026, 4, 3), "AU"),
        (date(2026, 4, 3), "SG"),
        (date(2026, 4, 2), "PH"),
        (date(2026, 4, 4), "PH"),
        (date(2026, 11, 2), "PH"),
        (date(2026, 4, 25), "AU"),
        (date(2026, 5, 25), "US"),
        (date(2026, 6, 6), "KR"),
        (date(2026, 2, 28), "TW"),
    ],
)
def test_days_of_remembrance_are_not_greeted(day: date, region: str) -> None:
    assert holidays_on(day, region) == []


@pytest.mark.parametrize(
    ("day", "region"),
    [
        (date(2026, 4, 7), "HK"),  # Tomb-Sweeping Day (observed)
        (date(2026, 9, 26), "HK"),  # The Day following Mid-Autumn Festival
        (date(2026, 12, 26), "HK"),  # The first weekday after Christmas Day
        (date(2026, 2, 18), "MY"),  # Chinese New Year (Second Day)
        (date(2026, 12, 28), "GB"),  # Boxing Day (observed)
        (date(2026, 5, 6), "JP"),  # Substitute Holiday
    ],
)
def test_days_that_only_extend_a_holiday_are_not_greeted(day: date, region: str) -> None:
    assert holidays_on(day, region) == []


def test_a_british_teams_holidays_carry_chinese_names_where_the_library_has_one() -> None:
    christmas = only(date(2026, 12, 25), "GB")
    assert (christmas.name_en, christmas.name_zh) == ("Christmas Day", "圣诞节")
    assert only(date(2027, 1, 1), "GB").name_zh == "元旦"
    boxing = only(date(2026, 12, 26), "GB")
    assert (boxing.name_en, boxing.name_zh) == ("Boxing Day", None)
    assert only(date(2026, 7, 4), "US").name_zh is None
    assert only(date(2026, 9, 7), "US").name_zh == "劳动节"


def test_a_holiday_without_a_chinese_name_is_greeted_without_one_in_chinese_only() -> None:
    zh = I18N.translator("zh_Hans", "Europe/London")
    en = I18N.translator("en", "Europe/London")
    boxing = only(date(2026, 12, 26), "GB")
    assert holiday_greeting(zh, boxing) == "祝您节日快乐，阖家幸福！"
    assert holiday_greeting(en, boxing) == "Happy Boxing Day! Best wishes to you and your family."
    christmas = only(date(2026, 12, 25), "GB")
    assert holiday_greeting(zh, christmas) == "祝您圣诞节快乐，阖家幸福！"


def test_a_chinese_teams_holiday_reads_in_english_for_an_english_reader() -> None:
    en = I18N.translator("en", "Asia/Shanghai")
    dragon_boat = only(date(2026, 6, 19), "CN")
    greeting = holiday_greeting(en, dragon_boat)
    assert greeting == "Happy Dragon Boat Festival! Best wishes to you and your family."


@pytest.mark.parametrize("region", ["HK", "SG", "MY", "TW", "KR"])
def test_a_festival_shared_with_the_mainland_is_one_holiday(region: str) -> None:
    assert [h.kind for h in holidays_on(date(2026, 2, 17), region)] == [Kind.SPRING_FESTIVAL]
    assert [h.kind for h in holidays_on(date(2026, 9, 25), region)] == [Kind.MID_AUTUMN]


def test_taiwans_own_holidays_keep_their_own_chinese_names() -> None:
    assert only(date(2026, 1, 1), "TW").name_zh == "中华民国开国纪念日"
    assert only(date(2026, 12, 25), "TW").name_zh == "行宪纪念日"
