"""SLA deadlines per severity, with team overrides and junk ignored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.sla import sla_for

OPENED = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def test_defaults_are_four_hours_and_three_days() -> None:
    assert sla_for("normal", None).deadlines(OPENED) == (
        OPENED + timedelta(hours=4),
        OPENED + timedelta(days=3),
    )


def test_a_team_override_applies_to_its_severity_only() -> None:
    settings = {"sla_hours": {"urgent": {"response": 1, "resolve": 24}}}
    assert sla_for("urgent", settings).deadlines(OPENED) == (
        OPENED + timedelta(hours=1),
        OPENED + timedelta(days=1),
    )
    assert sla_for("low", settings).response == timedelta(hours=4)


def test_junk_falls_back_and_resolution_is_never_before_response() -> None:
    settings = {
        "sla_hours": {"high": {"response": "soon", "resolve": -3}, "normal": {"response": 100, "resolve": 2}}
    }
    assert sla_for("high", settings).response == timedelta(hours=4)
    assert sla_for("high", settings).resolve == timedelta(hours=72)
    assert sla_for("normal", settings).resolve == timedelta(hours=100)
    assert sla_for("bogus", settings).response == timedelta(hours=4)
