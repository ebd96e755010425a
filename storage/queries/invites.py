"""Invite links: stored as a hash, claimed with one conditional update so a link works once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite, User


async def add(
    session: AsyncSession,
    *,
    token_hash: str,
    team_id: int,
    role: str,
    created_by_id: int,
    now: datetime,
    expires_at: datetime,
) -> Invite:
    invite = Invite(
        token_hash=token_hash,
        team_id=team_id,
        role=role,
        created_by_id=created_by_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(invite)
    await session.flush()
    return invite


async def by_hash(session: AsyncSession, token_hash: str) -> Invite | None:
    return await session.scalar(select(Invite).where(Invite.token_hash == token_hash))


async def by_id(session: AsyncSession, invite_id: int) -> Invite | None:
    return await session.get(Invite, invite_id)


async def claim(session: AsyncSession, *, invite_id: int, user_id: int, now: datetime) -> bool:
    """Mark the invite used by `user_id`; False if someone else got there first or it lapsed."""
    result = await session.execute(
        update(Invite)
        .where(
            Invite.id == invite_id,
            Invite.used_at.is_(None),
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
        )
        .values(used_at=now, used_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def open_for_team(
    session: AsyncSession, *, team_id: int, now: datetime, limit: int = 20
) -> Sequence[tuple[Invite, User]]:
    """Invites still waiting to be opened, newest first, each with who created it."""
    rows = await session.execute(
        select(Invite, User)
        .join(User, User.id == Invite.created_by_id)
        .where(
            Invite.team_id == team_id,
            Invite.used_at.is_(None),
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
        )
        .order_by(Invite.created_at.desc(), Invite.id.desc())
        .limit(limit)
    )
    return [(invite, user) for invite, user in rows]


async def revoke(session: AsyncSession, *, invite_id: int, now: datetime) -> bool:
    result = await session.execute(
        update(Invite)
        .where(Invite.id == invite_id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def count_open(session: AsyncSession, *, team_id: int, now: datetime) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Invite)
        .where(
            Invite.team_id == team_id,
            Invite.used_at.is_(None),
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
        )
    )
    return int(count or 0)
