"""The audit trail: who did what to whom, written in the same unit of work as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditLog


async def record(
    session: AsyncSession,
    *,
    action: str,
    actor_id: int | None,
    now: datetime,
    team_id: int | None = None,
    customer_id: int | None = None,
    target_user_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditLog(
            at=now,
            action=action,
            actor_id=actor_id,
            team_id=team_id,
            customer_id=customer_id,
            target_user_id=target_user_id,
            details=details or {},
        )
    )
    await session.flush()
