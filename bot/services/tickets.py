"""Complaint tickets: opening one (number, SLA deadlines, assignment to the customer's rep)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.sla import sla_for
from storage.enums import TicketEventKind, TicketSeverity, TicketStatus
from storage.models import Customer, Team, Ticket
from storage.queries import tickets

CATEGORIES = ("product", "delivery", "service", "billing", "other")
MAX_DESCRIPTION = 2000


async def open_ticket(
    session: AsyncSession,
    *,
    customer: Customer,
    category: str,
    description: str,
    now: datetime,
    opened_by_id: int | None,
    severity: TicketSeverity = TicketSeverity.NORMAL,
    photo_file_id: str | None = None,
    feedback_id: int | None = None,
) -> Ticket:
    """A new open ticket assigned to the customer's owner, with its SLA deadlines and a history line."""
    team = await session.get(Team, customer.team_id)
    respond_by, resolve_by = sla_for(severity, team.settings if team else None).deadlines(now)
    ticket = await tickets.add(
        session,
        team_id=customer.team_id,
        number=await tickets.next_number(session, team_id=customer.team_id),
        customer_id=customer.id,
        opened_by_id=opened_by_id,
        feedback_id=feedback_id,
        category=category if category in CATEGORIES else "other",
        severity=severity.value,
        status=TicketStatus.OPEN.value,
        assignee_id=customer.owner_id,
        description=description[:MAX_DESCRIPTION],
        photo_file_id=photo_file_id,
        first_response_due_at=respond_by,
        resolve_due_at=resolve_by,
        created_at=now,
        updated_at=now,
    )
    await tickets.add_event(
        session,
        ticket_id=ticket.id,
        kind=TicketEventKind.CREATED,
        now=now,
        actor_id=opened_by_id,
        body=ticket.description,
        details={"category": ticket.category, "severity": ticket.severity},
    )
    return ticket
