"""Typed team settings in both languages, and quiet hours across midnight."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from bot.domain.team_settings import Field, Invalid, Window, merged, parse, quiet_hours, quiet_until


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        (Field.TIMEZONE, "London", "Europe/London"),
        (Field.TIMEZONE, "上海", "Asia/Shanghai"),
        (Field.CURRENCY, "usd", "USD"),
        (Field.CURRENCY, "人民币", "CNY"),
        (Field.DIGEST_TIME, "7:30", "07:30"),
        (Field.DIGEST_TIME, "18点", "18:00"),
        (Field.CADENCE, "A 21", {"A": 21}),
        (Field.CADENCE, "VIP 10, b=45，C：120天", {"VIP": 10, "B": 45, "C": 120}),
        (Field.SURVEY_DELAY, "90", 90),
        (Field.SURVEY_DELAY, "2h", 120),
        (Field.SURVEY_DELAY, "3小时", 180),
        (Field.SURVEY_WINDOW, "09:00-21:00", {"start": "09:00", "end": "21:00"}),
        (Field.SURVEY_WINDOW, "8点到20点", {"start": "08:00", "end": "20:00"}),
        (Field.SLA, "urgent 1 24", {"urgent": {"response": 1, "resolve": 24}}),
        (Field.SLA, "紧急 2 48", {"urgent": {"response": 2, "resolve": 48}}),
        (Field.QUIET_HOURS, "22:00–08:00", {"start": "22:00", "end": "08:00"}),
        (Field.QUIET_HOURS, "关闭", None),
        (Field.QUIET_HOURS, "off", None),
    ],
)
def test_typed_values_become_settings(field: Field, typed: str, stored: object) -> None:
    assert parse(field, typed) == stored


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        (Field.TIMEZONE, "Atlantis"),
        (Field.CURRENCY, "XYZ"),
        (Field.CURRENCY, "dollars please"),
        (Field.DIGEST_TIME, "25:00"),
        (Field.DIGEST_TIME, "soon"),
        (Field.CADENCE, "A 0"),
        (Field.CADENCE, "D 30"),
        (Field.CADENCE, "A 400"),
        (Field.CADENCE, "every month"),
        (Field.SURVEY_DELAY, "-5"),
        (Field.SURVEY_DELAY, "30 days"),
        (Field.SURVEY_WINDOW, "09:00-09:00"),
        (Field.SLA, "urgent 24 1"),
        (Field.SLA, "critical 1 2"),
        (Field.SLA, "urgent one two"),
        (Field.QUIET_HOURS, "night"),
        (Field.QUIET_HOURS, "🌙"),
    ],
)
def test_nonsense_is_refused_with_its_field(field: Field, typed: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse(field, typed)
    assert refused.value.field is field


def test_per_tier_and_per_severity_values_join_the_others() -> None:
    settings: dict[str, Any] = {
        "cadence_days": {"VIP": 7},
        "sla_hours": {"high": {"response": 2, "resolve": 24}},
    }
    settings = merged(settings, Field.CADENCE, {"A": 21})
    settings = merged(settings, Field.SLA, {"urgent": {"response": 1, "resolve": 8}})
    assert settings["cadence_days"] == {"VIP": 7, "A": 21}
    assert set(settings["sla_hours"]) == {"high", "urgent"}
    assert "quiet_hours" not in merged({"quiet_hours": {"start": "22:00"}}, Field.QUIET_HOURS, None)


def test_quiet_hours_over_midnight_end_the_next_morning_local_time() -> None:
    window = quiet_hours({"quiet_hours": {"start": "22:00", "end": "08:00"}})
    assert window == Window(time(22), time(8))
    late = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    assert quiet_until(late, zone="Asia/Shanghai", window=window) == datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
    early = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)  # 06:00 the next day in Shanghai
    assert quiet_until(early, zone="Asia/Shanghai", window=window) == datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
    noon = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
    assert quiet_until(noon, zone="Asia/Shanghai", window=window) is None
    assert quiet_until(late, zone="Asia/Shanghai", window=None) is None
    assert quiet_hours({"quiet_hours": "junk"}) is None
