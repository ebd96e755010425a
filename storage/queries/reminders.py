"""Reminders: follow-ups from visits, custom ones from /remind, revisits and birthdays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from bot.domain.enums import ReminderStatus
from storage.models import Customer, Reminder, Team, User
from storage.queries.owner_names import owner_name_columns

OPEN = (ReminderStatus.PENDING, ReminderStatus.SNOOZED)

Owner = aliased(User, name="owner")


async def add(
    session: AsyncSession,
    *,
    team_id: int,
    user_id: int,
    kind: str,
    due_at: datetime,
    now: datetime,
    customer_id: int | None = None,
    note: str | None = None,
) -> Reminder:
    reminder = Reminder(
        team_id=team_id,
        user_id=user_id,
        customer_id=customer_id,
        kind=kind,
        due_at=due_at,
        note=note,
        created_at=now,
    )
    session.add(reminder)
    await session.flush()
    return reminder


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder to push, with what the push needs to know about its recipient."""

    id: int
    kind: str
    due_at: datetime
    note: str | None
    user_id: int
    chat_id: int | None
    deliverable: bool
    locale: str | None
    timezone: str | None
    customer_id: int | None
    customer_name: str | None


async def due(session: AsyncSession, *, now: datetime, limit: int) -> list[DueReminder]:
    """Open reminders due by `now` that were not pushed yet, oldest first, locked for this run."""
    rows = await session.execute(
        select(
            Reminder.id,
            Reminder.kind,
            Reminder.due_at,
            Reminder.note,
            Reminder.user_id,
            Reminder.customer_id,
            User.chat_id,
            User.is_active,
            User.locale,
            User.timezone,
            Team.timezone.label("team_timezone"),
            Customer.name.label("customer_name"),
            Customer.erased_at,
        )
        .join(User, User.id == Reminder.user_id)
        .join(Team, Team.id == Reminder.team_id)
        .outerjoin(Customer, Customer.id == Reminder.customer_id)
        .where(
            Reminder.status.in_(OPEN),
            Reminder.due_at <= now,
            Reminder.notified_at.is_(None),
        )
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
        .with_for_update(of=Reminder, skip_locked=True)
    )
    return [_due(row) for row in rows]


def _due(row: Row[*tuple[Any, ...]]) -> DueReminder:
    m = row._mapping
    customer_gone = m["customer_id"] is not None and (
        m["customer_name"] is None or m["erased_at"] is not None
    )
    return DueReminder(
        id=m["id"],
        kind=m["kind"],
        due_at=m["due_at"],
        note=m["note"],
        user_id=m["user_id"],
        chat_id=m["chat_id"],
        deliverable=bool(m["is_active"]) and m["chat_id"] is not None and not customer_gone,
        locale=m["locale"],
        timezone=m["timezone"] or m["team_timezone"],
        customer_id=m["customer_id"],
        customer_name=m["customer_name"],
    )


async def mark_notified(session: AsyncSession, *, ids: Sequence[int], now: datetime) -> None:
    if ids:
        await session.execute(update(Reminder).where(Reminder.id.in_(ids)).values(notified_at=now))


async def by_id(session: AsyncSession, *, reminder_id: int) -> Reminder | None:
    """The reminder with its customer loaded (for rendering), locked against a concurrent press."""
    return await session.scalar(
        select(Reminder)
        .where(Reminder.id == reminder_id)
        .options(selectinload(Reminder.customer))
        .with_for_update(of=Reminder)
    )


def listed(*conditions: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """Reminders that meet `conditions`, earliest first, with their customer's and owner's names,
    as /today and the digest list them; a reminder about an erased customer is left out."""
    return (
        select(
            Reminder.id,
            Reminder.kind,
            Reminder.due_at,
            Reminder.note,
            Reminder.customer_id,
            Customer.name.label("customer_name"),
            *owner_name_columns(Owner),
        )
        .join(Owner, Owner.id == Reminder.user_id)
        .outerjoin(Customer, Customer.id == Reminder.customer_id)
        .where(*conditions, or_(Reminder.customer_id.is_(None), Customer.erased_at.is_(None)))
        .order_by(Reminder.due_at, Reminder.id)
    )
