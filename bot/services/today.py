"""/today: what a rep (or a manager's team) should do today, section by section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cadence import cadence_overrides, cadence_table
from bot.domain.viewer import Viewer
from bot.services.errors import NoTeam
from bot.services.paging import Page, page_or_last
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


class Part(StrEnum):
    """A section of the agenda, as a button names it."""

    OVERDUE = "overdue"
    DUE_TODAY = "due"
    BIRTHDAYS = "born"
    AT_RISK = "risk"
    REVISITS = "revisit"


@dataclass(frozen=True, slots=True)
class _Day:
    """What every section of one viewer's day is read against."""

    viewer: Viewer
    now: datetime
    day: date
    tomorrow: datetime
    cadence: dict[str, int]


async def _day(session: AsyncSession, viewer: Viewer, now: datetime) -> _Day:
    if viewer.team_id is None:
        raise NoTeam
    team = await teams.by_id(session, viewer.team_id)
    cadence = cadence_table(cadence_overrides(team.settings if team else None))
    day, tomorrow = day_bounds(now, viewer.timezone)
    return _Day(viewer, now, day, tomorrow, dict(cadence))


async def _part(session: AsyncSession, d: _Day, part: Part, *, limit: int, offset: int) -> agenda.Rows:
    """One section's rows from `offset` on, only of the customers and reminders the viewer may see."""
    viewer, now = d.viewer, d.now
    if part is Part.OVERDUE:
        return await agenda.follow_ups(
            session, viewer=viewer, due_from=None, due_before=now, limit=limit, offset=offset
        )
    if part is Part.DUE_TODAY:
        return await agenda.follow_ups(
            session, viewer=viewer, due_from=now, due_before=d.tomorrow, limit=limit, offset=offset
        )
    if part is Part.BIRTHDAYS:
        leap_day_today = d.day.month == 2 and d.day.day == 28 and not _is_leap(d.day.year)
        return await agenda.birthdays(
            session,
            viewer=viewer,
            month=d.day.month,
            day=d.day.day,
            with_leap_day=leap_day_today,
            limit=limit,
            offset=offset,
        )
    if part is Part.AT_RISK:
        return await agenda.newly_at_risk(
            session, viewer=viewer, since=now - AT_RISK_WINDOW, limit=limit, offset=offset
        )
    return await agenda.revisits_due(
        session, viewer=viewer, now=now, cadence=d.cadence, limit=limit, offset=offset
    )


async def today(
    session: AsyncSession, *, viewer: Viewer, now: datetime, limit: int = SECTION_LIMIT
) -> Agenda:
    """The viewer's agenda: their own customers for a rep, the team's for a manager."""
    d = await _day(session, viewer, now)
    sections = {part: _section(await _part(session, d, part, limit=limit, offset=0)) for part in Part}
    return Agenda(
        day=d.day,
        now=now,
        overdue=sections[Part.OVERDUE],
        due_today=sections[Part.DUE_TODAY],
        birthdays=sections[Part.BIRTHDAYS],
        at_risk=sections[Part.AT_RISK],
        revisits=sections[Part.REVISITS],
    )


async def section_page(
    session: AsyncSession, *, viewer: Viewer, part: Part, now: datetime, page: int, per_page: int
) -> Page:
    """A page of one whole section, as it stands now; the last page when `page` is past the end."""
    d = await _day(session, viewer, now)

    async def fetch(limit: int, offset: int) -> agenda.Rows:
        return await _part(session, d, part, limit=limit, offset=offset)

    return await page_or_last(fetch, page=page, per_page=per_page)
