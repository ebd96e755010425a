"""Erasing a customer's personal data in place: what identifies or describes the person goes, the
rows themselves (visits, orders, scores, tickets) stay so that counts and amounts still add up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import phones
from bot.domain.enums import AuditAction, ReminderStatus, SurveyStatus, TicketStatus
from bot.domain.roles import Role
from storage.models import (
    AuditLog,
    Contact,
    Customer,
    Feedback,
    Order,
    PersistedChatData,
    PersistedConversation,
    PersistedUserData,
    Reminder,
    Survey,
    Ticket,
    TicketEvent,
    User,
    Visit,
)
from storage.queries.reminders import OPEN as OPEN_REMINDERS
from storage.queries.tickets import OPEN_STATUSES as OPEN_TICKETS
from storage.queries.traces import Traces, forget_in_saved_data, forget_messages


@dataclass(frozen=True, slots=True)
class Kept:
    """What remains of an erased customer for the statistics."""

    visits: int
    orders: int
    totals: dict[str, Decimal]
    tickets: int
    scores: int


@dataclass(frozen=True, slots=True)
class Account:
    """The Telegram account the erased customer used: the chat and user whose PTB data go too."""

    telegram_id: int
    chat_id: int | None


@dataclass(frozen=True, slots=True)
class Scrubbed:
    """What the running bot must still forget in memory: the account's data, and any dialog
    data of others that mentions the person (the traces tell which)."""

    account: Account | None
    traces: Traces


async def scrub(session: AsyncSession, *, customer: Customer, label: str, now: datetime) -> Scrubbed:
    """Replace the name by `label` and clear everything personal about the customer, everywhere:
    their records, the pushes and raw updates that name them, anyone's saved dialog data that
    mentions them, their Telegram account and its saved dialog data."""
    customer_id = customer.id
    account = await session.get(User, customer.user_id) if customer.user_id is not None else None
    traces = await _traces(session, customer)
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
    await forget_messages(session, traces=traces, chat_id=account.chat_id if account is not None else None)
    await forget_in_saved_data(session, traces=traces)
    if account is None or account.role != Role.CUSTOMER.value:
        return Scrubbed(account=None, traces=traces)
    return Scrubbed(account=await _forget_account(session, account), traces=traces)


async def _traces(session: AsyncSession, customer: Customer) -> Traces:
    """The customer's names, phones and free texts, read before they are cleared."""
    contacts = (
        await session.execute(
            select(Contact.name, Contact.phone_e164).where(Contact.customer_id == customer.id)
        )
    ).all()
    tickets = select(Ticket.id).where(Ticket.customer_id == customer.id)
    texts = await session.scalars(
        union_all(
            select(Ticket.description).where(Ticket.customer_id == customer.id),
            select(TicketEvent.body).where(TicketEvent.ticket_id.in_(tickets)),
            select(Feedback.comment).where(Feedback.customer_id == customer.id),
            select(Visit.notes).where(Visit.customer_id == customer.id),
            select(Order.note).where(Order.customer_id == customer.id),
            select(Reminder.note).where(Reminder.customer_id == customer.id),
        )
    )
    phone_numbers = [customer.phone_e164, *(phone for _, phone in contacts)]
    return Traces.of(
        names=[customer.name, customer.company, *(name for name, _ in contacts)],
        texts=[customer.address, customer.note, *texts],
        digits=[phones.national_digits(phone) for phone in phone_numbers if phone],
    )


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


async def _forget_account(session: AsyncSession, account: User) -> Account:
    """The person's Telegram account goes, with the dialog data saved for their user and chat; if
    they write again they are a stranger. (Pushes to their chat went with the messages.)"""
    forgotten = Account(telegram_id=account.telegram_id, chat_id=account.chat_id)
    chats = {forgotten.telegram_id} | ({forgotten.chat_id} if forgotten.chat_id is not None else set())
    keys = {_conversation_key(chat, forgotten.telegram_id) for chat in chats}
    keys |= {_conversation_key(one) for one in chats}
    await session.execute(delete(PersistedUserData).where(PersistedUserData.user_id == forgotten.telegram_id))
    await session.execute(delete(PersistedChatData).where(PersistedChatData.chat_id.in_(chats)))
    await session.execute(delete(PersistedConversation).where(PersistedConversation.key.in_(keys)))
    await session.execute(delete(User).where(User.id == account.id))
    return forgotten


def _conversation_key(*ids: int) -> str:
    """A conversation key as the persistence writes it (per chat and user, per chat, per user)."""
    return json.dumps(list(ids), separators=(",", ":"))


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
