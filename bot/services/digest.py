"""The manager digest: a team's figures for a period, queued for each manager or shown on /digest.

Figures are gathered once per team and period, then rendered per manager in their own language
and time zone (handlers/digest/pushes.py). The text (with drill-down buttons) and the chart go out
as two outbox rows queued in that order; their dedupe keys make every later run, or a restart,
queue nothing again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import digest as figures
from bot.domain.digest import Kind, Period
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services.errors import NotAllowed, NoTeam
from bot.services.paging import Page as Page
from bot.services.paging import page_or_last
from bot.services.pushes import PushRequest, Recipient
from storage.models import Outbox
from storage.queries import digest as queries
from storage.queries.digest import Exceptions, Manager, RepVisits, Sales, Satisfaction, TeamRow
from storage.queries.digest import Listing as Listing

PUSH_PRIORITY = 6
KIND_NAMES = {Kind.DAILY: "daily", Kind.WEEKLY: "weekly"}


class Drill(StrEnum):
    """What a drill-down button lists."""

    RISK = "risk"
    TICKETS = "tickets"
    FOLLOW_UPS = "followups"
    VISITS = "visits"
    NEW = "new"
    ORDERS = "orders"
    REPS = "reps"


PERIOD_DRILLS = (Drill.RISK, Drill.VISITS, Drill.NEW, Drill.ORDERS, Drill.REPS)
NOW_DRILLS = (Drill.TICKETS, Drill.FOLLOW_UPS)


@dataclass(frozen=True, slots=True)
class Digest:
    """Everything one digest shows, before it is put into words."""

    team: TeamRow
    period: Period
    now: datetime
    exceptions: Exceptions
    reps: list[RepVisits]
    new_customers: int
    sales: Sales
    satisfaction: Satisfaction
    chart_days: list[date]
    chart_revenue: list[Decimal]

    @property
    def active_reps(self) -> list[RepVisits]:
        """The reps with visits in the period or in the weeks it is compared with, most visits first."""
        return active(self.reps)

    @property
    def until(self) -> datetime | None:
        """When the period is still under way, the instant its figures stop at (and its comparisons with
        earlier days, at the same local time); None for a period that is over."""
        return self.period.so_far(self.now, self.team.timezone)


@dataclass(frozen=True, slots=True)
class DigestText:
    """A team's digest as a message with drill-down buttons."""

    digest: Digest


@dataclass(frozen=True, eq=False)
class DigestChart:
    """A team's digest as a chart; one notice serves all the team's managers, so each language's
    chart is drawn once (compared by identity)."""

    digest: Digest


@dataclass(frozen=True, slots=True)
class ManagerDigest:
    """One manager's digest: the text, and the chart to queue after it when the text was new."""

    text: PushRequest
    chart: PushRequest


@dataclass(frozen=True, slots=True)
class Due:
    """A team's digest that some of its managers have not been sent yet."""

    team: TeamRow
    period: Period
    managers: list[Manager]


def active(reps: Sequence[RepVisits]) -> list[RepVisits]:
    return [rep for rep in reps if rep.visits or rep.baseline]


async def gather(session: AsyncSession, *, team: TeamRow, period: Period, now: datetime) -> Digest:
    """The period's figures for one team, each one grouped query; a period under way is counted up to
    `now` and compared with earlier days up to the same local time."""
    until = period.so_far(now, team.timezone)
    window = period.counted(team.timezone, until)
    days = period.chart_days()
    edges = figures.day_starts(days, team.timezone)
    revenue = await queries.revenue_by_day(session, team_id=team.id, currency=team.currency, edges=edges)
    return Digest(
        team=team,
        period=period,
        now=now,
        exceptions=await queries.exceptions(session, team_id=team.id, period=window, now=now),
        reps=await queries.rep_visits(
            session, team_id=team.id, period=window, baseline=period.baseline(team.timezone, until)
        ),
        new_customers=await queries.new_customers(session, team_id=team.id, period=window),
        sales=await queries.sales(
            session,
            team_id=team.id,
            currency=team.currency,
            period=window,
            previous=period.previous(team.timezone, until),
        ),
        satisfaction=await queries.satisfaction(session, team_id=team.id, period=window),
        chart_days=days,
        chart_revenue=[revenue.get(index, Decimal(0)) for index in range(len(days))],
    )


async def _viewer_team(session: AsyncSession, viewer: Viewer) -> TeamRow:
    if viewer.effective_role not in (Role.MANAGER, Role.ADMIN):
        raise NotAllowed
    if viewer.team_id is None:
        raise NoTeam
    team = await queries.team(session, viewer.team_id)
    if team is None:
        raise NoTeam
    return team


async def for_viewer(session: AsyncSession, *, viewer: Viewer, now: datetime) -> Digest:
    """Today's digest so far, for /digest."""
    team = await _viewer_team(session, viewer)
    return await gather(session, team=team, period=figures.today(now, team.timezone), now=now)


async def drill(
    session: AsyncSession,
    *,
    viewer: Viewer,
    what: Drill,
    period: Period | None,
    now: datetime,
    page: int,
    per_page: int,
) -> Page:
    """A page of a drill-down list, always of the viewer's own team; the last page when `page` is past
    the end."""
    team = await _viewer_team(session, viewer)

    async def fetch(limit: int, offset: int) -> Listing:
        return await _listing(session, team, what, period, now, limit=limit, offset=offset)

    return await page_or_last(fetch, page=page, per_page=per_page)


async def _listing(
    session: AsyncSession,
    team: TeamRow,
    what: Drill,
    period: Period | None,
    now: datetime,
    *,
    limit: int,
    offset: int,
) -> Listing:
    if what is Drill.TICKETS:
        return await queries.overdue_tickets_list(
            session, team_id=team.id, now=now, limit=limit, offset=offset
        )
    if what is Drill.FOLLOW_UPS:
        return await queries.overdue_follow_ups_list(
            session, team_id=team.id, now=now, limit=limit, offset=offset
        )
    chosen = period or figures.today(now, team.timezone)
    if what is Drill.REPS:
        return await _rep_listing(session, team, chosen, now, limit=limit, offset=offset)
    listing = {
        Drill.RISK: queries.high_risk_list,
        Drill.VISITS: queries.visits_list,
        Drill.NEW: queries.new_customers_list,
        Drill.ORDERS: queries.orders_list,
    }[what]
    return await listing(
        session, team_id=team.id, period=chosen.window(team.timezone), limit=limit, offset=offset
    )


async def _rep_listing(
    session: AsyncSession, team: TeamRow, period: Period, now: datetime, *, limit: int, offset: int
) -> Listing:
    """Each active rep's visits against their own average, counted as the digest counts them."""
    until = period.so_far(now, team.timezone)
    reps = active(
        await queries.rep_visits(
            session,
            team_id=team.id,
            period=period.counted(team.timezone, until),
            baseline=period.baseline(team.timezone, until),
        )
    )
    rows = [
        {"name": rep.name, "visits": rep.visits, "average": Decimal(rep.baseline) / period.baseline_periods}
        for rep in reps[offset : offset + limit]
    ]
    return Listing(rows, len(reps) if rows else 0)


def dedupe_key(period: Period, user_id: int) -> str:
    return f"digest:{KIND_NAMES[period.kind]}:{user_id}:{period.dedupe_part()}"


async def due(session: AsyncSession, *, now: datetime) -> list[Due]:
    """Teams whose daily (or Monday's weekly) digest time has come, with managers not yet queued."""
    found = []
    for team in await queries.teams(session):
        periods = [
            figures.daily_due(now, team.timezone, figures.digest_time(team.settings)),
            figures.weekly_due(now, team.timezone),
        ]
        managers = await queries.managers(session, team_id=team.id) if any(periods) else []
        for period in periods:
            if period is None or not managers:
                continue
            keys = {dedupe_key(period, m.user_id): m for m in managers}
            queued = set(await session.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(keys))))
            waiting = [manager for key, manager in keys.items() if key not in queued]
            if waiting:
                found.append(Due(team, period, waiting))
    return found


async def digests_for_team(
    session: AsyncSession, *, due: Due, now: datetime, default_locale: str
) -> list[ManagerDigest]:
    """The digest for each waiting manager, gathered once for the team."""
    digest = await gather(session, team=due.team, period=due.period, now=now)
    text, chart = DigestText(digest), DigestChart(digest)
    found = []
    for manager in due.managers:
        key = dedupe_key(due.period, manager.user_id)
        to = Recipient(
            manager.chat_id,
            manager.user_id,
            manager.locale or due.team.locale or default_locale,
            manager.timezone or due.team.timezone,
        )
        found.append(
            ManagerDigest(
                text=PushRequest(key, "digest", to, text, priority=PUSH_PRIORITY),
                chart=PushRequest(f"{key}:chart", "digest", to, chart, priority=PUSH_PRIORITY),
            )
        )
    return found
