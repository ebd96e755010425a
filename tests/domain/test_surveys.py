"""Survey timing without I/O: the delay, the customer's daytime window, DST days; low scores and closing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.surveys import (
    SurveyTiming,
    csat_due,
    is_closed,
    is_detractor,
    is_low_csat,
    timing,
)

SHANGHAI = "Asia/Shanghai"
NEW_YORK = "America/New_York"
DEFAULT = SurveyTiming()


def local(tz: str, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def test_a_morning_visit_is_rated_two_hours_later() -> None:
    visit = local(SHANGHAI, 2026, 11, 24, 10, 15)
    assert csat_due(visit, timing=DEFAULT, tz=SHANGHAI) == local(SHANGHAI, 2026, 11, 24, 12, 15)


def test_an_evening_visit_is_rated_the_next_morning() -> None:
    visit = local(SHANGHAI, 2026, 11, 24, 20, 30)
    assert csat_due(visit, timing=DEFAULT, tz=SHANGHAI) == local(SHANGHAI, 2026, 11, 25, 9, 0)


def test_a_visit_after_midnight_is_rated_the_same_morning() -> None:
    visit = local(SHANGHAI, 2026, 11, 25, 1, 0)
    assert csat_due(visit, timing=DEFAULT, tz=SHANGHAI) == local(SHANGHAI, 2026, 11, 25, 9, 0)


def test_the_window_edges_are_half_open() -> None:
    assert DEFAULT.in_daytime(local(SHANGHAI, 2026, 11, 24, 9, 0), SHANGHAI)
    assert not DEFAULT.in_daytime(local(SHANGHAI, 2026, 11, 24, 8, 59), SHANGHAI)
    assert DEFAULT.in_daytime(local(SHANGHAI, 2026, 11, 24, 20, 59), SHANGHAI)
    assert not DEFAULT.in_daytime(local(SHANGHAI, 2026, 11, 24, 21, 0), SHANGHAI)


def test_the_customers_own_zone_decides_not_utc() -> None:
    # 13:00 UTC is 21:00 in Shanghai (too late) but 08:00 in New York (too early).
    at = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    assert DEFAULT.daytime_from(at, SHANGHAI) == local(SHANGHAI, 2026, 11, 25, 9, 0)
    assert DEFAULT.daytime_from(at, NEW_YORK) == local(NEW_YORK, 2026, 11, 24, 9, 0)


def test_a_window_crossing_midnight() -> None:
    late = SurveyTiming(start=time(18, 0), end=time(2, 0))
    assert late.in_daytime(local(SHANGHAI, 2026, 11, 24, 23, 30), SHANGHAI)
    assert late.in_daytime(local(SHANGHAI, 2026, 11, 25, 1, 59), SHANGHAI)
    assert not late.in_daytime(local(SHANGHAI, 2026, 11, 25, 2, 0), SHANGHAI)
    assert late.daytime_from(local(SHANGHAI, 2026, 11, 25, 10, 0), SHANGHAI) == local(
        SHANGHAI, 2026, 11, 25, 18, 0
    )


def test_the_morning_after_the_spring_change_is_still_nine_on_the_clock() -> None:
    # New York moves to daylight time on 14 March 2027: that night is an hour short.
    visit = local(NEW_YORK, 2027, 3, 13, 20, 30)
    due = csat_due(visit, timing=DEFAULT, tz=NEW_YORK)
    assert due == datetime(2027, 3, 14, 13, 0, tzinfo=UTC)
    assert due.astimezone(ZoneInfo(NEW_YORK)).time() == time(9, 0)


def test_the_morning_after_the_autumn_change_is_still_nine_on_the_clock() -> None:
    visit = local(NEW_YORK, 2027, 11, 6, 22, 0)
    assert csat_due(visit, timing=DEFAULT, tz=NEW_YORK) == datetime(2027, 11, 7, 14, 0, tzinfo=UTC)


def test_a_window_starting_in_the_dst_gap_moves_forward_never_back() -> None:
    night = SurveyTiming(start=time(2, 30), end=time(5, 0))
    at = local(NEW_YORK, 2027, 3, 14, 1, 0)
    due = night.daytime_from(at, NEW_YORK)
    assert due > at
    assert due == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)  # 03:30 daylight time


def test_team_settings_are_read_and_junk_falls_back_to_the_defaults() -> None:
    custom = timing({"survey_delay_minutes": 30, "survey_window": {"start": "08:30", "end": "20:00"}})
    assert custom == SurveyTiming(timedelta(minutes=30), time(8, 30), time(20, 0))
    for junk in (
        None,
        {},
        {"survey_delay_minutes": "120"},
        {"survey_delay_minutes": True},
        {"survey_delay_minutes": -5},
        {"survey_delay_minutes": 10**9},
        {"survey_window": "09:00-21:00"},
        {"survey_window": {"start": "25:00", "end": "21:00"}},
        {"survey_window": {"start": "09:00"}},
        {"survey_window": {"start": "10:00", "end": "10:00"}},
    ):
        assert timing(junk) == DEFAULT, junk
    assert timing({"survey_window": {"start": "22:00", "end": "06:00"}}).start == time(22, 0)


def test_no_delay_is_allowed() -> None:
    visit = local(SHANGHAI, 2026, 11, 24, 10, 0)
    assert csat_due(visit, timing=timing({"survey_delay_minutes": 0}), tz=SHANGHAI) == visit


NOW = datetime(2027, 5, 1, 2, 0, tzinfo=UTC)


def test_low_scores_detractors_and_closing() -> None:
    assert [s for s in range(1, 6) if is_low_csat(s)] == [1, 2]
    assert [s for s in range(11) if is_detractor(s)] == [0, 1, 2, 3, 4, 5, 6]
    assert not is_closed(None, now=NOW)
    assert not is_closed(NOW - timedelta(days=6, hours=23), now=NOW)
    assert is_closed(NOW - timedelta(days=7), now=NOW)
