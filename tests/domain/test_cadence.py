"""Visit cadence per tier, with team overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.cadence import cadence_days, cadence_overrides, cadence_table, next_visit_due, revisit_due

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("tier", "days"), [("VIP", 14), ("A", 30), ("B", 60), ("C", 90), ("?", 90)])
def test_defaults(tier: str, days: int) -> None:
    assert cadence_days(tier) == days


def test_overrides_from_team_settings_ignore_junk() -> None:
    settings = {"cadence_days": {"A": 10, "B": "often", "C": 0, "VIP": True, "Z": 3}}
    overrides = cadence_overrides(settings)
    assert overrides == {"A": 10}
    assert cadence_table(overrides) == {"VIP": 14, "A": 10, "B": 60, "C": 90}
    assert cadence_overrides({"cadence_days": [1, 2]}) == {}
    assert cadence_overrides(None) == {}


def test_revisit_due_at_the_cadence_boundary() -> None:
    assert not revisit_due("VIP", NOW - timedelta(days=13, hours=23), now=NOW)
    assert revisit_due("VIP", NOW - timedelta(days=14), now=NOW)
    assert not revisit_due("A", NOW - timedelta(days=11), now=NOW, overrides={"A": 12})
    assert revisit_due("A", NOW - timedelta(days=12), now=NOW, overrides={"A": 12})
    assert revisit_due("C", None, now=NOW)


def test_next_visit_due() -> None:
    assert next_visit_due("B", NOW) == date(2027, 1, 23)
    assert next_visit_due("B", NOW, {"B": 5}) == date(2026, 11, 29)
