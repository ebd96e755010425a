"""Free-text feedback rows and where feedback from people without a customer record goes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import FeedbackKind
from storage.models import Feedback, Team, User


async def add_text(
    session: AsyncSession,
    *,
    team_id: int,
    customer_id: int | None,
    rep_id: int | None,
    comment: str,
    photo_file_id: str | None,
    now: datetime,
    client_ref: str | None = None,
) -> Feedback:
    """A written remark; the same `client_ref` again returns the row it made before."""
    if client_ref is not None:
        existing = await session.scalar(select(Feedback).where(Feedback.client_ref == client_ref))
        if existing is not None:
            return existing
    row = Feedback(
        team_id=team_id,
        customer_id=customer_id,
        rep_id=rep_id,
        kind=FeedbackKind.TEXT.value,
        comment=comment,
        photo_file_id=photo_file_id,
        created_at=now,
        client_ref=client_ref,
    )
    session.add(row)
    await session.flush()
    return row


async def routing_team(session: AsyncSession, *, preferred_id: int | None) -> Team | None:
    """The only team; else the preferred one if it exists; else the oldest."""
    oldest_two = list(await session.scalars(select(Team).order_by(Team.created_at, Team.id).limit(2)))
    if len(oldest_two) <= 1:
        return oldest_two[0] if oldest_two else None
    if preferred_id is not None:
        preferred = await session.get(Team, preferred_id)
        if preferred is not None:
            return preferred
    return oldest_two[0]


async def user_by_id(session: AsyncSession, user_id: int | None) -> User | None:
    return await session.get(User, user_id) if user_id is not None else None
