"""The outbox: enqueueing pushes (idempotent through the unique dedupe key) and the sender's side:
claiming due rows and recording how each send went. Portable to SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import OutboxStatus
from storage.models import Outbox, Team, User

_PUSHED = "outbox.pushed"


def pushed(session: AsyncSession) -> bool:
    """Whether this session queued a push, so whoever commits it can wake the sender."""
    return bool(session.info.get(_PUSHED))


async def enqueue(
    session: AsyncSession,
    *,
    dedupe_key: str,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    not_before: datetime | None = None,
    user_id: int | None = None,
    priority: int = 5,
) -> bool:
    """Queue one message; False if a message with this key was queued before (nothing changes)."""
    if await session.scalar(select(Outbox.id).where(Outbox.dedupe_key == dedupe_key)) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(
                Outbox(
                    dedupe_key=dedupe_key,
                    chat_id=chat_id,
                    user_id=user_id,
                    kind=kind,
                    payload=payload,
                    priority=priority,
                    not_before=not_before or now,
                    created_at=now,
                )
            )
    except IntegrityError:
        return False
    session.info[_PUSHED] = True
    return True


async def claim(session: AsyncSession, *, now: datetime, limit: int) -> list[Outbox]:
    """Take up to `limit` due rows for sending, most urgent first.

    On PostgreSQL the rows are locked with SKIP LOCKED, so two senders never claim the same row;
    SQLite's single writer lock gives the same guarantee.
    """
    rows = list(
        await session.scalars(
            select(Outbox)
            .where(Outbox.status == OutboxStatus.PENDING, Outbox.not_before <= now)
            .order_by(Outbox.priority, Outbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for row in rows:
        row.status = OutboxStatus.SENDING
        row.claimed_at = now
    await session.flush()
    return rows


async def recover_stuck(
    session: AsyncSession, *, now: datetime, older_than: timedelta, max_attempts: int
) -> int:
    """Give rows left in "sending" by a crash back to the queue; the lost try counts as an attempt."""
    stuck = and_(Outbox.status == OutboxStatus.SENDING, Outbox.claimed_at < now - older_than)
    await session.execute(
        update(Outbox)
        .where(stuck, Outbox.attempts + 1 >= max_attempts)
        .values(status=OutboxStatus.DEAD, attempts=Outbox.attempts + 1, last_error="stuck in sending")
    )
    result = await session.execute(
        update(Outbox)
        .where(stuck)
        .values(status=OutboxStatus.PENDING, attempts=Outbox.attempts + 1, claimed_at=None, not_before=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_sent(session: AsyncSession, *, outbox_id: int, message_id: int | None, now: datetime) -> None:
    """A sent push keeps its delivery record (its key still stops a second send), not its text:
    the message is in the chat now, and names and quotes need not be kept a second time here."""
    await session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id)
        .values(
            status=OutboxStatus.SENT,
            message_id=message_id,
            sent_at=now,
            attempts=Outbox.attempts + 1,
            payload={},
        )
    )


async def retry_later(
    session: AsyncSession, *, outbox_id: int, not_before: datetime, error: str | None, burn_attempt: bool
) -> None:
    """Back to the queue; a flood wait or a pacing deferral does not count as an attempt."""
    values: dict[str, Any] = {
        "status": OutboxStatus.PENDING,
        "not_before": not_before,
        "claimed_at": None,
    }
    if error is not None:
        values["last_error"] = error[:500]
    if burn_attempt:
        values["attempts"] = Outbox.attempts + 1
    await session.execute(update(Outbox).where(Outbox.id == outbox_id).values(**values))


async def mark_dead(session: AsyncSession, *, outbox_id: int, error: str, burn_attempt: bool = True) -> None:
    values: dict[str, Any] = {"status": OutboxStatus.DEAD, "last_error": error[:500], "claimed_at": None}
    if burn_attempt:
        values["attempts"] = Outbox.attempts + 1
    await session.execute(update(Outbox).where(Outbox.id == outbox_id).values(**values))


async def move_chat(session: AsyncSession, *, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
    """A group became a supergroup: everything still queued for it goes to the new chat, now."""
    await session.execute(
        update(Outbox)
        .where(
            Outbox.chat_id == old_chat_id,
            Outbox.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
        )
        .values(chat_id=new_chat_id, status=OutboxStatus.PENDING, claimed_at=None, not_before=now)
    )


async def mark_blocked(session: AsyncSession, *, chat_id: int, user_id: int | None) -> None:
    """The person behind a private chat blocked the bot; they are unblocked when they write again."""
    who = User.chat_id == chat_id if user_id is None else or_(User.id == user_id, User.chat_id == chat_id)
    await session.execute(update(User).where(who).values(blocked_bot=True))


@dataclass(frozen=True, slots=True)
class Push:
    """One message for `enqueue_many`."""

    dedupe_key: str
    chat_id: int
    kind: str
    payload: dict[str, Any]
    user_id: int | None = None
    priority: int = 5
    not_before: datetime | None = None


async def enqueue_many(session: AsyncSession, *, pushes: Sequence[Push], now: datetime) -> int:
    """Queue a batch in one insert, skipping keys queued before; how many were new.

    If a concurrent producer wins a key between the check and the insert, the batch falls back
    to `enqueue` one by one, which skips just that key.
    """
    keys = {push.dedupe_key for push in pushes}
    existing = set(await session.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(keys))))
    fresh = list({p.dedupe_key: p for p in pushes if p.dedupe_key not in existing}.values())
    if not fresh:
        return 0
    rows = [
        {
            "dedupe_key": p.dedupe_key,
            "chat_id": p.chat_id,
            "user_id": p.user_id,
            "kind": p.kind,
            "payload": p.payload,
            "priority": p.priority,
            "not_before": p.not_before or now,
            "created_at": now,
        }
        for p in fresh
    ]
    try:
        async with session.begin_nested():
            await session.execute(insert(Outbox), rows)
        session.info[_PUSHED] = True
    except IntegrityError:
        queued = 0
        for p in fresh:
            queued += await enqueue(
                session,
                dedupe_key=p.dedupe_key,
                chat_id=p.chat_id,
                kind=p.kind,
                payload=p.payload,
                now=now,
                not_before=p.not_before,
                user_id=p.user_id,
                priority=p.priority,
            )
        return queued
    return len(fresh)


async def withdraw_pending(session: AsyncSession, *, dedupe_keys: Sequence[str]) -> int:
    """Drop the pushes under these keys that the sender has not taken yet, so that a fuller version
    can be queued under the same key; one already sent or being sent stays, and keeps the key."""
    if not dedupe_keys:
        return 0
    result = await session.execute(
        delete(Outbox).where(Outbox.dedupe_key.in_(dedupe_keys), Outbox.status == OutboxStatus.PENDING.value)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A push the sender gave up on, with who it was for and the last error."""

    id: int
    kind: str
    chat_id: int
    recipient: str | None
    attempts: int
    last_error: str | None
    created_at: datetime


async def status_counts(session: AsyncSession) -> dict[str, int]:
    """Rows per status except "sent": what is waiting, in flight and undelivered."""
    rows = await session.execute(
        select(Outbox.status, func.count()).where(Outbox.status != OutboxStatus.SENT).group_by(Outbox.status)
    )
    return {status: int(count) for status, count in rows}


async def dead_letters(session: AsyncSession, *, limit: int) -> list[DeadLetter]:
    rows = await session.execute(
        select(
            Outbox.id,
            Outbox.kind,
            Outbox.chat_id,
            User.first_name,
            Outbox.attempts,
            Outbox.last_error,
            Outbox.created_at,
        )
        .outerjoin(User, User.id == Outbox.user_id)
        .where(Outbox.status == OutboxStatus.DEAD)
        .order_by(Outbox.id.desc())
        .limit(limit)
    )
    return [DeadLetter(*row) for row in rows]


BLOCKED_PREFIX = "Forbidden"


def _not_blocked() -> ColumnElement[bool]:
    return or_(Outbox.last_error.is_(None), ~Outbox.last_error.startswith(BLOCKED_PREFIX))


async def undelivered(session: AsyncSession) -> int:
    """Dead pushes an admin can do something about (not those to people who blocked the bot)."""
    found = await session.scalar(
        select(func.count()).select_from(Outbox).where(Outbox.status == OutboxStatus.DEAD, _not_blocked())
    )
    return int(found or 0)


async def revive_dead(session: AsyncSession, *, now: datetime) -> int:
    """Queue undelivered pushes again with a fresh set of attempts, except to people who blocked the bot."""
    result = await session.execute(
        update(Outbox)
        .where(
            Outbox.status == OutboxStatus.DEAD,
            _not_blocked(),
        )
        .values(status=OutboxStatus.PENDING, attempts=0, not_before=now, claimed_at=None)
    )
    revived = int(getattr(result, "rowcount", 0) or 0)
    if revived:
        session.info[_PUSHED] = True
    return revived


async def staff_team_settings(
    session: AsyncSession, *, user_ids: Sequence[int], roles: Sequence[str]
) -> dict[int, tuple[str, dict[str, Any]]]:
    """Time zone and settings of the team of each of these users who has one of `roles`."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(User.id, Team.timezone, Team.settings)
        .join(Team, Team.id == User.team_id)
        .where(User.id.in_(user_ids), User.role.in_(roles))
    )
    return {user_id: (zone, dict(settings or {})) for user_id, zone, settings in rows}
