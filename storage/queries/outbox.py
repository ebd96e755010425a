"""Enqueueing pushes: idempotent through the unique dedupe key, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Outbox


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
    return True
