"""Set-based reads and writes of the health rescan: a batch of customers costs a handful of statements."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, exists, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.enums import FeedbackKind, TicketStatus
from storage.db import utcnow
from storage.models import Customer, Feedback, Order, Team, Ticket, Visit
from storage.types import UTCDateTime

OPEN_TICKET_STATUSES = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.ANSWERED)
# A batch whose ids span at most this many times their count is read by id range, not id list.
DENSE_RANGE = 2


@dataclass(frozen=True)
class CustomerRow:
    id: int
    tier: str
    risk_level: str | None
    next_follow_up_at: datetime | None


@dataclass(frozen=True)
class OrderSummary:
    """One customer's orders in aggregate, now and as they stood on an earlier day (`then_*`, zero
    orders when the customer had none by then; the same as now when no earlier day was asked):
    what the rhythm, RFM and the churn model need."""

    customer_id: int
    orders: int
    first_at: datetime
    last_at: datetime
    total: Decimal
    then_orders: int
    then_last_at: datetime | None
    then_total: Decimal


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


async def first_order_at(session: AsyncSession, *, team_id: int) -> datetime | None:
    """The team's first order: one step down its (team, ordered_at) index."""
    found: datetime | None = await session.scalar(
        select(func.min(Order.ordered_at)).where(Order.team_id == team_id)
    )
    return found


async def order_summaries(
    session: AsyncSession, *, team_id: int, chunk: int, until: datetime, then: datetime | None = None
) -> AsyncIterator[list[OrderSummary]]:
    """Order count, first and last date and total per customer of the team up to `until`, and with
    `then` the same as of that earlier day, by customer id, in chunks.

    One grouped scan streamed through a server-side cursor: a keyset loop with LIMIT would have
    PostgreSQL aggregate the rest of the team's orders again for every chunk, and a second scan for
    the earlier day would read every order twice.
    """
    before = Order.ordered_at <= (then or until)
    result = await session.stream(
        select(
            Order.customer_id,
            func.count(),
            func.min(Order.ordered_at),
            func.max(Order.ordered_at),
            func.sum(Order.amount),
            func.count().filter(before),
            func.max(Order.ordered_at).filter(before),
            func.sum(Order.amount).filter(before),
        )
        .where(Order.team_id == team_id, Order.ordered_at <= until)
        .group_by(Order.customer_id)
        .order_by(Order.customer_id)
    )
    async for rows in result.partitions(chunk):
        yield [
            OrderSummary(*row[:4], Decimal(row[4] or 0), row[5], row[6], Decimal(row[7] or 0)) for row in rows
        ]


def _among(column: InstrumentedAttribute[Any], ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids`, or BETWEEN when the ids fill most of their range (a full rescan's batches).

    Planning a long IN list costs PostgreSQL more than the read itself; a range is planned at once.
    Rows of customers in the range but not in `ids` are dropped by the caller through `wanted`.
    """
    if ids and max(ids) - min(ids) < DENSE_RANGE * len(ids):
        return column.between(min(ids), max(ids))
    return column.in_(ids)


async def batch_orders(session: AsyncSession, *, ids: Sequence[int]) -> list[tuple[int, datetime, Decimal]]:
    wanted = set(ids)
    rows = await session.execute(
        select(Order.customer_id, Order.ordered_at, Order.amount).where(_among(Order.customer_id, ids))
    )
    return [(row[0], row[1], row[2]) for row in rows if row[0] in wanted]


async def batch_last_visits(session: AsyncSession, *, ids: Sequence[int]) -> dict[int, datetime]:
    rows = await session.execute(
        select(Visit.customer_id, func.max(Visit.visited_at))
        .where(_among(Visit.customer_id, ids))
        .group_by(Visit.customer_id)
    )
    wanted = set(ids)
    return {row[0]: row[1] for row in rows if row[0] in wanted}


async def batch_ratings(
    session: AsyncSession, *, ids: Sequence[int]
) -> dict[tuple[int, str], tuple[int, datetime]]:
    """The latest CSAT and NPS answer per customer, keyed by (customer id, kind)."""
    rows = await session.execute(
        select(Feedback.customer_id, Feedback.kind, Feedback.score, Feedback.created_at)
        .where(
            _among(Feedback.customer_id, ids),
            Feedback.kind.in_((FeedbackKind.CSAT, FeedbackKind.NPS)),
            Feedback.score.is_not(None),
        )
        .order_by(Feedback.created_at, Feedback.id)
    )
    wanted = set(ids)
    latest: dict[tuple[int, str], tuple[int, datetime]] = {}
    for customer_id, kind, score, at in rows:
        if customer_id in wanted:
            latest[(int(customer_id or 0), str(kind))] = (int(score or 0), at)
    return latest


async def batch_open_tickets(session: AsyncSession, *, ids: Sequence[int]) -> list[TicketRow]:
    rows = await session.execute(
        select(Ticket.customer_id, Ticket.number, Ticket.resolve_due_at).where(
            _among(Ticket.customer_id, ids), Ticket.status.in_(OPEN_TICKET_STATUSES)
        )
    )
    wanted = set(ids)
    return [TicketRow(*row) for row in rows if row[0] in wanted]


# Column -> PostgreSQL array type of the one-statement write-back; `id` first.
SCORE_COLUMNS = {
    "id": "integer",
    "health_score": "smallint",
    "risk_level": "varchar",
    "health_reasons": "text",
    "health_computed_at": "timestamptz",
    "stage": "varchar",
    "rfm_r": "smallint",
    "rfm_f": "smallint",
    "rfm_m": "smallint",
    "last_visit_at": "timestamptz",
    "last_order_at": "timestamptz",
}
UNNEST_UPDATE = text(
    "UPDATE customers SET "
    + ", ".join(
        f"{name} = CAST(v.{name} AS json)" if name == "health_reasons" else f"{name} = v.{name}"
        for name in SCORE_COLUMNS
        if name != "id"
    )
    + ", updated_at = :updated_at FROM unnest("
    + ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in SCORE_COLUMNS.items())
    + f") AS v({', '.join(SCORE_COLUMNS)}) WHERE customers.id = v.id"
).bindparams(bindparam("updated_at", type_=UTCDateTime()))


async def write_scores(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> None:
    """Each dict holds `id` and the SCORE_COLUMNS to set, in one statement.

    On PostgreSQL the rows travel as one array per column into UPDATE ... FROM unnest(...): a single
    round trip and no per-row ORM work. Elsewhere an executemany UPDATE by primary key.
    """
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        await session.execute(update(Customer), list(rows))
        return
    columns: dict[str, Any] = {name: [row[name] for row in rows] for name in SCORE_COLUMNS}
    columns["health_reasons"] = [json.dumps(reasons) for reasons in columns["health_reasons"]]
    await session.execute(UNNEST_UPDATE, {**columns, "updated_at": utcnow()})
