"""The one place that decides whether a viewer may act on a customer: every entry point asks it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.viewer import Viewer
from bot.services.errors import NotFound
from storage.models import Customer
from storage.queries import customers


class NotVisible(NotFound):
    """Missing, erased, or someone else's: the user is told the same thing in each case."""


async def visible_customer(session: AsyncSession, *, viewer: Viewer, customer_id: int) -> Customer:
    """The customer, if `viewer` may see it; re-checked on every press, never trusted from a button."""
    customer = await customers.visible_by_id(session, viewer=viewer, customer_id=customer_id)
    if customer is None:
        raise NotVisible(customer_id)
    return customer
