"""Complaint tickets: gap-free numbers per team, rows and their history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import TicketEventKind, TicketStatus
from storage.models import Customer, Team, Ticket, TicketEvent


async def next_number(session: AsyncSession, *, team_id: int) -> int:
    """Bump the team's counter and read it back. The UPDATE takes the row lock (PostgreSQL) or the
    write lock (SQLite) until commit, so two tickets opened at once never share a number."""
    await session.execute(
        update(Team).where(Team.id == team_id).values(ticket_counter=Team.ticket_counter + 1)
    )
    number = await session.scalar(select(Team.ticket_counter).where(Team.id == team_id))
    assert number is not None
    return int(number)


async def add(session: AsyncSession, **fields: Any) -> Ticket:
    ticket = Ticket(**fields)
    session.add(ticket)
    await session.flush()
    return ticket


async def add_event(
    session: AsyncSession,
    *,
    ticket_id: int,
    kind: str,
    now: datetime,
    actor_id: int | None = None,
    body: str | None = None,
    details: dict[str, Any] | None = None,
    client_ref: str | None = None,
) -> TicketEvent:
    event = TicketEvent(
        ticket_id=ticket_id,
        kind=kind,
        at=now,
        actor_id=actor_id,
        body=body,
        details=details or {},
        client_ref=client_ref,
    )
    session.add(event)
    await session.flush()
    return event


async def by_client_ref(session: AsyncSession, *, client_ref: str) -> Ticket | None:
    return await session.scalar(select(Ticket).where(Ticket.client_ref == client_ref))


async def event_by_client_ref(session: AsyncSession, *, client_ref: str) -> TicketEvent | None:
    return await session.scalar(select(TicketEvent).where(TicketEvent.client_ref == client_ref))


OPEN_STATUSES = (TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value, TicketStatus.ANSWERED.value)
# What a customer may read of a ticket's history; notes, assignments and escalations stay internal.
PUBLIC_KINDS = (
    TicketEventKind.CREATED.value,
    TicketEventKind.REPLY_IN.value,
    TicketEventKind.REPLY_OUT.value,
)


def overdue_at(now: datetime) -> ColumnElement[bool]:
    """First response or resolution past due; resolved and closed tickets are never overdue."""
    return and_(
        Ticket.status.in_(OPEN_STATUSES),
        or_(
            and_(Ticket.first_response_at.is_(None), Ticket.first_response_due_at <= now),
            Ticket.resolve_due_at <= now,
        ),
    )


async def with_customer(session: AsyncSession, *, ticket_id: int) -> tuple[Ticket, Customer] | None:
    """A ticket and its customer, unless the customer was erased."""
    row = (
        await session.execute(
            select(Ticket, Customer)
            .join(Customer, Customer.id == Ticket.customer_id)
            .where(Ticket.id == ticket_id, Customer.erased_at.is_(None))
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def history(
    session: AsyncSession, *, ticket_id: int, kinds: Sequence[str] | None = None, limit: int | None = None
) -> list[TicketEvent]:
    """The newest `limit` events of a ticket (all when None), oldest first."""
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
    if kinds is not None:
        query = query.where(TicketEvent.kind.in_(kinds))
    query = query.order_by(TicketEvent.at.desc(), TicketEvent.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(reversed((await session.scalars(query)).all()))


@dataclass(frozen=True, slots=True)
class TicketLine:
    """One row of a staff /tickets list."""

    ticket_id: int
    number: int
    customer_name: str
    created_at: datetime
    overdue: bool


async def open_for_staff(
    session: AsyncSession, *, team_id: int, user_id: int | None, now: datetime, limit: int
) -> list[TicketLine]:
    """Open tickets of a team (or of one rep: assigned to them or of their customers), overdue first."""
    overdue = overdue_at(now)
    query = (
        select(Ticket.id, Ticket.number, Customer.name, Ticket.created_at, case((overdue, 1), else_=0))
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.team_id == team_id, Ticket.status.in_(OPEN_STATUSES), Customer.erased_at.is_(None))
    )
    if user_id is not None:
        query = query.where(or_(Ticket.assignee_id == user_id, Customer.owner_id == user_id))
    query = query.order_by(case((overdue, 0), else_=1), Ticket.resolve_due_at, Ticket.id).limit(limit)
    rows = (await session.execute(query)).all()
    return [TicketLine(row[0], row[1], row[2], row[3], bool(row[4])) for row in rows]


async def of_customer(
    session: AsyncSession, *, customer_id: int, statuses: Sequence[str] | None = None, limit: int = 10
) -> list[Ticket]:
    """A customer's tickets, newest first."""
    query = select(Ticket).where(Ticket.customer_id == customer_id)
    if statuses is not None:
        query = query.where(Ticket.status.in_(statuses))
    return list((await session.scalars(query.order_by(Ticket.id.desc()).limit(limit))).all())


async def last_public_events(session: AsyncSession, *, ticket_ids: Sequence[int]) -> dict[int, TicketEvent]:
    """Each ticket's newest message a customer may read, in one query."""
    if not ticket_ids:
        return {}
    newest = (
        select(TicketEvent.ticket_id, func.max(TicketEvent.id).label("last_id"))
        .where(TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.kind.in_(PUBLIC_KINDS))
        .group_by(TicketEvent.ticket_id)
        .subquery()
    )
    rows = await session.scalars(select(TicketEvent).join(newest, TicketEvent.id == newest.c.last_id))
    return {event.ticket_id: event for event in rows}


async def due_for_escalation(session: AsyncSession, *, now: datetime, limit: int) -> list[Ticket]:
    """Overdue tickets not escalated yet, locked against a second scanner where the database can."""
    query = (
        select(Ticket)
        .where(overdue_at(now), Ticket.escalated_at.is_(None))
        .order_by(Ticket.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.scalars(query)).all())


async def resolved_before(session: AsyncSession, *, cutoff: datetime, limit: int) -> list[Ticket]:
    query = (
        select(Ticket)
        .where(Ticket.status == TicketStatus.RESOLVED.value, Ticket.resolved_at <= cutoff)
        .order_by(Ticket.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.scalars(query)).all())
