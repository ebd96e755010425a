"""What the manager digest reads: one aggregate per figure, grouped in the database.

Day buckets for the chart are a CASE over the local-midnight instants computed in Python, so the
same SQL runs on SQLite and PostgreSQL and a daylight-saving day is still one bucket. Lists for the
drill-down buttons return a page of rows plus a window count of all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from bot.domain.digest import Window
from bot.domain.enums import FeedbackKind, RiskLevel, TicketStatus
from bot.domain.names import full_name
from bot.domain.roles import Role
from bot.domain.surveys import DETRACTOR_MAX, PROMOTER
from storage.models import Customer, Feedback, Order, Reminder, RiskAlert, Team, Ticket, User, Visit
from storage.queries import reminders
from storage.queries.owner_names import owner_name_columns, with_owner_name

OPEN_TICKETS = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.ANSWERED)

Owner = aliased(User, name="owner")


@dataclass(frozen=True, slots=True)
class TeamRow:
    id: int
    name: str
    timezone: str
    currency: str
    locale: str | None
    settings: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Manager:
    """A digest recipient."""

    user_id: int
    chat_id: int
    locale: str | None
    timezone: str | None


@dataclass(frozen=True, slots=True)
class RepVisits:
    rep_id: int
    name: str
    visits: int
    baseline: int


@dataclass(frozen=True, slots=True)
class Sales:
    orders: int
    revenue: Decimal
    previous_orders: int
    previous_revenue: Decimal


@dataclass(frozen=True, slots=True)
class Satisfaction:
    csat_total: int
    csat_answers: int
    promoters: int
    detractors: int
    nps_answers: int


@dataclass(frozen=True, slots=True)
class Exceptions:
    new_high_risk: int
    overdue_tickets: int
    overdue_follow_ups: int
    open_tickets: int


@dataclass(frozen=True, slots=True)
class Listing:
    """The first rows of a drill-down list and how many there are in all."""

    rows: Sequence[Mapping[str, Any]]
    total: int


def _between(column: InstrumentedAttribute[datetime], window: Window) -> ColumnElement[bool]:
    return and_(column >= window.start, column < window.end)


async def teams(session: AsyncSession) -> list[TeamRow]:
    rows = await session.execute(
        select(Team.id, Team.name, Team.timezone, Team.currency, Team.locale, Team.settings).order_by(Team.id)
    )
    return [TeamRow(r.id, r.name, r.timezone, r.currency, r.locale, r.settings or {}) for r in rows]


async def team(session: AsyncSession, team_id: int) -> TeamRow | None:
    row = (
        await session.execute(
            select(Team.id, Team.name, Team.timezone, Team.currency, Team.locale, Team.settings).where(
                Team.id == team_id
            )
        )
    ).first()
    return (
        None
        if row is None
        else TeamRow(row.id, row.name, row.timezone, row.currency, row.locale, row.settings or {})
    )


async def managers(session: AsyncSession, *, team_id: int) -> list[Manager]:
    """Active managers of the team the bot can write to."""
    rows = await session.execute(
        select(User.id, User.chat_id, User.locale, User.timezone)
        .where(
            User.team_id == team_id,
            User.role == Role.MANAGER.value,
            User.is_active.is_(True),
            User.blocked_bot.is_(False),
            User.chat_id.is_not(None),
        )
        .order_by(User.id)
    )
    return [Manager(r.id, r.chat_id, r.locale, r.timezone) for r in rows]


async def rep_visits(
    session: AsyncSession, *, team_id: int, period: Window, baseline: Sequence[Window]
) -> list[RepVisits]:
    """Visits per rep in the period and in the baseline windows before it (whole days, or the same hours
    of each day); active reps without any show as 0."""
    in_period = _between(Visit.visited_at, period)
    in_baseline = or_(*[_between(Visit.visited_at, window) for window in baseline])
    counted = (
        select(
            Visit.rep_id,
            func.count(case((in_period, 1))).label("visits"),
            func.count(case((in_baseline, 1))).label("baseline"),
        )
        .where(
            Visit.team_id == team_id,
            Visit.visited_at >= min(window.start for window in baseline),
            Visit.visited_at < period.end,
        )
        .group_by(Visit.rep_id)
        .subquery("counted")
    )
    visits = func.coalesce(counted.c.visits, 0)
    rows = await session.execute(
        select(
            User.id,
            User.first_name,
            User.last_name,
            visits.label("visits"),
            func.coalesce(counted.c.baseline, 0),
        )
        .outerjoin(counted, counted.c.rep_id == User.id)
        .where(
            or_(
                counted.c.rep_id.is_not(None),
                and_(User.team_id == team_id, User.role == Role.REP.value, User.is_active.is_(True)),
            )
        )
        .order_by(visits.desc(), User.first_name, User.id)
    )
    return [RepVisits(r[0], full_name(r[1], r[2]), int(r[3]), int(r[4])) for r in rows]


def _bucket(column: InstrumentedAttribute[datetime], edges: Sequence[datetime]) -> ColumnElement[int]:
    """Which day `column` falls on: 0 for the first, given the instants each day starts."""
    return case(*[(column < edge, index) for index, edge in enumerate(edges[1:])])


async def revenue_by_day(
    session: AsyncSession, *, team_id: int, currency: str, edges: Sequence[datetime]
) -> dict[int, Decimal]:
    """Revenue in the team's currency per chart day (day index → amount)."""
    bucketed = (
        select(Order.amount, _bucket(Order.ordered_at, edges).label("day"))
        .where(
            Order.team_id == team_id,
            Order.currency == currency,
            Order.ordered_at >= edges[0],
            Order.ordered_at < edges[-1],
        )
        .subquery("bucketed")
    )
    rows = await session.execute(select(bucketed.c.day, func.sum(bucketed.c.amount)).group_by(bucketed.c.day))
    return {int(r[0]): Decimal(r[1] or 0) for r in rows}


async def sales(
    session: AsyncSession, *, team_id: int, currency: str, period: Window, previous: Window
) -> Sales:
    """Orders and revenue in the period and in the period a week before."""
    now_in, then_in = _between(Order.ordered_at, period), _between(Order.ordered_at, previous)
    row = (
        await session.execute(
            select(
                func.count(case((now_in, 1))),
                func.coalesce(func.sum(case((now_in, Order.amount))), 0),
                func.count(case((then_in, 1))),
                func.coalesce(func.sum(case((then_in, Order.amount))), 0),
            ).where(Order.team_id == team_id, Order.currency == currency, or_(now_in, then_in))
        )
    ).one()
    return Sales(int(row[0]), Decimal(row[1]), int(row[2]), Decimal(row[3]))


async def new_customers(session: AsyncSession, *, team_id: int, period: Window) -> int:
    found = await session.scalar(
        select(func.count()).where(
            Customer.team_id == team_id, Customer.erased_at.is_(None), _between(Customer.created_at, period)
        )
    )
    return int(found or 0)


async def satisfaction(session: AsyncSession, *, team_id: int, period: Window) -> Satisfaction:
    """CSAT sum and count, and NPS promoters, detractors and answers, in the period."""
    csat, nps = Feedback.kind == FeedbackKind.CSAT.value, Feedback.kind == FeedbackKind.NPS.value
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(case((csat, Feedback.score))), 0),
                func.count(case((csat, 1))),
                func.count(case((and_(nps, Feedback.score >= PROMOTER), 1))),
                func.count(case((and_(nps, Feedback.score <= DETRACTOR_MAX), 1))),
                func.count(case((nps, 1))),
            ).where(Feedback.team_id == team_id, _between(Feedback.created_at, period))
        )
    ).one()
    return Satisfaction(*(int(value) for value in row))


def _overdue_ticket(now: datetime) -> ColumnElement[bool]:
    return and_(
        Ticket.status.in_(OPEN_TICKETS),
        or_(
            Ticket.resolve_due_at < now,
            and_(Ticket.first_response_due_at < now, Ticket.first_response_at.is_(None)),
        ),
    )


def _overdue_follow_up(team_id: int, now: datetime) -> ColumnElement[bool]:
    return and_(Reminder.team_id == team_id, Reminder.status.in_(reminders.OPEN), Reminder.due_at < now)


def _high_risk(team_id: int, period: Window) -> ColumnElement[bool]:
    return and_(
        RiskAlert.team_id == team_id,
        RiskAlert.level == RiskLevel.HIGH.value,
        _between(RiskAlert.created_at, period),
    )


async def exceptions(session: AsyncSession, *, team_id: int, period: Window, now: datetime) -> Exceptions:
    """New high-risk customers in the period; tickets and follow-ups overdue and tickets open at `now`."""
    risky = select(func.count(distinct(RiskAlert.customer_id))).where(_high_risk(team_id, period))
    tickets = (
        await session.execute(
            select(func.count(case((_overdue_ticket(now), 1))), func.count()).where(
                Ticket.team_id == team_id, Ticket.status.in_(OPEN_TICKETS)
            )
        )
    ).one()
    follow_ups = select(func.count()).where(_overdue_follow_up(team_id, now))
    return Exceptions(
        new_high_risk=int(await session.scalar(risky) or 0),
        overdue_tickets=int(tickets[0]),
        overdue_follow_ups=int(await session.scalar(follow_ups) or 0),
        open_tickets=int(tickets[1]),
    )


async def _listed(session: AsyncSession, query: Select[*tuple[Any, ...]], limit: int, offset: int) -> Listing:
    """`limit` rows from `offset` on; the total is read from those rows, so it is 0 past the end. An
    owner's name comes as its two parts and is put together the way its language writes it."""
    counted = query.add_columns(func.count().over().label("total")).limit(limit).offset(offset)
    rows = [with_owner_name(dict(row._mapping)) for row in (await session.execute(counted)).all()]
    return Listing(rows, int(rows[0]["total"]) if rows else 0)


async def high_risk_list(
    session: AsyncSession, *, team_id: int, period: Window, limit: int, offset: int = 0
) -> Listing:
    """Customers who got a high-risk alert in the period, lowest health first."""
    query = (
        select(
            Customer.id.label("customer_id"),
            Customer.name.label("customer_name"),
            func.min(RiskAlert.score).label("score"),
            *owner_name_columns(Owner),
        )
        .join(Customer, Customer.id == RiskAlert.customer_id)
        .outerjoin(Owner, Owner.id == Customer.owner_id)
        .where(_high_risk(team_id, period), Customer.erased_at.is_(None))
        .group_by(Customer.id, Customer.name, Owner.first_name, Owner.last_name)
        .order_by(func.min(RiskAlert.score), Customer.id)
    )
    return await _listed(session, query, limit, offset)


async def overdue_tickets_list(
    session: AsyncSession, *, team_id: int, now: datetime, limit: int, offset: int = 0
) -> Listing:
    """Overdue open tickets, the longest overdue first."""
    due = func.coalesce(
        case((Ticket.first_response_at.is_(None), Ticket.first_response_due_at)), Ticket.resolve_due_at
    )
    query = (
        select(
            Ticket.id.label("ticket_id"),
            Ticket.number,
            Customer.id.label("customer_id"),
            Customer.name.label("customer_name"),
            due.label("due_at"),
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.team_id == team_id, _overdue_ticket(now))
        .order_by(due, Ticket.id)
    )
    return await _listed(session, query, limit, offset)


async def overdue_follow_ups_list(
    session: AsyncSession, *, team_id: int, now: datetime, limit: int, offset: int = 0
) -> Listing:
    return await _listed(session, reminders.listed(_overdue_follow_up(team_id, now)), limit, offset)


async def visits_list(
    session: AsyncSession, *, team_id: int, period: Window, limit: int, offset: int = 0
) -> Listing:
    query = (
        select(
            Visit.visited_at.label("at"),
            Customer.id.label("customer_id"),
            Customer.name.label("customer_name"),
            *owner_name_columns(Owner),
        )
        .join(Customer, Customer.id == Visit.customer_id)
        .join(Owner, Owner.id == Visit.rep_id)
        .where(Visit.team_id == team_id, _between(Visit.visited_at, period), Customer.erased_at.is_(None))
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
    )
    return await _listed(session, query, limit, offset)


async def new_customers_list(
    session: AsyncSession, *, team_id: int, period: Window, limit: int, offset: int = 0
) -> Listing:
    query = (
        select(
            Customer.created_at.label("at"),
            Customer.id.label("customer_id"),
            Customer.name.label("customer_name"),
            *owner_name_columns(Owner),
        )
        .outerjoin(Owner, Owner.id == Customer.owner_id)
        .where(
            Customer.team_id == team_id, Customer.erased_at.is_(None), _between(Customer.created_at, period)
        )
        .order_by(Customer.created_at.desc(), Customer.id.desc())
    )
    return await _listed(session, query, limit, offset)


async def orders_list(
    session: AsyncSession, *, team_id: int, period: Window, limit: int, offset: int = 0
) -> Listing:
    """The period's orders, largest first."""
    query = (
        select(
            Order.ordered_at.label("at"),
            Order.amount,
            Order.currency,
            Customer.id.label("customer_id"),
            Customer.name.label("customer_name"),
            *owner_name_columns(Owner),
        )
        .join(Customer, Customer.id == Order.customer_id)
        .outerjoin(Owner, Owner.id == Order.rep_id)
        .where(Order.team_id == team_id, _between(Order.ordered_at, period), Customer.erased_at.is_(None))
        .order_by(Order.amount.desc(), Order.id)
    )
    return await _listed(session, query, limit, offset)
