"""Logging an order: the order and the customer's last-order date, in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.viewer import Viewer
from bot.services.visibility import visible_customer
from storage.queries import orders, teams

MAX_PRODUCT = 200
# What a team without a currency of its own books in.
DEFAULT_CURRENCY = "CNY"


@dataclass(frozen=True)
class NewOrder:
    """An order as the rep entered it, complete."""

    customer_id: int
    amount: Decimal
    currency: str
    ordered_at: datetime
    product: str | None = None


@dataclass(frozen=True)
class SavedOrder:
    order_id: int
    customer_name: str
    amount: Decimal
    currency: str
    ordered_at: datetime
    duplicate: bool


async def team_currency(session: AsyncSession, *, viewer: Viewer) -> str:
    """The currency the viewer's team books in unless told otherwise."""
    if viewer.team_id is None:
        return DEFAULT_CURRENCY
    team = await teams.by_id(session, viewer.team_id)
    return team.currency if team is not None and team.currency else DEFAULT_CURRENCY


async def is_saved(session: AsyncSession, *, client_ref: str) -> bool:
    return await orders.by_client_ref(session, client_ref=client_ref) is not None


async def save_order(
    session: AsyncSession, *, viewer: Viewer, order: NewOrder, client_ref: str, now: datetime
) -> SavedOrder:
    """Store the order once: a redelivered Save press finds the first one and stops."""
    customer = await visible_customer(session, viewer=viewer, customer_id=order.customer_id)
    existing = await orders.by_client_ref(session, client_ref=client_ref)
    if existing is not None:
        return SavedOrder(
            existing.id, customer.name, existing.amount, existing.currency, existing.ordered_at, True
        )
    row = await orders.add(
        session,
        team_id=customer.team_id,
        customer_id=customer.id,
        rep_id=viewer.user_id,
        amount=order.amount,
        currency=order.currency,
        ordered_at=order.ordered_at,
        client_ref=client_ref,
        now=now,
        note=order.product[:MAX_PRODUCT] if order.product else None,
    )
    if customer.last_order_at is None or customer.last_order_at < order.ordered_at:
        customer.last_order_at = order.ordered_at
    await session.flush()
    return SavedOrder(row.id, customer.name, order.amount, order.currency, order.ordered_at, False)
