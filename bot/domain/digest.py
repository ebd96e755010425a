"""Digest figures that need no database: periods in a team's local days, when a digest is due, NPS, deltas.

A period is a run of whole local days of the team; its bounds are the UTC instants of local midnights,
so a day with a daylight-saving change is 23 or 25 hours long and still one day. A period still under
way is counted up to now, and whatever it is compared with is cut at the same local time: at 12:33 on
a Tuesday, last Tuesday until 12:33, never last Tuesday's whole day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_TIME = time(18, 0)
WEEKLY_TIME = time(9, 0)
BASELINE_DAYS = 28
CHART_DAYS = 14
COMPARE_DAYS = 7
_HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Kind(StrEnum):
    DAILY = "d"
    WEEKLY = "w"


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open span of time [start, end) in UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Period:
    """Whole local days of a team: one for a daily digest, seven for a weekly one."""

    kind: Kind
    first: date
    days: int

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.days - 1)

    def window(self, timezone: str) -> Window:
        return Window(
            local_midnight(self.first, timezone), local_midnight(self.last + timedelta(1), timezone)
        )

    def so_far(self, now: datetime, timezone: str) -> datetime | None:
        """`now` while the period is under way, which its figures are counted up to; None once it is over."""
        window = self.window(timezone)
        return now if window.start <= now < window.end else None

    def counted(self, timezone: str, until: datetime | None) -> Window:
        """The period's window, cut at `until` while it is under way."""
        window = self.window(timezone)
        return window if until is None else Window(window.start, until)

    def earlier(self, days: int, timezone: str, until: datetime | None) -> Window:
        """The period moved `days` back; cut at the local time of `until` when the period is under way,
        so that a partial day is compared with the same hours of an earlier day."""
        start = local_midnight(self.first - timedelta(days=days), timezone)
        if until is None:
            return Window(start, local_midnight(self.last + timedelta(days=1 - days), timezone))
        zone = ZoneInfo(timezone)
        local = until.astimezone(zone)
        end = datetime.combine(local.date() - timedelta(days=days), local.time(), tzinfo=zone)
        return Window(start, end.astimezone(UTC))

    def previous(self, timezone: str, until: datetime | None = None) -> Window:
        """The same days a week earlier, up to the same local time: what orders and revenue are
        compared with."""
        return self.earlier(COMPARE_DAYS, timezone, until)

    def baseline(self, timezone: str, until: datetime | None = None) -> list[Window]:
        """The periods of the four weeks before this one, which visit averages are taken over:
        one span of whole days, or each period up to the same local time when this one is under way."""
        if until is None:
            return [
                Window(
                    local_midnight(self.first - timedelta(days=BASELINE_DAYS), timezone),
                    local_midnight(self.first, timezone),
                )
            ]
        return [
            self.earlier(self.days * back, timezone, until) for back in range(1, self.baseline_periods + 1)
        ]

    @property
    def baseline_periods(self) -> int:
        """How many periods the baseline holds: 28 days, or 4 weeks."""
        return BASELINE_DAYS // self.days

    def chart_days(self) -> list[date]:
        """The fourteen local days the chart shows, ending with the period's last day."""
        return [self.last - timedelta(days=CHART_DAYS - 1 - i) for i in range(CHART_DAYS)]

    def dedupe_part(self) -> str:
        """The daily key's local date, or the ISO week the weekly digest is sent in."""
        if self.kind is Kind.DAILY:
            return self.first.isoformat()
        year, week, _ = (self.last + timedelta(days=1)).isocalendar()
        return f"{year}-W{week:02d}"


def daily(day: date) -> Period:
    return Period(Kind.DAILY, day, 1)


def weekly(monday: date) -> Period:
    """The seven days before the Monday the weekly digest goes out."""
    return Period(Kind.WEEKLY, monday - timedelta(days=7), 7)


def parse_code(kind: str, day: str) -> Period | None:
    """A period back from button data; None for anything a client could have forged."""
    try:
        first = datetime.strptime(day, "%Y%m%d").date()
        chosen = Kind(kind)
    except ValueError:
        return None
    return starting(chosen, first)


def starting(kind: Kind, first: date) -> Period:
    """The daily or weekly period that begins on `first`."""
    return daily(first) if kind is Kind.DAILY else Period(Kind.WEEKLY, first, 7)


def local_midnight(day: date, timezone: str) -> datetime:
    """The UTC instant a local day starts."""
    return datetime.combine(day, time(), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def day_starts(days: list[date], timezone: str) -> list[datetime]:
    """The instant each day starts, plus the end of the last: the bucket edges for a chart."""
    return [local_midnight(day, timezone) for day in days] + [
        local_midnight(days[-1] + timedelta(days=1), timezone)
    ]


def digest_time(settings: Mapping[str, Any] | None) -> time:
    """The team's daily digest time from its settings ("HH:MM"), 18:00 when unset or unreadable."""
    raw = (settings or {}).get("digest_time")
    match = _HH_MM.match(raw.strip()) if isinstance(raw, str) else None
    return time(int(match[1]), int(match[2])) if match else DEFAULT_TIME


def daily_due(now: datetime, timezone: str, at: time) -> Period | None:
    """Today's daily period once the team's digest time has passed there; None before it."""
    local = now.astimezone(ZoneInfo(timezone))
    return daily(local.date()) if local.time() >= at else None


def weekly_due(now: datetime, timezone: str) -> Period | None:
    """Last week's period on Monday from 09:00 local; None on any other day or earlier."""
    local = now.astimezone(ZoneInfo(timezone))
    if local.weekday() != 0 or local.time() < WEEKLY_TIME:
        return None
    return weekly(local.date())


def today(now: datetime, timezone: str) -> Period:
    return daily(now.astimezone(ZoneInfo(timezone)).date())


def nps(promoters: int, detractors: int, answers: int) -> int | None:
    """Net promoter score: % promoters (9–10) minus % detractors (0–6), rounded; None without answers."""
    if answers <= 0:
        return None
    return round(Decimal(100 * (promoters - detractors)) / answers)


def change(current: Decimal | int, previous: Decimal | int) -> Decimal | None:
    """The relative change from `previous` (0.25 for +25%); None when there is nothing to compare with."""
    if previous == 0:
        return None
    return (Decimal(current) - Decimal(previous)) / Decimal(previous)
