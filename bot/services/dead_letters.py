"""Undelivered pushes are shown to admins: a notice at most once an hour (worded by
handlers/admin/dead_letters.py), the details on /outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.pushes import PushRequest, Recipient
from storage.queries import outbox, users
from storage.queries.outbox import BLOCKED_PREFIX
from storage.queries.outbox import DeadLetter as DeadLetter

NOTICE_PRIORITY = 2


@dataclass(frozen=True, slots=True)
class Undelivered:
    """How many pushes the sender gave up on."""

    count: int


async def notices_for_admins(
    session: AsyncSession, *, admin_ids: frozenset[int], now: datetime
) -> list[PushRequest]:
    """ "n pushes could not be delivered" for each admin, keyed by the hour so each gets one an hour."""
    count = await outbox.undelivered(session)
    if not count:
        return []
    hour = now.strftime("%Y-%m-%dT%H")
    notices = []
    for admin in await users.admins_with_chat(session, admin_ids):
        assert admin.chat_id is not None
        notices.append(
            PushRequest(
                dedupe_key=f"dead-letters:{admin.id}:{hour}",
                kind="dead_letters",
                to=Recipient(admin.chat_id, admin.id, admin.locale, admin.timezone or "UTC"),
                notice=Undelivered(count),
                priority=NOTICE_PRIORITY,
            )
        )
    return notices


@dataclass(frozen=True, slots=True)
class OutboxState:
    """What /outbox shows: rows per status (except sent) and the newest undelivered pushes."""

    counts: dict[str, int]
    dead: list[DeadLetter]


async def outbox_state(session: AsyncSession, *, shown: int) -> OutboxState:
    return OutboxState(
        counts=await outbox.status_counts(session), dead=await outbox.dead_letters(session, limit=shown)
    )


def blocked(letter: DeadLetter) -> bool:
    """The recipient blocked the bot, so sending again would not reach them."""
    return (letter.last_error or "").startswith(BLOCKED_PREFIX)


async def retry_undelivered(session: AsyncSession, *, now: datetime) -> int:
    """Queue undelivered pushes again with fresh attempts, except to people who blocked the bot."""
    return await outbox.revive_dead(session, now=now)
