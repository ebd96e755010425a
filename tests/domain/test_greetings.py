"""Which occasions fall on a day, in which language to greet, and the greetings' wording."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.greetings import (
    BirthdayMatch,
    birthday_greeting,
    birthday_match,
    customer_language,
    greeting_day,
    holiday_greeting,
)
from bot.domain.holiday_calendar import Kind, holidays_on
from bot.i18n import I18n

I18N = I18n()


def test_feb_29_birthdays_are_greeted_on_feb_28_in_common_years() -> None:
    assert birthday_match(date(2027, 2, 28)) == BirthdayMatch(2, 28, with_leap_day=True)
    assert birthday_match(date(2028, 2, 28)) == BirthdayMatch(2, 28, with_leap_day=False)
    assert birthday_match(date(2028, 2, 29)) == BirthdayMatch(2, 29, with_leap_day=False)
    assert birthday_match(date(2027, 3, 1)) == BirthdayMatch(3, 1, with_leap_day=False)


def test_spring_festival_is_greeted_on_its_first_day_only() -> None:
    first = holidays_on(date(2027, 2, 6), "CN")
    assert [(h.key, h.kind, h.name_zh) for h in first] == [("spring-festival", Kind.SPRING_FESTIVAL, "春节")]
    for later in (date(2027, 2, 7), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10)):
        assert holidays_on(later, "CN") == []


def test_mid_autumn_and_other_chinese_holidays() -> None:
    assert [h.kind for h in holidays_on(date(2027, 9, 15), "CN")] == [Kind.MID_AUTUMN]
    national = holidays_on(date(2027, 10, 1), "CN")
    assert [(h.key, h.kind, h.name_en, h.name_zh) for h in national] == [
        ("national-day", Kind.HOLIDAY, "National Day", "国庆节")
    ]
    assert holidays_on(date(2027, 10, 4), "CN") == []
    assert holidays_on(date(2027, 3, 3), "CN") == []


def test_a_team_abroad_gets_its_own_holidays_plus_chinas_two_festivals() -> None:
    assert [h.kind for h in holidays_on(date(2027, 2, 6), "US")] == [Kind.SPRING_FESTIVAL]
    assert [h.kind for h in holidays_on(date(2027, 9, 15), "US")] == [Kind.MID_AUTUMN]
    assert [h.name_en for h in holidays_on(date(2027, 7, 4), "US")] == ["Independence Day"]
    assert holidays_on(date(2027, 10, 1), "US") == []


def test_an_unknown_region_falls_back_to_chinas_festivals() -> None:
    assert [h.kind for h in holidays_on(date(2027, 2, 6), "ZZ")] == [Kind.SPRING_FESTIVAL]


@pytest.mark.parametrize(
    ("account", "name", "company", "expected"),
    [
        (None, "王芳", None, "zh_Hans"),
        (None, "Ann Lee", "上海贸易", "zh_Hans"),
        (None, "Ann Lee", "Acme", "en"),
        ("en", "王芳", None, "en"),
        (None, "🎉 Party Store", None, "en"),
    ],
)
def test_customer_language(account: str | None, name: str, company: str | None, expected: str) -> None:
    assert customer_language(account_locale=account, names=[name, company], fallback="en") == expected


def test_greeting_time_is_nine_in_the_teams_zone() -> None:
    now = datetime(2027, 2, 6, 1, 30, tzinfo=UTC)
    assert greeting_day(now, "Asia/Shanghai") == date(2027, 2, 6)
    assert greeting_day(now, "America/New_York") == date(2027, 2, 5)
    assert greeting_day(datetime(2027, 2, 6, 13, 30, tzinfo=UTC), "America/New_York") is None
    assert greeting_day(datetime(2027, 2, 6, 14, 0, tzinfo=UTC), "America/New_York") == date(2027, 2, 6)
    assert greeting_day(datetime(2027, 2, 6, 0, 59, tzinfo=UTC), "Asia/Shanghai") is None


def test_greetings_in_both_languages() -> None:
    en = I18N.translator("en", "Asia/Shanghai")
    zh = I18N.translator("zh_Hans", "Asia/Shanghai")
    assert birthday_greeting(en, "Ann") == "Happy birthday, Ann! Wishing you a wonderful year ahead."
    assert birthday_greeting(zh, "王芳") == "王芳，祝您生日快乐，万事如意！"
    spring = holidays_on(date(2027, 2, 6), "CN")[0]
    assert holiday_greeting(zh, spring) == "祝您新春快乐，阖家幸福，万事如意！"
    assert holiday_greeting(en, spring).startswith("Happy Spring Festival!")
    mid_autumn = holidays_on(date(2027, 9, 15), "CN")[0]
    assert holiday_greeting(zh, mid_autumn) == "祝您中秋快乐，花好月圆，阖家团圆！"
    national = holidays_on(date(2027, 10, 1), "CN")[0]
    assert holiday_greeting(en, national) == "Happy National Day! Best wishes to you and your family."
    assert holiday_greeting(zh, national) == "祝您国庆节快乐，阖家幸福！"
