"""The SLA watch: a ticket past its first-response or resolution deadline goes to the manager once
(handlers/ticket/pushes.py words it, with its history and a Reassign button); a resolved ticket
nobody reopened closes after a week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import TicketEventKind, TicketStatus
from bot.services import ticket_notices as notices
from bot.services.pushes import PushRequest
from bot.services.ticket_notices import TicketView
from storage.models import Customer, Ticket, User
from storage.queries import tickets, users

AUTO_CLOSE_AFTER = timedelta(days=7)
BATCH = 200


@dataclass(frozen=True, slots=True)
class Overdue:
    """A ticket past a deadline, for a manager: which deadline, its card and its whole history."""

    view: TicketView


async def escalate_overdue(session: AsyncSession, *, now: datetime) -> list[PushRequest]:
    """Escalate every breached ticket once (escalated_at is set even when no manager can be told);
    the pushes that tell the managers."""
    told: list[PushRequest] = []
    for ticket in await tickets.due_for_escalation(session, now=now, limit=BATCH):
        customer = await session.get(Customer, ticket.customer_id)
        assert customer is not None
        ticket.escalated_at = now
        event = await tickets.add_event(
            session,
            ticket_id=ticket.id,
            kind=TicketEventKind.ESCALATED,
            now=now,
            details={"response_missed": ticket.first_response_at is None},
        )
        view = await notices.view_of(session, ticket, customer, now=now, limit=None)
        for manager in await _managers(session, ticket, customer):
            to = await notices.recipient(session, manager)
            if to is not None:
                told.append(notices.request(f"tkt-event:{event.id}:{manager.id}", to, Overdue(view)))
    return told


async def _managers(session: AsyncSession, ticket: Ticket, customer: Customer) -> list[User]:
    holder_id = ticket.assignee_id or customer.owner_id
    holder = await session.get(User, holder_id) if holder_id is not None else None
    return await users.managers_for(
        session, team_id=ticket.team_id, preferred_id=holder.manager_id if holder else None
    )


async def close_resolved(session: AsyncSession, *, now: datetime) -> int:
    """Close tickets resolved a week ago that the customer neither confirmed nor reopened."""
    closed = await tickets.resolved_before(session, cutoff=now - AUTO_CLOSE_AFTER, limit=BATCH)
    for ticket in closed:
        ticket.status = TicketStatus.CLOSED.value
        ticket.closed_at = now
        await tickets.add_event(
            session,
            ticket_id=ticket.id,
            kind=TicketEventKind.STATUS,
            now=now,
            details={"status": TicketStatus.CLOSED.value, "automatic": True},
        )
    return len(closed)
