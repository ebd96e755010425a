"""`@bot name` in any chat: the viewer's own matching customers (a manager's: the team's), as
minimal cards to share with a colleague. Search and visibility are the same as /find's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.viewer import Viewer
from bot.services import customers
from storage.queries.shared_cards import SharedCard as SharedCard
from storage.queries.shared_cards import shared_cards

PER_PAGE = 10


@dataclass(frozen=True, slots=True)
class Lookup:
    cards: list[SharedCard]
    next_page: int | None


async def lookup(session: AsyncSession, *, viewer: Viewer, text: str, page: int, now: datetime) -> Lookup:
    """One page of cards; an empty query lists the customers the viewer is busiest with.

    Search stops at its last page, so a later page is empty and names no next page."""
    if page > customers.MAX_PAGE:
        return Lookup([], None)
    if not text.strip():
        hits = await customers.recent(session, viewer=viewer, now=now, limit=PER_PAGE) if page == 0 else []
        has_more = False
    else:
        found = await customers.search(session, viewer=viewer, text=text, page=page, per_page=PER_PAGE)
        hits, has_more = found.hits, found.has_more
    cards = await shared_cards(session, viewer=viewer, ids=[hit.id for hit in hits])
    return Lookup(cards, page + 1 if has_more and page < customers.MAX_PAGE else None)
