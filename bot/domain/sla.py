"""Service levels for complaint tickets: hours to first response and to resolution, per severity.

Defaults (first response 4 h, resolution 3 days) apply at every severity unless the team's
settings say otherwise, e.g. {"sla_hours": {"urgent": {"response": 1, "resolve": 24}}}.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.enums import TicketSeverity

DEFAULT_RESPONSE_HOURS = 4
DEFAULT_RESOLVE_HOURS = 72
MAX_HOURS = 24 * 90


@dataclass(frozen=True, slots=True)
class Sla:
    response: timedelta
    resolve: timedelta

    def deadlines(self, opened_at: datetime) -> tuple[datetime, datetime]:
        return opened_at + self.response, opened_at + self.resolve


def _hours(raw: object, default: int) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= MAX_HOURS:
        return raw
    return default


def sla_for(severity: str, team_settings: Mapping[str, Any] | None) -> Sla:
    """The team's SLA for a severity; junk in the settings falls back to the defaults."""
    table = (team_settings or {}).get("sla_hours")
    known = severity in {level.value for level in TicketSeverity}
    entry = table.get(severity) if isinstance(table, Mapping) and known else None
    entry = entry if isinstance(entry, Mapping) else {}
    response = _hours(entry.get("response"), DEFAULT_RESPONSE_HOURS)
    resolve = max(_hours(entry.get("resolve"), DEFAULT_RESOLVE_HOURS), response)
    return Sla(timedelta(hours=response), timedelta(hours=resolve))
