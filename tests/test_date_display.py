"""How dates and zones read back to people: the year rule, offsets with their sign, and examples that work.

The translator's clock is fixed here, as the application fixes it to the jobs' clock.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bot.domain.dates import Refused, read_ahead, read_order_date
from bot.i18n import I18n, Translator
from handlers.common.typed_dates import AHEAD_EXAMPLES, ORDER_EXAMPLES

# 10:00 on Tuesday 24 Nov 2026 in Shanghai.
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
SH = "Asia/Shanghai"


def translator(locale: str, zone: str = SH, now: datetime = NOW) -> Translator:
    i18n = I18n()
    i18n.clock = lambda: now
    return i18n.translator(locale, zone)


@pytest.mark.parametrize(
    ("locale", "this_year", "next_year", "last_year"),
    [
        ("en", "Dec 1", "Dec 1, 2027", "Dec 1, 2025"),
        ("zh_Hans", "12月1日", "2027年12月1日", "2025年12月1日"),
    ],
)
def test_short_dates_carry_the_year_outside_this_year(
    locale: str, this_year: str, next_year: str, last_year: str
) -> None:
    t = translator(locale)
    assert t.day(date(2026, 12, 1)) == this_year
    assert t.day(date(2027, 12, 1)) == next_year
    assert t.day(date(2025, 12, 1)) == last_year


@pytest.mark.parametrize(
    ("locale", "this_year", "next_year"),
    [
        ("en", "Wed, Nov 25, 15:00", "Thu, Nov 25, 2027, 15:00"),
        ("zh_Hans", "11月25日周三 15:00", "2027年11月25日周四 15:00"),
    ],
)
def test_day_and_time_in_the_readers_zone(locale: str, this_year: str, next_year: str) -> None:
    t = translator(locale)
    assert t.day_time(datetime(2026, 11, 25, 7, 0, tzinfo=UTC)) == this_year
    assert t.day_time(datetime(2027, 11, 25, 7, 0, tzinfo=UTC)) == next_year


def test_the_current_year_is_the_readers_own() -> None:
    # 20:00 UTC on New Year's Eve is already 2027 in Shanghai, still 2026 in New York.
    eve = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
    moment = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
    assert translator("en", SH, eve).day(moment) == "Dec 31, 2026"
    assert translator("en", "America/New_York", eve).day(moment) == "Dec 31"


def test_spans_show_years_when_either_end_needs_one() -> None:
    t = translator("en", now=datetime(2027, 1, 2, 2, 0, tzinfo=UTC))
    # Babel sets the dash between thin spaces.
    assert t.days(date(2026, 12, 28), date(2027, 1, 3)) == "Dec 28, 2026\u2009–\u2009Jan 3, 2027"
    assert t.days(date(2027, 1, 4), date(2027, 1, 10)) == "Jan 4\u2009–\u200910"
    zh = translator("zh_Hans", now=datetime(2027, 1, 2, 2, 0, tzinfo=UTC))
    assert zh.days(date(2026, 12, 28), date(2027, 1, 3)) == "2026年12月28日\u2009–\u20092027年1月3日"


@pytest.mark.parametrize(
    ("zone", "en", "zh"),
    [
        ("Etc/GMT+5", "UTC-5", "UTC-5"),
        ("Etc/GMT-8", "UTC+8", "UTC+8"),
        ("UTC", "UTC", "UTC"),
        ("Asia/Shanghai", "China (Shanghai) Time (UTC+8)", "中国（上海）时间（UTC+8）"),
        ("Asia/Kolkata", "India Time (UTC+5:30)", "印度时间（UTC+5:30）"),
    ],
)
def test_zones_are_shown_with_the_right_sign(zone: str, en: str, zh: str) -> None:
    assert translator("en").timezone_with_offset(zone) == en
    assert translator("zh_Hans").timezone_with_offset(zone) == zh
    assert "GMT+5" not in translator("en").timezone_name(zone)


def _quoted(sentence: str) -> list[str]:
    """The examples quoted in a sentence, with straight or Chinese quotation marks."""
    return [straight or chinese for straight, chinese in re.findall(r'"([^"]+)"|“([^”]+)”', sentence)]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_every_suggested_example_is_accepted(locale: str) -> None:
    t = translator(locale)
    ahead = _quoted(t.gettext(AHEAD_EXAMPLES))
    order = _quoted(t.gettext(ORDER_EXAMPLES))
    assert len(ahead) == 3
    assert len(order) == 4
    for moment in (NOW, datetime(2026, 12, 30, 2, 0, tzinfo=UTC), datetime(2027, 3, 1, 2, 0, tzinfo=UTC)):
        for example in ahead:
            assert not isinstance(read_ahead(example, now=moment, tz=SH), Refused), example
        for example in order:
            assert not isinstance(read_order_date(example, now=moment, tz=SH), Refused), example
