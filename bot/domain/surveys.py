"""When a survey may reach a customer: the delay after a visit, their daytime, the NPS cadence.

A team may set {"survey_delay_minutes": 120, "survey_window": {"start": "09:00", "end": "21:00"}};
anything unreadable falls back to those defaults. A window may cross midnight (e.g. 10:00–01:00);
one that starts where it ends is junk. Local days are counted on the calendar, never as 24 hours,
so the morning after a DST change is still 09:00 on the clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_DELAY = timedelta(hours=2)
MAX_DELAY_MINUTES = 7 * 24 * 60
DEFAULT_START, DEFAULT_END = time(9, 0), time(21, 0)
NPS_LINKED_FOR = timedelta(days=60)
NPS_EVERY = timedelta(days=90)
ANSWER_WITHIN = timedelta(days=7)
CSAT_RANGE = range(1, 6)
NPS_RANGE = range(0, 11)
LOW_CSAT_MAX = 2
# NPS bands: 0–6 detractors, 7–8 passives, 9–10 promoters.
DETRACTOR_MAX = 6
PROMOTER = 9
_HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class SurveyTiming:
    """A team's survey delay and the customer-local daytime window surveys are sent in."""

    delay: timedelta = DEFAULT_DELAY
    start: time = DEFAULT_START
    end: time = DEFAULT_END

    def in_daytime(self, at: datetime, tz: str) -> bool:
        clock = at.astimezone(ZoneInfo(tz)).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def daytime_from(self, at: datetime, tz: str) -> datetime:
        """`at` itself when it falls in the window, else the window's next start (in UTC)."""
        if self.in_daytime(at, tz):
            return at.astimezone(UTC)
        zone = ZoneInfo(tz)
        local = at.astimezone(zone)
        day = local.date()
        if self.start < self.end and local.time().replace(tzinfo=None) >= self.end:
            day += timedelta(days=1)
        # A start inside a DST gap resolves forward with the pre-change offset; never before `at`.
        start = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
        if start < at:
            start = datetime.combine(day + timedelta(days=1), self.start, tzinfo=zone).astimezone(UTC)
        return start


def _clock(raw: object) -> time | None:
    match = _HH_MM.match(raw.strip()) if isinstance(raw, str) else None
    return time(int(match[1]), int(match[2])) if match else None


def timing(settings: Mapping[str, Any] | None) -> SurveyTiming:
    """The team's survey timing from its settings; junk falls back to 2 hours and 09:00–21:00."""
    settings = settings or {}
    minutes = settings.get("survey_delay_minutes")
    delay = DEFAULT_DELAY
    if isinstance(minutes, int) and not isinstance(minutes, bool) and 0 <= minutes <= MAX_DELAY_MINUTES:
        delay = timedelta(minutes=minutes)
    window = settings.get("survey_window")
    start = end = None
    if isinstance(window, Mapping):
        start, end = _clock(window.get("start")), _clock(window.get("end"))
    if start is None or end is None or start == end:
        start, end = DEFAULT_START, DEFAULT_END
    return SurveyTiming(delay=delay, start=start, end=end)


def csat_due(visited_at: datetime, *, timing: SurveyTiming, tz: str) -> datetime:
    """When a visit's rating question goes out: after the delay, moved into the customer's daytime."""
    return timing.daytime_from(visited_at + timing.delay, tz)


def score_range(kind: str) -> range:
    return CSAT_RANGE if kind == "csat" else NPS_RANGE


def is_low_csat(score: int) -> bool:
    return score <= LOW_CSAT_MAX


def is_detractor(score: int) -> bool:
    return score <= DETRACTOR_MAX


def is_closed(sent_at: datetime | None, *, now: datetime) -> bool:
    """A survey nobody answered within 7 days of sending is closed."""
    return sent_at is not None and now - sent_at >= ANSWER_WITHIN
