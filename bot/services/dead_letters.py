"""Undelivered pushes are shown to admins: a notice at most once an hour, the details on /outbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.outbox import payloads
from storage.queries import outbox, users
from storage.queries.outbox import BLOCKED_PREFIX
from storage.queries.outbox import DeadLetter as DeadLetter

TranslatorFor = Callable[[str | None, str], Translator]
NOTICE_PRIORITY = 2


async def notify_admins(
    session: AsyncSession, *, admin_ids: frozenset[int], now: datetime, translator_for: TranslatorFor
) -> int:
    """Queue "n pushes could not be delivered" for each admin who has not had one this hour."""
    count = await outbox.undelivered(session)
    if not count:
        return 0
    hour = now.strftime("%Y-%m-%dT%H")
    pushes = []
    for admin in await users.admins_with_chat(session, admin_ids):
        assert admin.chat_id is not None
        t = translator_for(admin.locale, admin.timezone or "UTC")
        text = t.ngettext(
            "⚠️ {n} push could not be delivered. /outbox shows why and can send it again.",
            "⚠️ {n} pushes could not be delivered. /outbox shows why and can send them again.",
            count,
        ).format(n=t.number(count))
        pushes.append(
            outbox.Push(
                dedupe_key=f"dead-letters:{admin.id}:{hour}",
                chat_id=admin.chat_id,
                user_id=admin.id,
                kind="dead_letters",
                payload=payloads.message(text),
                priority=NOTICE_PRIORITY,
            )
        )
    return await outbox.enqueue_many(session, pushes=pushes, now=now)


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
