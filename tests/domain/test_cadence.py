"""Visit cadence per tier, with team overrides."""

from __future__ import annotations

import pytest

from bot.domain.cadence import cadence_days, cadence_overrides, cadence_table


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
