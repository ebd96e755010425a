"""Visits: logging one idempotently, and the latest few for a card."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Visit


async def by_client_ref(session: AsyncSession, *, client_ref: str) -> Visit | None:
    return await session.scalar(select(Visit).where(Visit.client_ref == client_ref))


async def add(
    session: AsyncSession,
    *,
    team_id: int,
    customer_id: int,
    rep_id: int,
    kind: str,
    outcome: str | None,
    visited_at: datetime,
    client_ref: str,
    notes: str | None = None,
    photo_file_id: str | None = None,
    voice_file_id: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    accuracy_m: float | None = None,
    distance_m: float | None = None,
) -> Visit:
    visit = Visit(
        team_id=team_id,
        customer_id=customer_id,
        rep_id=rep_id,
        kind=kind,
        outcome=outcome,
        notes=notes,
        photo_file_id=photo_file_id,
        voice_file_id=voice_file_id,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        distance_m=distance_m,
        visited_at=visited_at,
        created_at=visited_at,
        client_ref=client_ref,
    )
    session.add(visit)
    await session.flush()
    return visit


async def latest(session: AsyncSession, *, customer_id: int, limit: int = 3) -> Sequence[Visit]:
    rows = await session.scalars(
        select(Visit)
        .where(Visit.customer_id == customer_id)
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
        .limit(limit)
    )
    return rows.all()
