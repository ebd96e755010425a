"""Orders: logging one idempotently, the latest few and the recent totals for a card."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Order


async def by_client_ref(session: AsyncSession, *, client_ref: str) -> Order | None:
    return await session.scalar(select(Order).where(Order.client_ref == client_ref))


async def add(
    session: AsyncSession,
    *,
    team_id: int,
    customer_id: int,
    rep_id: int,
    amount: Decimal,
    currency: str,
    ordered_at: datetime,
    client_ref: str,
    now: datetime,
    note: str | None = None,
) -> Order:
    order = Order(
        team_id=team_id,
        customer_id=customer_id,
        rep_id=rep_id,
        amount=amount,
        currency=currency,
        ordered_at=ordered_at,
        note=note,
        created_at=now,
        client_ref=client_ref,
    )
    session.add(order)
    await session.flush()
    return order


async def latest(session: AsyncSession, *, customer_id: int, limit: int = 3) -> Sequence[Order]:
    rows = await session.scalars(
        select(Order)
        .where(Order.customer_id == customer_id)
        .order_by(Order.ordered_at.desc(), Order.id.desc())
        .limit(limit)
    )
    return rows.all()


async def totals_since(session: AsyncSession, *, customer_id: int, since: datetime) -> dict[str, Decimal]:
    """Order totals per currency since `since`, largest first."""
    total = func.sum(Order.amount)
    rows = await session.execute(
        select(Order.currency, total)
        .where(Order.customer_id == customer_id, Order.ordered_at >= since)
        .group_by(Order.currency)
        .order_by(total.desc())
    )
    return {currency: Decimal(amount) for currency, amount in rows.all()}
