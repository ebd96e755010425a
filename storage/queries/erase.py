"""Erasing a customer's personal data in place: what identifies or describes the person goes, the
rows themselves (visits, orders, scores, tickets) stay so that counts and amounts still add up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from storage.enums import AuditAction, OutboxStatus, ReminderStatus, SurveyStatus, TicketStatus
from storage.models import (
    AuditLog,
    Contact,
    Customer,
    Feedback,
    Order,
    Outbox,
    Reminder,
    Survey,
    Ticket,
    TicketEvent,
    User,
    Visit,
)
from storage.queries.reminders import OPEN as OPEN_REMINDERS
from storage.queries.tickets import OPEN_STATUSES as OPEN_TICKETS


@dataclass(frozen=True, slots=True)
class Kept:
    """What remains of an erased customer for the statistics."""

    visits: int
    orders: int
    totals: dict[str, Decimal]
    tickets: int
    scores: int


async def scrub(session: AsyncSession, *, customer: Customer, label: str, now: datetime) -> None:
    """Replace the name by `label` and clear everything personal about the customer, everywhere."""
    customer_id = customer.id
    account_id = customer.user_id
    for column in (
        "name_pinyin",
        "name_initials",
        "company",
        "company_key",
        "phone_e164",
        "phone_last4",
        "address",
        "latitude",
        "longitude",
        "birthday",
        "note",
        "user_id",
        "link_token_hash",
        "linked_at",
    ):
        setattr(customer, column, None)
    customer.name = label
    customer.health_reasons = []
    customer.erased_at = now
    customer.updated_at = now
    await session.flush()
    await session.execute(delete(Contact).where(Contact.customer_id == customer_id))
    await session.execute(
        update(Visit)
        .where(Visit.customer_id == customer_id)
        .values(
            notes=None, photo_file_id=None, voice_file_id=None, latitude=None, longitude=None, accuracy_m=None
        )
    )
    await session.execute(update(Order).where(Order.customer_id == customer_id).values(note=None))
    await session.execute(
        update(Feedback).where(Feedback.customer_id == customer_id).values(comment=None, photo_file_id=None)
    )
    tickets = select(Ticket.id).where(Ticket.customer_id == customer_id)
    await session.execute(update(TicketEvent).where(TicketEvent.ticket_id.in_(tickets)).values(body=None))
    await session.execute(
        update(Ticket)
        .where(Ticket.customer_id == customer_id, Ticket.status.in_(OPEN_TICKETS))
        .values(status=TicketStatus.CLOSED.value, closed_at=now, updated_at=now)
    )
    await session.execute(
        update(Ticket).where(Ticket.customer_id == customer_id).values(description="", photo_file_id=None)
    )
    await session.execute(
        update(Reminder)
        .where(Reminder.customer_id == customer_id, Reminder.status.in_(OPEN_REMINDERS))
        .values(status=ReminderStatus.CANCELLED.value)
    )
    await session.execute(update(Reminder).where(Reminder.customer_id == customer_id).values(note=None))
    await session.execute(
        update(Survey)
        .where(
            Survey.customer_id == customer_id, Survey.status.in_((SurveyStatus.SCHEDULED, SurveyStatus.SENT))
        )
        .values(status=SurveyStatus.CANCELLED.value)
    )
    await _scrub_edits(session, customer_id=customer_id)
    if account_id is not None:
        await _release_account(session, account_id=account_id)


async def _scrub_edits(session: AsyncSession, *, customer_id: int) -> None:
    """Edits logged before and after values (names, phones): keep which field changed, not to what."""
    edits = await session.scalars(
        select(AuditLog).where(
            AuditLog.customer_id == customer_id, AuditLog.action == AuditAction.CUSTOMER_EDITED.value
        )
    )
    for entry in edits:
        entry.details = {"field": entry.details.get("field"), "erased": True}
    await session.flush()


async def _release_account(session: AsyncSession, *, account_id: int) -> None:
    """The person's Telegram account is no longer a customer's: it stops being one, and nothing
    queued for it goes out."""
    await session.execute(
        update(User)
        .where(User.id == account_id, User.role == Role.CUSTOMER.value)
        .values(role=None, team_id=None)
    )
    await session.execute(
        delete(Outbox).where(Outbox.user_id == account_id, Outbox.status == OutboxStatus.PENDING.value)
    )


async def kept(session: AsyncSession, *, customer_id: int) -> Kept:
    """The counts and amounts an erased customer keeps, in a few aggregate queries."""
    visits = await session.scalar(select(func.count(Visit.id)).where(Visit.customer_id == customer_id))
    totals = await session.execute(
        select(Order.currency, func.count(Order.id), func.sum(Order.amount))
        .where(Order.customer_id == customer_id)
        .group_by(Order.currency)
        .order_by(Order.currency)
    )
    rows = totals.all()
    tickets = await session.scalar(select(func.count(Ticket.id)).where(Ticket.customer_id == customer_id))
    scores = await session.scalar(
        select(func.count(Feedback.id)).where(
            Feedback.customer_id == customer_id, Feedback.score.is_not(None)
        )
    )
    return Kept(
        visits=int(visits or 0),
        orders=sum(int(count) for _, count, _ in rows),
        totals={currency: Decimal(total or 0) for currency, _, total in rows},
        tickets=int(tickets or 0),
        scores=int(scores or 0),
    )
