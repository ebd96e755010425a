"""Teams."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Team


async def add(session: AsyncSession, *, name: str, timezone: str, created_by_id: int, now: datetime) -> Team:
    team = Team(name=name, timezone=timezone, created_by_id=created_by_id, created_at=now)
    session.add(team)
    await session.flush()
    return team


async def by_id(session: AsyncSession, team_id: int) -> Team | None:
    return await session.get(Team, team_id)
