"""A customer's history, newest first and a page at a time: visits, orders, feedback, tickets, reminders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.viewer import Viewer
from bot.services.visibility import visible_customer
from storage.queries import card
from storage.queries.card import TimelineRow as TimelineRow

PER_PAGE = 8


@dataclass(frozen=True)
class HistoryPage:
    customer_id: int
    customer_name: str
    entries: list[TimelineRow]
    page: int
    has_more: bool


async def history(
    session: AsyncSession, *, viewer: Viewer, customer_id: int, page: int, per_page: int = PER_PAGE
) -> HistoryPage:
    """One page of the timeline, if `viewer` may see the customer."""
    customer = await visible_customer(session, viewer=viewer, customer_id=customer_id)
    page = max(page, 0)
    rows = await card.timeline(session, customer_id=customer.id, offset=page * per_page, limit=per_page + 1)
    return HistoryPage(customer.id, customer.name, list(rows[:per_page]), page, len(rows) > per_page)
