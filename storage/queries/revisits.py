"""Revisits by cadence: overdue customers become one open "revisit" reminder each, set-based."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.enums import ReminderKind, ReminderStatus
from storage.models import Customer, Reminder, User
from storage.queries.reminders import OPEN

Owner = aliased(User, name="owner")


@dataclass(frozen=True, slots=True)
class Planned:
    """A revisit planned in this pass, with what the owner's morning summary shows."""

    owner_id: int
    chat_id: int | None
    owner_locale: str | None
    owner_timezone: str | None
    customer_id: int
    customer_name: str
    tier: str
    last_visit_at: datetime | None


def overdue(cadence: Mapping[str, int], now: datetime) -> ColumnElement[bool]:
    """Last visit (or, never visited, creation) older than the customer's tier cadence."""
    last_contact = func.coalesce(Customer.last_visit_at, Customer.created_at)
    return or_(
        *(
            and_(Customer.tier == tier, last_contact <= now - timedelta(days=days))
            for tier, days in cadence.items()
        )
    )


async def plan(
    session: AsyncSession, *, team_id: int, cadence: Mapping[str, int], due_at: datetime, now: datetime
) -> int:
    """Insert a revisit reminder for each overdue customer of an active owner without an open one."""
    open_revisit = exists().where(
        Reminder.customer_id == Customer.id, Reminder.kind == ReminderKind.REVISIT, Reminder.status.in_(OPEN)
    )
    moment = Reminder.due_at.type
    source = (
        select(
            Customer.team_id,
            Customer.owner_id,
            Customer.id,
            literal(ReminderKind.REVISIT.value),
            literal(due_at, moment),
            literal(ReminderStatus.PENDING.value),
            literal(now, moment),
            literal(now, moment),
        )
        .join(Owner, Owner.id == Customer.owner_id)
        .where(
            Customer.team_id == team_id,
            Customer.erased_at.is_(None),
            Owner.is_active.is_(True),
            overdue(cadence, now),
            ~open_revisit,
        )
    )
    result = await session.execute(
        insert(Reminder).from_select(
            ["team_id", "user_id", "customer_id", "kind", "due_at", "status", "notified_at", "created_at"],
            source,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def planned_at(session: AsyncSession, *, team_id: int, at: datetime) -> list[Planned]:
    """The revisits `plan` inserted at `at`, by owner, longest unvisited first."""
    rows = await session.execute(
        select(
            Owner.id,
            Owner.chat_id,
            Owner.locale,
            Owner.timezone,
            Customer.id,
            Customer.name,
            Customer.tier,
            Customer.last_visit_at,
        )
        .select_from(Reminder)
        .join(Customer, Customer.id == Reminder.customer_id)
        .join(Owner, Owner.id == Reminder.user_id)
        .where(
            Reminder.team_id == team_id,
            Reminder.kind == ReminderKind.REVISIT,
            Reminder.created_at == at,
            Owner.blocked_bot.is_(False),
        )
        .order_by(Owner.id, func.coalesce(Customer.last_visit_at, Customer.created_at), Customer.id)
    )
    return [Planned(*row) for row in rows]


async def close_for(session: AsyncSession, *, customer_id: int, now: datetime) -> None:
    """A visit was logged: the customer's open revisit reminder is done."""
    await session.execute(
        update(Reminder)
        .where(
            Reminder.customer_id == customer_id,
            Reminder.kind == ReminderKind.REVISIT,
            Reminder.status.in_(OPEN),
        )
        .values(status=ReminderStatus.DONE, done_at=now)
    )
