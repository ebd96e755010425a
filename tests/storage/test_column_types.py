"""Times come back aware and in UTC, money comes back as the exact Decimal, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import utcnow
from storage.models import Order, Reminder
from tests.support.seed import seed

SHANGHAI = timezone(timedelta(hours=8))


async def test_utcnow_is_aware_utc() -> None:
    now = utcnow()

    assert now.tzinfo is UTC


async def test_aware_datetimes_come_back_as_the_same_instant_in_utc(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    due = datetime(2026, 11, 25, 15, 0, 0, 123456, tzinfo=SHANGHAI)
    async with session_factory.begin() as session:
        ids = await seed(session)
        reminder = Reminder(team_id=ids.team_id, user_id=ids.rep_id, kind="follow_up", due_at=due)
        session.add(reminder)

    async with session_factory() as session:
        stored = await session.scalar(select(Reminder.due_at))
        created = await session.scalar(select(Reminder.created_at))

    assert stored == due
    assert stored is not None
    assert (stored.tzinfo, stored.hour, stored.microsecond) == (UTC, 7, 123456)
    assert created is not None
    assert created.tzinfo == UTC


async def test_comparisons_in_sql_use_the_instant(session_factory: async_sessionmaker[AsyncSession]) -> None:
    due = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    async with session_factory.begin() as session:
        ids = await seed(session)
        session.add(Reminder(team_id=ids.team_id, user_id=ids.rep_id, kind="custom", due_at=due))

    async with session_factory() as session:
        just_before = datetime(2026, 11, 25, 14, 59, tzinfo=SHANGHAI)
        just_after = datetime(2026, 11, 25, 15, 1, tzinfo=SHANGHAI)
        assert await session.scalar(select(func.count()).where(Reminder.due_at <= just_before)) == 0
        assert await session.scalar(select(func.count()).where(Reminder.due_at <= just_after)) == 1


async def test_naive_datetimes_are_refused(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        ids = await seed(session)
        session.add(
            Reminder(team_id=ids.team_id, user_id=ids.rep_id, kind="custom", due_at=datetime(2026, 11, 25))
        )

        with pytest.raises(StatementError, match="naive datetime"):
            await session.flush()


@pytest.mark.parametrize("amount", ["0.01", "1234.50", "999999999999.99", "-20.00"])
async def test_money_comes_back_as_the_exact_decimal(
    session_factory: async_sessionmaker[AsyncSession], amount: str
) -> None:
    async with session_factory.begin() as session:
        ids = await seed(session)
        session.add(
            Order(
                team_id=ids.team_id,
                customer_id=ids.customer_id,
                rep_id=ids.rep_id,
                amount=Decimal(amount),
                currency="CNY",
                ordered_at=utcnow(),
            )
        )

    async with session_factory() as session:
        stored = await session.scalar(select(Order.amount))

    assert isinstance(stored, Decimal)
    assert stored == Decimal(amount)
    assert str(stored) == amount


async def test_money_sums_exactly(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory.begin() as session:
        ids = await seed(session)
        for amount in ["0.10", "0.20", "1234.56"]:
            session.add(
                Order(
                    team_id=ids.team_id,
                    customer_id=ids.customer_id,
                    amount=Decimal(amount),
                    currency="CNY",
                    ordered_at=utcnow(),
                )
            )

    async with session_factory() as session:
        total = await session.scalar(select(func.sum(Order.amount)))

    assert total == Decimal("1234.86")
