"""The SLA watch: a ticket past its first-response or resolution deadline goes to the manager once,
with its history and a Reassign button; a resolved ticket nobody reopened closes after a week."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.enums import TicketEventKind, TicketStatus
from bot.i18n import Translator
from bot.outbox import payloads
from bot.services import ticket_notices as notices
from bot.services.ticket_notices import TicketView
from bot.services.tickets import TranslatorFor, push, translator_of, view_of
from storage.models import Customer, Ticket, User
from storage.queries import tickets, users

AUTO_CLOSE_AFTER = timedelta(days=7)
BATCH = 200
MAX_ESCALATION_TEXT = 3800


def escalation_text(t: Translator, view: TicketView) -> str:
    ticket = view.ticket
    ticket_name = f"<b>{escape(notices.number_text(t, ticket.number))}</b>"
    if (
        ticket.first_response_at is None
        and ticket.first_response_due_at is not None
        and ticket.first_response_due_at <= view.now
    ):
        head = t.gettext("⏰ {ticket} has had no first response; it was due {when}.").format(
            ticket=ticket_name, when=t.datetime(ticket.first_response_due_at, "short")
        )
    else:
        assert ticket.resolve_due_at is not None
        head = t.gettext("⏰ {ticket} is not resolved; it was due {when}.").format(
            ticket=ticket_name, when=t.datetime(ticket.resolve_due_at, "short")
        )
    text = f"{head}\n\n{notices.card_text(t, view, events=0)}\n\n{notices.history_text(t, view)}"
    return text if len(text) <= MAX_ESCALATION_TEXT else text[: MAX_ESCALATION_TEXT - 1] + "…"


def escalation_keyboard(t: Translator, view: TicketView) -> InlineKeyboardMarkup:
    ticket_id = view.ticket.id
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.gettext("🔁 Reassign"), callback_data=f"tkt:move:{ticket_id}")],
            [InlineKeyboardButton(t.gettext("🎫 Open ticket"), callback_data=f"tkt:open:{ticket_id}")],
        ]
    )


async def escalate_overdue(session: AsyncSession, *, now: datetime, translator_for: TranslatorFor) -> int:
    """Escalate every breached ticket once (escalated_at is set even when no manager can be told);
    how many pushes were queued."""
    queued = 0
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
        view = await view_of(session, ticket, customer, now=now, limit=None)
        for manager in await _managers(session, ticket, customer):
            t = await translator_of(session, manager, translator_for)
            queued += await push(
                session,
                manager,
                key=f"tkt-event:{event.id}:{manager.id}",
                now=now,
                payload=payloads.message(escalation_text(t, view), escalation_keyboard(t, view)),
            )
    return queued


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
