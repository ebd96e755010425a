"""A team's tags and which customers carry them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Tag, customer_tags


async def ensure(session: AsyncSession, *, team_id: int, tag_names: Sequence[str]) -> list[Tag]:
    """The team's tags with these names, creating the missing ones."""
    wanted = list(dict.fromkeys(n for n in tag_names if n))
    if not wanted:
        return []
    existing = {
        t.name: t
        for t in await session.scalars(select(Tag).where(Tag.team_id == team_id, Tag.name.in_(wanted)))
    }
    for name in wanted:
        if name not in existing:
            tag = Tag(team_id=team_id, name=name)
            session.add(tag)
            existing[name] = tag
    await session.flush()
    return [existing[name] for name in wanted]


async def names_of(session: AsyncSession, *, customer_id: int) -> list[str]:
    rows = await session.scalars(
        select(Tag.name)
        .join(customer_tags, customer_tags.c.tag_id == Tag.id)
        .where(customer_tags.c.customer_id == customer_id)
        .order_by(Tag.name)
    )
    return list(rows)


async def replace(session: AsyncSession, *, team_id: int, customer_id: int, tag_names: Sequence[str]) -> None:
    """Give a customer exactly these tags."""
    tags = await ensure(session, team_id=team_id, tag_names=tag_names)
    await session.execute(delete(customer_tags).where(customer_tags.c.customer_id == customer_id))
    if tags:
        await session.execute(
            insert(customer_tags), [{"customer_id": customer_id, "tag_id": tag.id} for tag in tags]
        )
