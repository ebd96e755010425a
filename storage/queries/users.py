"""Lookups and writes for users: flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Team, User

ROLE_ORDER = {"admin": 0, "manager": 1, "rep": 2}


async def with_team_timezone(session: AsyncSession, telegram_id: int) -> tuple[User, str | None] | None:
    """The user and their team's time zone in one round trip: this runs for every update."""
    row = (
        await session.execute(
            select(User, Team.timezone)
            .outerjoin(Team, Team.id == User.team_id)
            .where(User.telegram_id == telegram_id)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def add(
    session: AsyncSession,
    *,
    telegram_id: int,
    chat_id: int | None,
    first_name: str,
    last_name: str | None,
    username: str | None,
    locale: str,
    now: datetime,
) -> User:
    user = User(
        telegram_id=telegram_id,
        chat_id=chat_id,
        first_name=first_name,
        last_name=last_name,
        username=username,
        locale=locale,
        last_seen_at=now,
    )
    session.add(user)
    await session.flush()
    return user


async def team_members(session: AsyncSession, *, team_id: int) -> Sequence[User]:
    """Staff of a team, managers first, then by name."""
    rows = await session.scalars(
        select(User)
        .where(User.team_id == team_id, User.role.in_(("admin", "manager", "rep")))
        .order_by(case(ROLE_ORDER, value=User.role), User.first_name, User.id)
    )
    return rows.all()


async def set_team(session: AsyncSession, *, user_id: int, team_id: int) -> None:
    await session.execute(update(User).where(User.id == user_id).values(team_id=team_id))


async def admins_with_chat(session: AsyncSession, telegram_ids: frozenset[int]) -> Sequence[User]:
    """Admins who have started the bot, so a notice can reach them."""
    if not telegram_ids:
        return []
    rows = await session.scalars(
        select(User).where(User.telegram_id.in_(telegram_ids), User.chat_id.is_not(None), ~User.blocked_bot)
    )
    return rows.all()


async def managers_for(session: AsyncSession, *, team_id: int, preferred_id: int | None) -> list[User]:
    """The preferred manager if set and active, else every active manager of the team."""
    active = (User.is_active.is_(True), User.role == "manager", User.team_id == team_id)
    if preferred_id is not None:
        own = await session.scalar(select(User).where(User.id == preferred_id, *active))
        if own is not None:
            return [own]
    return list(await session.scalars(select(User).where(*active).order_by(User.id)))
