"""Set-based reads and writes of the health rescan: a batch of customers costs a handful of statements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from storage.enums import FeedbackKind, TicketStatus
from storage.models import Customer, Feedback, Order, Team, Ticket, Visit

OPEN_TICKET_STATUSES = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.ANSWERED)


@dataclass(frozen=True)
class CustomerRow:
    id: int
    tier: str
    risk_level: str | None
    next_follow_up_at: datetime | None


@dataclass(frozen=True)
class OrderSummary:
    """One customer's orders in aggregate: what the team rhythm and RFM need."""

    customer_id: int
    orders: int
    first_at: datetime
    last_at: datetime
    total: Decimal


@dataclass(frozen=True)
class TicketRow:
    customer_id: int
    number: int
    resolve_due_at: datetime | None


async def team_ids(session: AsyncSession) -> list[int]:
    return list((await session.scalars(select(Team.id).order_by(Team.id))).all())


async def team_settings(session: AsyncSession, *, team_id: int) -> dict[str, Any]:
    found = await session.scalar(select(Team.settings).where(Team.id == team_id))
    return dict(found or {})


def _has_news() -> ColumnElement[bool]:
    """Never scored, or an order, visit, rating or ticket came in after the last score."""
    since = Customer.health_computed_at
    return or_(
        since.is_(None),
        exists().where(Order.customer_id == Customer.id, Order.created_at > since),
        exists().where(Visit.customer_id == Customer.id, Visit.created_at > since),
        exists().where(Feedback.customer_id == Customer.id, Feedback.created_at > since),
        exists().where(Ticket.customer_id == Customer.id, Ticket.updated_at > since),
    )


async def customer_batch(
    session: AsyncSession, *, team_id: int, after_id: int, limit: int, changed_only: bool
) -> list[CustomerRow]:
    """The next customers of the team by id (keyset); with `changed_only`, those with news since scoring."""
    query = (
        select(Customer.id, Customer.tier, Customer.risk_level, Customer.next_follow_up_at)
        .where(Customer.team_id == team_id, Customer.id > after_id, Customer.erased_at.is_(None))
        .order_by(Customer.id)
        .limit(limit)
    )
    if changed_only:
        query = query.where(_has_news())
    rows = await session.execute(query)
    return [CustomerRow(*row) for row in rows]


async def order_summaries(
    session: AsyncSession, *, team_id: int, after_id: int, limit: int
) -> list[OrderSummary]:
    """Order count, first and last date and total per customer of the team, by customer id (keyset)."""
    rows = await session.execute(
        select(
            Order.customer_id,
            func.count(),
            func.min(Order.ordered_at),
            func.max(Order.ordered_at),
            func.sum(Order.amount),
        )
        .where(Order.team_id == team_id, Order.customer_id > after_id)
        .group_by(Order.customer_id)
        .order_by(Order.customer_id)
        .limit(limit)
    )
    return [OrderSummary(row[0], row[1], row[2], row[3], Decimal(row[4] or 0)) for row in rows]


async def batch_orders(session: AsyncSession, *, ids: Sequence[int]) -> list[tuple[int, datetime, Decimal]]:
    rows = await session.execute(
        select(Order.customer_id, Order.ordered_at, Order.amount).where(Order.customer_id.in_(ids))
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def batch_last_visits(session: AsyncSession, *, ids: Sequence[int]) -> dict[int, datetime]:
    rows = await session.execute(
        select(Visit.customer_id, func.max(Visit.visited_at))
        .where(Visit.customer_id.in_(ids))
        .group_by(Visit.customer_id)
    )
    return {row[0]: row[1] for row in rows}


async def batch_ratings(
    session: AsyncSession, *, ids: Sequence[int]
) -> dict[tuple[int, str], tuple[int, datetime]]:
    """The latest CSAT and NPS answer per customer, keyed by (customer id, kind)."""
    rows = await session.execute(
        select(Feedback.customer_id, Feedback.kind, Feedback.score, Feedback.created_at)
        .where(
            Feedback.customer_id.in_(ids),
            Feedback.kind.in_((FeedbackKind.CSAT, FeedbackKind.NPS)),
            Feedback.score.is_not(None),
        )
        .order_by(Feedback.created_at, Feedback.id)
    )
    latest: dict[tuple[int, str], tuple[int, datetime]] = {}
    for customer_id, kind, score, at in rows:
        latest[(int(customer_id or 0), str(kind))] = (int(score or 0), at)
    return latest


async def batch_open_tickets(session: AsyncSession, *, ids: Sequence[int]) -> list[TicketRow]:
    rows = await session.execute(
        select(Ticket.customer_id, Ticket.number, Ticket.resolve_due_at).where(
            Ticket.customer_id.in_(ids), Ticket.status.in_(OPEN_TICKET_STATUSES)
        )
    )
    return [TicketRow(*row) for row in rows]


async def write_scores(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> None:
    """One executemany UPDATE by primary key; each dict holds `id` and the columns to set."""
    if rows:
        await session.execute(update(Customer), list(rows))
