"""Which customers are due a visit by their tier's cadence: the SQL that the revisit plan and
/today both run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.cadence import cadence_overrides, cadence_table
from storage.models import Customer
from storage.queries.revisits import overdue
from tests.support.seed import seed

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
OLD = timedelta(days=400)


async def overdue_names(
    session_factory: async_sessionmaker[AsyncSession],
    customers: dict[str, tuple[str, timedelta | None, timedelta]],
    team_settings: dict[str, object] | None = None,
) -> set[str]:
    """Adds each customer as name: (tier, time since the last visit or None, age), then reads
    back the names the cadence finds overdue."""
    async with session_factory.begin() as session:
        ids = await seed(session)
        for name, (tier, since_visit, age) in customers.items():
            session.add(
                Customer(
                    team_id=ids.team_id,
                    owner_id=ids.rep_id,
                    name=name,
                    tier=tier,
                    last_visit_at=NOW - since_visit if since_visit is not None else None,
                    created_at=NOW - age,
                )
            )
    cadence = cadence_table(cadence_overrides(team_settings))
    async with session_factory() as session:
        found = await session.scalars(
            select(Customer.name).where(Customer.name.in_(customers), overdue(cadence, NOW))
        )
        return set(found)


async def test_a_visit_falls_due_when_the_tier_cadence_has_passed(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    due = await overdue_names(
        session_factory,
        {
            "vip almost": ("VIP", timedelta(days=13, hours=23), OLD),
            "vip due": ("VIP", timedelta(days=14), OLD),
            "a due": ("A", timedelta(days=30), OLD),
            "b almost": ("B", timedelta(days=59), OLD),
            "c due": ("C", timedelta(days=90), OLD),
        },
    )

    assert due == {"vip due", "a due", "c due"}


async def test_a_team_override_sets_the_cadence(session_factory: async_sessionmaker[AsyncSession]) -> None:
    due = await overdue_names(
        session_factory,
        {
            "a almost": ("A", timedelta(days=11), OLD),
            "a due": ("A", timedelta(days=12), OLD),
            "b default": ("B", timedelta(days=59), OLD),
        },
        {"cadence_days": {"A": 12, "B": "often"}},
    )

    assert due == {"a due"}


async def test_a_customer_never_visited_counts_from_their_creation(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    due = await overdue_names(
        session_factory,
        {
            "new": ("C", None, timedelta(days=10)),
            "old": ("C", None, timedelta(days=90)),
        },
    )

    assert due == {"old"}
