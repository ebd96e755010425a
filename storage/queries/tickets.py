"""Complaint tickets: gap-free numbers per team, rows and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Team, Ticket, TicketEvent


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
) -> TicketEvent:
    event = TicketEvent(
        ticket_id=ticket_id, kind=kind, at=now, actor_id=actor_id, body=body, details=details or {}
    )
    session.add(event)
    await session.flush()
    return event
