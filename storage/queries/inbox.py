"""The webhook inbox: raw updates keyed by update_id, claimed one at a time in update_id order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import InboxStatus, OutboxStatus
from storage.models import Inbox, Outbox


async def add(
    session: AsyncSession, *, update_id: int, chat_id: int | None, payload: dict[str, Any], now: datetime
) -> bool:
    """Store an update; False if this update_id was stored before (a redelivery changes nothing)."""
    if await session.scalar(select(Inbox.update_id).where(Inbox.update_id == update_id)) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(Inbox(update_id=update_id, chat_id=chat_id, payload=payload, received_at=now))
    except IntegrityError:
        return False
    return True


async def claim_next(session: AsyncSession) -> Inbox | None:
    """The oldest pending update, marked as processing and its attempt counted.

    On PostgreSQL the row is locked with SKIP LOCKED, so two processors never take the same one.
    """
    row = await session.scalar(
        select(Inbox)
        .where(Inbox.status == InboxStatus.PENDING)
        .order_by(Inbox.update_id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if row is not None:
        row.status = InboxStatus.PROCESSING
        row.attempts += 1
        await session.flush()
    return row


async def mark_done(session: AsyncSession, *, update_id: int, now: datetime) -> None:
    await session.execute(
        update(Inbox)
        .where(Inbox.update_id == update_id)
        .values(status=InboxStatus.DONE, processed_at=now, last_error=None)
    )


async def mark_error(
    session: AsyncSession, *, update_id: int, error: str, give_up: bool, now: datetime
) -> None:
    """Back to pending for another try, or failed for good once the attempts are used up."""
    status = InboxStatus.FAILED if give_up else InboxStatus.PENDING
    await session.execute(
        update(Inbox)
        .where(Inbox.update_id == update_id)
        .values(status=status, last_error=error[:500], processed_at=now if give_up else None)
    )


async def recover(session: AsyncSession, *, max_attempts: int) -> int:
    """Rows a crashed processor left in "processing" go back to pending (or fail if out of attempts)."""
    processing = Inbox.status == InboxStatus.PROCESSING
    await session.execute(
        update(Inbox)
        .where(processing, Inbox.attempts >= max_attempts)
        .values(status=InboxStatus.FAILED, last_error="interrupted while processing")
    )
    result = await session.execute(update(Inbox).where(processing).values(status=InboxStatus.PENDING))
    return int(getattr(result, "rowcount", 0) or 0)


async def prune(session: AsyncSession, *, processed_before: datetime) -> int:
    """Delete updates processed (or given up on) before the cutoff, in one statement: once handled,
    a raw update is only kept to recognise a redelivery, which comes within minutes."""
    result = await session.execute(
        delete(Inbox).where(
            Inbox.status.in_((InboxStatus.DONE, InboxStatus.FAILED)),
            func.coalesce(Inbox.processed_at, Inbox.received_at) < processed_before,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def pending_count(session: AsyncSession) -> int:
    """Updates accepted but not yet processed (pending or in processing)."""
    found = await session.scalar(
        select(func.count())
        .select_from(Inbox)
        .where(Inbox.status.in_((InboxStatus.PENDING, InboxStatus.PROCESSING)))
    )
    return int(found or 0)


async def outbox_depth(session: AsyncSession) -> int:
    """Pushes waiting or in flight."""
    found = await session.scalar(
        select(func.count())
        .select_from(Outbox)
        .where(Outbox.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
    )
    return int(found or 0)


async def oldest_due_push(session: AsyncSession, *, now: datetime) -> datetime | None:
    """When the longest-waiting due push became due: the outbox lag is now minus this."""
    found: datetime | None = await session.scalar(
        select(func.min(Outbox.not_before)).where(
            Outbox.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)), Outbox.not_before <= now
        )
    )
    return found
