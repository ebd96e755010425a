"""The few set-based reads behind a customer's 360° card and its history timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Numeric, ScalarSelect, String, cast, func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.domain.enums import FeedbackKind, ReminderKind, TicketStatus
from bot.domain.names import full_name
from bot.domain.viewer import Viewer
from storage.models import Customer, Feedback, Order, Reminder, Team, Ticket, User, Visit
from storage.queries.customers import visible_to
from storage.queries.reminders import OPEN

OPEN_TICKET_STATUSES = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.ANSWERED)
# Greetings are reminders too, but not a follow-up with the customer.
GREETINGS = (ReminderKind.BIRTHDAY, ReminderKind.HOLIDAY)


@dataclass(frozen=True)
class LatestScore:
    kind: str
    score: int
    at: datetime


@dataclass(frozen=True)
class CustomerHeader:
    customer: Customer
    owner_name: str | None
    open_tickets: int
    scores: dict[str, LatestScore]
    csat_total: int = 0
    csat_answers: int = 0
    next_reminder_at: datetime | None = None
    team_settings: dict[str, Any] | None = None


@dataclass(frozen=True)
class TimelineRow:
    source: str
    at: datetime
    label: str | None
    extra: str | None
    detail: str | None
    amount: Decimal | None
    currency: str | None
    number: int | None


def _latest_feedback(kind: str, column: Any) -> ScalarSelect[Any]:
    return (
        select(column)
        .where(Feedback.customer_id == Customer.id, Feedback.kind == kind)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(1)
        .scalar_subquery()
    )


async def header(
    session: AsyncSession, *, viewer: Viewer, customer_id: int, csat_since: datetime
) -> CustomerHeader | None:
    """The customer (if `viewer` may see it) with contacts and tags, its owner's name, the count
    of open tickets, the newest CSAT and NPS scores, the CSAT sum and count since `csat_since`, the
    earliest open reminder about it (greetings aside) and its team's settings."""
    open_tickets = (
        select(func.count(Ticket.id))
        .where(Ticket.customer_id == Customer.id, Ticket.status.in_(OPEN_TICKET_STATUSES))
        .scalar_subquery()
    )
    owner_first, owner_last = (
        select(part).where(User.id == Customer.owner_id).scalar_subquery()
        for part in (User.first_name, User.last_name)
    )
    latest = [
        _latest_feedback(kind, column)
        for kind in (FeedbackKind.CSAT, FeedbackKind.NPS)
        for column in (Feedback.score, Feedback.created_at)
    ]
    next_reminder = (
        select(func.min(Reminder.due_at))
        .where(
            Reminder.customer_id == Customer.id,
            Reminder.status.in_(OPEN),
            Reminder.kind.not_in(GREETINGS),
        )
        .scalar_subquery()
    )
    team_settings = select(Team.settings).where(Team.id == Customer.team_id).scalar_subquery()
    recent_csat = (Feedback.customer_id == Customer.id, Feedback.kind == FeedbackKind.CSAT)
    csat_sums = [
        select(aggregate).where(*recent_csat, Feedback.created_at >= csat_since).scalar_subquery()
        for aggregate in (func.coalesce(func.sum(Feedback.score), 0), func.count(Feedback.id))
    ]
    row = (
        await session.execute(
            select(Customer, owner_first, open_tickets, *latest, *csat_sums)
            .add_columns(owner_last, next_reminder, team_settings)
            .where(Customer.id == customer_id, visible_to(viewer))
            .options(selectinload(Customer.contacts), selectinload(Customer.tags))
        )
    ).one_or_none()
    if row is None:
        return None
    scores: dict[str, LatestScore] = {}
    for index, kind in enumerate((FeedbackKind.CSAT, FeedbackKind.NPS)):
        score, at = row[3 + 2 * index], row[4 + 2 * index]
        if score is not None and at is not None:
            scores[kind] = LatestScore(kind=kind, score=int(score), at=_aware(at))
    return CustomerHeader(
        customer=row[0],
        owner_name=None if row[1] is None else full_name(row[1], row[9]),
        open_tickets=int(row[2] or 0),
        scores=scores,
        csat_total=int(row[7] or 0),
        csat_answers=int(row[8] or 0),
        next_reminder_at=None if row[10] is None else _aware(row[10]),
        team_settings=row[11] if isinstance(row[11], dict) else None,
    )


async def timeline(
    session: AsyncSession, *, customer_id: int, offset: int, limit: int
) -> Sequence[TimelineRow]:
    """Visits, orders, feedback, tickets and reminders of one customer, newest first, one page."""
    no_text = cast(null(), String)
    no_amount = cast(null(), Numeric(14, 2))
    no_int = cast(null(), Integer)
    parts = [
        select(
            literal("visit").label("source"),
            Visit.visited_at.label("at"),
            Visit.kind.label("label"),
            Visit.outcome.label("extra"),
            Visit.notes.label("detail"),
            no_amount.label("amount"),
            no_text.label("currency"),
            no_int.label("number"),
        ).where(Visit.customer_id == customer_id),
        select(
            literal("order"),
            Order.ordered_at,
            no_text,
            no_text,
            Order.note,
            Order.amount,
            Order.currency,
            no_int,
        ).where(Order.customer_id == customer_id),
        select(
            literal("feedback"),
            Feedback.created_at,
            Feedback.kind,
            no_text,
            Feedback.comment,
            no_amount,
            no_text,
            cast(Feedback.score, Integer),
        ).where(Feedback.customer_id == customer_id),
        select(
            literal("ticket"),
            Ticket.created_at,
            Ticket.status,
            no_text,
            Ticket.description,
            no_amount,
            no_text,
            Ticket.number,
        ).where(Ticket.customer_id == customer_id),
        select(
            literal("reminder"),
            Reminder.due_at,
            Reminder.kind,
            Reminder.status,
            Reminder.note,
            no_amount,
            no_text,
            no_int,
        ).where(Reminder.customer_id == customer_id),
    ]
    events = union_all(*parts).subquery()
    rows = await session.execute(
        select(events).order_by(events.c.at.desc(), events.c.source).offset(offset).limit(limit)
    )
    return [
        TimelineRow(
            source=row.source,
            at=_aware(row.at),
            label=row.label,
            extra=row.extra,
            detail=row.detail,
            amount=Decimal(row.amount) if row.amount is not None else None,
            currency=row.currency,
            number=row.number,
        )
        for row in rows.all()
    ]


def _aware(value: datetime | str) -> datetime:
    """A union column loses the UTC type on SQLite; read it back as aware UTC either way."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
