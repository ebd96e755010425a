"""How often each tier of customer should be visited, and whether a visit is due."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_CADENCE_DAYS: Mapping[str, int] = {"VIP": 14, "A": 30, "B": 60, "C": 90}
MAX_CADENCE_DAYS = 365


def cadence_overrides(team_settings: Mapping[str, Any] | None) -> dict[str, int]:
    """The valid per-tier overrides in a team's settings ("cadence_days": {"A": 10}); junk is ignored."""
    raw = (team_settings or {}).get("cadence_days")
    if not isinstance(raw, Mapping):
        return {}
    return {
        tier: days
        for tier, days in raw.items()
        if tier in DEFAULT_CADENCE_DAYS
        and isinstance(days, int)
        and not isinstance(days, bool)
        and 1 <= days <= MAX_CADENCE_DAYS
    }


def cadence_days(tier: str, overrides: Mapping[str, int] | None = None) -> int:
    """Days between visits for a tier; an unknown tier gets the slowest default."""
    if overrides and tier in overrides:
        return overrides[tier]
    return DEFAULT_CADENCE_DAYS.get(tier, max(DEFAULT_CADENCE_DAYS.values()))


def cadence_table(overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """Every tier's cadence, defaults merged with overrides."""
    return {tier: cadence_days(tier, overrides) for tier in DEFAULT_CADENCE_DAYS}
