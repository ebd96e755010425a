"""The health rescan of a big team: `python -m bench.rescan --database sqlite|postgresql --customers N`.

Seeds one team with N customers (one in ten never ordered; the rest six orders and four visits, each
on a rhythm of their own) by bulk inserts into a scratch database (PostgreSQL through
TEST_POSTGRES_URL), then runs a full rescan and prints its time, the process's peak RSS and, with
--trace, the rescan's peak Python allocation. It asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.database import BACKENDS, postgres_admin_url, scratch_database
from bot.domain.roles import Role
from bot.services import health
from storage.db import create_engine, create_session_factory
from storage.models import Customer, Order, Team, User, Visit

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
SEED_BATCH = 5_000
MAX_CUSTOMERS = 1_000_000
ORDERS_EACH = 6
VISITS_EACH = 4
TIERS = ("VIP", "A", "B", "C")


def _events(team_id: int, rep_id: int, customer_ids: list[int]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Orders every `gap` days (7–66) ending `i % 120` days ago, and visits in between."""
    for customer_id in customer_ids:
        if customer_id % 10 == 0:
            continue
        gap = 7 + customer_id % 60
        last = customer_id % 120
        for n in range(ORDERS_EACH):
            at = NOW - timedelta(days=last + n * gap, hours=customer_id % 9)
            row = {"team_id": team_id, "customer_id": customer_id, "rep_id": rep_id, "created_at": at}
            amount = Decimal(100 + customer_id % 900 + n * 10)
            yield "order", {**row, "amount": amount, "currency": "CNY", "ordered_at": at}
        for n in range(VISITS_EACH):
            at = NOW - timedelta(days=customer_id % 45 + n * gap)
            row = {"team_id": team_id, "customer_id": customer_id, "rep_id": rep_id, "created_at": at}
            yield "visit", {**row, "kind": "on_site", "visited_at": at}


async def seed(db: async_sessionmaker[AsyncSession], *, customers: int) -> int:
    async with db.begin() as session:
        team = Team(name="Bench", created_at=NOW)
        session.add(team)
        await session.flush()
        rep = User(telegram_id=10_000, chat_id=10_000, first_name="Rep", role=Role.REP, team_id=team.id)
        session.add(rep)
        await session.flush()
        team_id, rep_id = team.id, rep.id
    for start in range(0, customers, SEED_BATCH):
        rows = [
            {
                "team_id": team_id,
                "owner_id": rep_id,
                "name": f"Customer {i}",
                "tier": TIERS[i % len(TIERS)],
                "health_reasons": [],
                "created_at": NOW - timedelta(days=400),
                "updated_at": NOW - timedelta(days=400),
            }
            for i in range(start, min(start + SEED_BATCH, customers))
        ]
        async with db.begin() as session:
            ids = list(await session.scalars(insert(Customer).returning(Customer.id), rows))
            orders: list[dict[str, Any]] = []
            visits: list[dict[str, Any]] = []
            for kind, row in _events(team_id, rep_id, ids):
                (orders if kind == "order" else visits).append(row)
            await session.execute(insert(Order), orders)
            await session.execute(insert(Visit), visits)
    return team_id


async def main(backend: str, *, customers: int, trace: bool, postgres_url: str) -> None:
    async with scratch_database(backend, postgres_url=postgres_url) as url:
        engine = create_engine(url)
        try:
            db = create_session_factory(engine)
            started = time.perf_counter()
            team_id = await seed(db, customers=customers)
            seeded = time.perf_counter() - started
            rss_seeded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            if trace:
                tracemalloc.start()
            started = time.perf_counter()
            stats = await health.rescan_team(db, team_id=team_id, now=NOW, incremental=False)
            took = time.perf_counter() - started
            traced = tracemalloc.get_traced_memory()[1] if trace else None
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        finally:
            await engine.dispose()
    print(f"{backend}: {customers} customers seeded in {seeded:.1f}s")
    print(f"full rescan: {stats.scored} scored in {stats.batches} batches, {took:.1f}s")
    print(f"peak RSS: {rss / 1024:.0f} MiB (after seeding {rss_seeded / 1024:.0f} MiB)")
    if traced is not None:
        print(f"rescan peak Python allocation: {traced / 2**20:.0f} MiB")


def _bounded(value: str) -> int:
    number = int(value)
    if not 1 <= number <= MAX_CUSTOMERS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_CUSTOMERS}")
    return number


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=BACKENDS, default="sqlite")
    parser.add_argument("--customers", type=_bounded, default=100_000)
    parser.add_argument("--trace", action="store_true", help="also trace the rescan's Python allocations")
    arguments = parser.parse_args()
    asyncio.run(
        main(
            arguments.database,
            customers=arguments.customers,
            trace=arguments.trace,
            postgres_url=postgres_admin_url(),
        )
    )
