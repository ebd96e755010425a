"""What a customer card shared into another chat may show: name, company, tier, stage and owner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.names import full_name
from bot.domain.viewer import Viewer
from storage.models import Customer, User
from storage.queries.customers import visible_to


@dataclass(frozen=True, slots=True)
class SharedCard:
    id: int
    name: str
    company: str | None
    tier: str
    stage: str
    owner: str | None


async def shared_cards(session: AsyncSession, *, viewer: Viewer, ids: Sequence[int]) -> list[SharedCard]:
    """The cards of these customers that the viewer may see, in the order of `ids` (one query)."""
    if not ids:
        return []
    rows = await session.execute(
        select(
            Customer.id,
            Customer.name,
            Customer.company,
            Customer.tier,
            Customer.stage,
            User.first_name,
            User.last_name,
        )
        .outerjoin(User, User.id == Customer.owner_id)
        .where(Customer.id.in_(ids), visible_to(viewer))
    )
    found = {
        row.id: SharedCard(
            row.id,
            row.name,
            row.company,
            row.tier,
            row.stage,
            full_name(row.first_name, row.last_name) or None,
        )
        for row in rows
    }
    return [found[i] for i in ids if i in found]
