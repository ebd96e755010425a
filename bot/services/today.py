"""/today: what a rep (or a manager's team) should do today, section by section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cadence import cadence_overrides, cadence_table
from bot.domain.viewer import Viewer
from bot.services.errors import NoTeam
from storage.queries import agenda, teams

AT_RISK_WINDOW = timedelta(hours=24)
SECTION_LIMIT = 10


@dataclass(frozen=True, slots=True)
class Section:
    """The first items of a section and how many there are in all."""

    items: tuple[dict[str, Any], ...]
    total: int


@dataclass(frozen=True, slots=True)
class Agenda:
    day: date
    now: datetime
    overdue: Section
    due_today: Section
    birthdays: Section
    at_risk: Section
    revisits: Section

    @property
    def is_empty(self) -> bool:
        return not any(
            s.total for s in (self.overdue, self.due_today, self.birthdays, self.at_risk, self.revisits)
        )


def _section(rows: agenda.Rows) -> Section:
    return Section(tuple(dict(row) for row in rows.rows), rows.total)


def day_bounds(now: datetime, tz: str) -> tuple[date, datetime]:
    """Today in the reader's zone, and the instant the next day starts."""
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    return today, datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


async def today(
    session: AsyncSession, *, viewer: Viewer, now: datetime, limit: int = SECTION_LIMIT
) -> Agenda:
    """The viewer's agenda: their own customers for a rep, the team's for a manager."""
    if viewer.team_id is None:
        raise NoTeam
    team = await teams.by_id(session, viewer.team_id)
    cadence = cadence_table(cadence_overrides(team.settings if team else None))
    day, tomorrow = day_bounds(now, viewer.timezone)
    leap_day_today = day.month == 2 and day.day == 28 and not _is_leap(day.year)
    return Agenda(
        day=day,
        now=now,
        overdue=_section(
            await agenda.follow_ups(session, viewer=viewer, due_from=None, due_before=now, limit=limit)
        ),
        due_today=_section(
            await agenda.follow_ups(session, viewer=viewer, due_from=now, due_before=tomorrow, limit=limit)
        ),
        birthdays=_section(
            await agenda.birthdays(
                session,
                viewer=viewer,
                month=day.month,
                day=day.day,
                with_leap_day=leap_day_today,
                limit=limit,
            )
        ),
        at_risk=_section(
            await agenda.newly_at_risk(session, viewer=viewer, since=now - AT_RISK_WINDOW, limit=limit)
        ),
        revisits=_section(
            await agenda.revisits_due(session, viewer=viewer, now=now, cadence=cadence, limit=limit)
        ),
    )
