"""Reminders as a rep meets them: pushed when due, done or snoozed from the push, set with /remind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.dates import QuickChoice, quick_choice
from bot.domain.enums import ReminderKind, ReminderStatus
from bot.domain.viewer import Viewer
from bot.services.errors import NoTeam, NotFound
from bot.services.pushes import PushRequest, Recipient
from bot.services.visibility import visible_customer
from storage.models import Reminder
from storage.queries import reminders
from storage.queries.reminders import OPEN

MAX_NOTE = 500
PUSH_BATCH = 500
PUSH_PRIORITY = 3


class Later(StrEnum):
    """The snooze and quick "when" buttons."""

    HOUR = "1h"
    TOMORROW = "tm"
    NEXT_WEEK = "nw"


class ReminderGone(NotFound):
    """Missing, someone else's, or cancelled: a stale or crafted button."""


class AlreadyDone(ReminderGone):
    """Done already; pressing Done or Snooze again changes nothing."""


@dataclass(frozen=True, slots=True)
class ReminderView:
    """A reminder as its push shows it."""

    id: int
    kind: str
    status: str
    due_at: datetime
    note: str | None
    customer_id: int | None
    customer_name: str | None


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """A reminder whose time has come, as its push (handlers/reminder/pushes.py) shows it."""

    id: int
    kind: str
    due_at: datetime
    note: str | None
    customer_id: int | None
    customer_name: str | None


class DuePass(NamedTuple):
    """How many due reminders one pass handled, and the pushes to queue for them."""

    handled: int
    pushes: list[PushRequest]


def later(choice: Later, *, now: datetime, tz: str) -> datetime:
    """When a snooze or quick button lands: an hour from now, or 09:00 local tomorrow / in a week."""
    if choice is Later.HOUR:
        return now + timedelta(hours=1)
    quick = QuickChoice.TOMORROW if choice is Later.TOMORROW else QuickChoice.NEXT_WEEK
    return quick_choice(quick, now=now, tz=tz)


def dedupe_key(reminder_id: int, due_at: datetime) -> str:
    """One push per reminder and due time: a snooze gives the next push a new key."""
    return f"reminder:{reminder_id}:{due_at.isoformat()}"


async def take_due(session: AsyncSession, *, now: datetime, limit: int = PUSH_BATCH) -> DuePass:
    """Mark up to `limit` due reminders notified, with their pushes for the caller to queue in the
    same transaction.

    Pushes and notified_at commit together, so a reminder is never pushed twice nor lost; a
    recipient who cannot be reached (deactivated, no chat, customer erased) is marked all the same.
    """
    due = await reminders.due(session, now=now, limit=limit)
    pushes = [
        PushRequest(
            dedupe_key=dedupe_key(item.id, item.due_at),
            kind="reminder",
            to=Recipient(item.chat_id, item.user_id, item.locale, item.timezone),
            notice=ReminderDue(
                item.id, item.kind, item.due_at, item.note, item.customer_id, item.customer_name
            ),
            priority=PUSH_PRIORITY,
        )
        for item in due
        if item.deliverable and item.chat_id is not None
    ]
    await reminders.mark_notified(session, ids=[item.id for item in due], now=now)
    return DuePass(handled=len(due), pushes=pushes)


async def complete(session: AsyncSession, *, viewer: Viewer, reminder_id: int, now: datetime) -> ReminderView:
    reminder = await _own_open(session, viewer=viewer, reminder_id=reminder_id)
    reminder.status = ReminderStatus.DONE
    reminder.done_at = now
    await session.flush()
    return _view(reminder)


async def snooze(
    session: AsyncSession, *, viewer: Viewer, reminder_id: int, choice: Later, now: datetime
) -> ReminderView:
    """Move only this reminder; it is pushed again at its new time."""
    reminder = await _own_open(session, viewer=viewer, reminder_id=reminder_id)
    reminder.due_at = later(choice, now=now, tz=viewer.timezone)
    reminder.snoozed_until = reminder.due_at
    reminder.status = ReminderStatus.SNOOZED
    reminder.notified_at = None
    await session.flush()
    return _view(reminder)


async def create(
    session: AsyncSession,
    *,
    viewer: Viewer,
    customer_id: int | None,
    note: str,
    due_at: datetime,
    now: datetime,
) -> ReminderView:
    """A custom reminder for the viewer, about one of their customers or just for themselves."""
    if viewer.team_id is None:
        raise NoTeam
    name = None
    if customer_id is not None:
        name = (await visible_customer(session, viewer=viewer, customer_id=customer_id)).name
    reminder = await reminders.add(
        session,
        team_id=viewer.team_id,
        user_id=viewer.user_id,
        kind=ReminderKind.CUSTOM,
        due_at=due_at,
        now=now,
        customer_id=customer_id,
        note=note[:MAX_NOTE],
    )
    return ReminderView(reminder.id, reminder.kind, reminder.status, due_at, reminder.note, customer_id, name)


async def _own_open(session: AsyncSession, *, viewer: Viewer, reminder_id: int) -> Reminder:
    reminder = await reminders.by_id(session, reminder_id=reminder_id)
    if reminder is None or reminder.user_id != viewer.user_id:
        raise ReminderGone(reminder_id)
    if reminder.status == ReminderStatus.DONE:
        raise AlreadyDone(reminder_id)
    if reminder.status not in OPEN:
        raise ReminderGone(reminder_id)
    return reminder


def _view(reminder: Reminder) -> ReminderView:
    customer = reminder.customer
    return ReminderView(
        id=reminder.id,
        kind=reminder.kind,
        status=reminder.status,
        due_at=reminder.due_at,
        note=reminder.note,
        customer_id=reminder.customer_id,
        customer_name=customer.name if customer is not None and customer.erased_at is None else None,
    )
