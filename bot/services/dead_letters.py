"""Undelivered pushes are shown to admins: a notice at most once an hour, the details on /outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.outbox import payloads
from storage.queries import outbox, users

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
