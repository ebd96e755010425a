"""The health rescan of a big team: `python -m bench.rescan --customers N --events M [--database-url URL]`.

One team of N customers owned by 50 reps, with M orders and visits in all. Without --database-url a
scratch database of --database is used and dropped; --database-url names an existing PostgreSQL
database whose name contains "bench", migrated and emptied first. SQLite is seeded by bulk inserts
from Python (one in ten customers never ordered, the rest 60 % orders and 40 % visits on a rhythm of
their own). PostgreSQL data is generated set-based by INSERT ... SELECT over generate_series (orders
and visits on two connections, plain indexes rebuilt after), deterministic from hashes of ids:
tiers VIP 5 % / A 20 % / B 40 % / C 35 %; 8 % never ordered (visits only); rhythms of 7–90 days,
skewed short; 15 % churned (silent 3–8 rhythms); event counts skewed (weights 1–32); a fifth of the
customers spending less lately; NPS from 10 %, CSAT from 5 %, open tickets at 1 %, follow-ups at 10 %.
Then a full rescan; it prints the times, rows, customers/s and the process's peak RSS; it asserts
nothing.
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

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.database import BACKENDS, postgres_admin_url, scratch_database
from bot.domain.roles import Role
from bot.services import health
from storage import migrate
from storage.db import create_engine, create_session_factory
from storage.models import Customer, Feedback, Order, Team, Ticket, User, Visit

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
SEED_BATCH = 5_000
MAX_CUSTOMERS = 1_000_000
MAX_EVENTS = 20_000_000
REPS = 50
TIERS = ("VIP", "A", "B", "C")
BENCH_TABLES = "teams, users, customers, orders, visits, feedback, tickets"


def _events(
    team_id: int, rep_id: int, customer_ids: list[int], each: int
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Orders every `gap` days (7–66) ending `i % 120` days ago, and visits in between."""
    orders_each = max(1, round(each * 0.6))
    for customer_id in customer_ids:
        if customer_id % 10 == 0:
            continue
        gap = 7 + customer_id % 60
        last = customer_id % 120
        for n in range(orders_each):
            at = NOW - timedelta(days=last + n * gap, hours=customer_id % 9)
            row = {"team_id": team_id, "customer_id": customer_id, "rep_id": rep_id, "created_at": at}
            amount = Decimal(100 + customer_id % 900 + n * 10)
            yield "order", {**row, "amount": amount, "currency": "CNY", "ordered_at": at}
        for n in range(each - orders_each):
            at = NOW - timedelta(days=customer_id % 45 + n * gap)
            row = {"team_id": team_id, "customer_id": customer_id, "rep_id": rep_id, "created_at": at}
            yield "visit", {**row, "kind": "on_site", "visited_at": at}


async def _team(db: async_sessionmaker[AsyncSession]) -> tuple[int, list[int]]:
    async with db.begin() as session:
        team = Team(name="Bench", created_at=NOW)
        session.add(team)
        await session.flush()
        reps = [
            User(telegram_id=10_000 + n, chat_id=10_000 + n, first_name="Rep", role=Role.REP, team_id=team.id)
            for n in range(REPS)
        ]
        session.add_all(reps)
        await session.flush()
        return team.id, [rep.id for rep in reps]


async def seed_python(db: async_sessionmaker[AsyncSession], *, customers: int, events: int) -> int:
    """Row by row from Python in batches: the portable way, fine up to a few hundred thousand."""
    team_id, reps = await _team(db)
    each = max(1, round(events / max(1, customers - customers // 10)))
    for start in range(0, customers, SEED_BATCH):
        rows = [
            {
                "team_id": team_id,
                "owner_id": reps[i % REPS],
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
            for kind, row in _events(team_id, reps[0], ids, each):
                (orders if kind == "order" else visits).append(row)
            await session.execute(insert(Order), orders)
            await session.execute(insert(Visit), visits)
    return team_id


def _u(key: str, salt: int) -> str:
    """A deterministic uniform number in [0, 1) from an integer SQL expression and a salt."""
    return f"((hashint8(CAST({key} AS bigint) * 64 + {salt}) & 2147483647) / 2147483648.0)"


AT = "CAST(:now AS timestamptz)"
TEAM = "CAST(:team AS integer)"

CUSTOMERS_SQL = f"""
INSERT INTO customers
    (team_id, owner_id, name, tier, health_reasons, next_follow_up_at, created_at, updated_at)
SELECT {TEAM}, CAST(:first_rep AS integer) + i % {REPS}, 'Customer ' || i,
       CASE WHEN {_u("i", 1)} < 0.05 THEN 'VIP' WHEN {_u("i", 1)} < 0.25 THEN 'A'
            WHEN {_u("i", 1)} < 0.65 THEN 'B' ELSE 'C' END,
       CAST('[]' AS json),
       CASE WHEN {_u("i", 9)} < 0.1 THEN {AT} - make_interval(days => (20 * {_u("i", 10)})::int - 5) END,
       {AT} - interval '400 days', {AT} - interval '400 days'
FROM generate_series(1, CAST(:customers AS integer)) AS i
"""

# Per customer: never ordered, usual gap, days since the last event, and how many events (the
# integer weights' running sums split the total exactly).
PLAN_SQL = f"""
CREATE UNLOGGED TABLE bench_plan AS
WITH drawn AS (
    SELECT id, owner_id, {_u("id", 2)} < 0.08 AS potential, 7 + 83 * {_u("id", 3)} ^ 2 AS gap,
           {_u("id", 4)} < 0.15 AS churned, {_u("id", 5)} AS late,
           CASE WHEN {_u("id", 2)} < 0.08 THEN 1 ELSE 1 + floor(32 * {_u("id", 6)} ^ 2)::int END AS weight
    FROM customers WHERE team_id = {TEAM}
), summed AS (
    SELECT *, sum(weight) OVER (ORDER BY id) AS upto, sum(weight) OVER () AS total FROM drawn
)
SELECT id, owner_id, potential, gap,
       gap * CASE WHEN churned THEN 3 + 5 * late ELSE 1.2 * late END AS last_days,
       (CAST(:events AS bigint) * upto / total - CAST(:events AS bigint) * (upto - weight) / total)::int AS n
FROM summed
"""

# Event k of a customer happens k steps of 0.6 gap (±30 %) before the last; k % 5 < 3 are orders.
EVENTS_SQL = f"""
SELECT p.id, p.owner_id, k, p.potential,
       {AT} - make_interval(
           secs => (p.last_days + k * p.gap * 0.6 * (0.7 + 0.6 * {_u("p.id::bigint * 4096 + k", 7)})) * 86400
       ) AS at
FROM bench_plan p CROSS JOIN LATERAL generate_series(0, p.n - 1) AS k
"""

ORDERS_SQL = f"""
INSERT INTO orders (team_id, customer_id, rep_id, amount, currency, ordered_at, created_at)
SELECT {TEAM}, id, owner_id,
       round((80 + 1900 * {_u("id", 8)} * (0.7 + 0.6 * {_u("id::bigint * 4096 + k", 11)})
              * CASE WHEN {_u("id", 12)} < 0.2 AND k < 3 THEN 0.4 ELSE 1 END)::numeric, 2),
       'CNY', at, at
FROM ({EVENTS_SQL}) e WHERE NOT potential AND k % 5 < 3
"""

VISITS_SQL = f"""
INSERT INTO visits (team_id, customer_id, rep_id, kind, visited_at, created_at)
SELECT {TEAM}, id, owner_id, 'on_site', at, at FROM ({EVENTS_SQL}) e WHERE potential OR k % 5 >= 3
"""

FEEDBACK_SQL = f"""
INSERT INTO feedback (team_id, customer_id, kind, score, created_at)
SELECT {TEAM}, id, 'nps', floor(11 * {_u("id", 13)})::int,
       {AT} - make_interval(days => (200 * {_u("id", 14)})::int)
FROM customers WHERE team_id = {TEAM} AND {_u("id", 15)} < 0.1
UNION ALL
SELECT {TEAM}, id, 'csat', 1 + floor(5 * {_u("id", 16)})::int,
       {AT} - make_interval(days => (90 * {_u("id", 17)})::int)
FROM customers WHERE team_id = {TEAM} AND {_u("id", 18)} < 0.05
"""

TICKETS_SQL = f"""
INSERT INTO tickets (team_id, number, customer_id, description, resolve_due_at, created_at, updated_at)
SELECT {TEAM}, row_number() OVER (ORDER BY id), id, 'Bench',
       {AT} - make_interval(days => (20 * {_u("id", 19)})::int - 5),
       {AT} - interval '30 days', {AT} - interval '30 days'
FROM customers WHERE team_id = {TEAM} AND {_u("id", 20)} < 0.01
"""


# Plain (non-unique) indexes of the event tables, rebuilt once after loading: far cheaper than row by row.
EVENT_INDEXES = text(
    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('orders', 'visits')"
    " AND indexdef NOT LIKE 'CREATE UNIQUE%'"
)


async def seed_sql(db: async_sessionmaker[AsyncSession], *, customers: int, events: int) -> int:
    """Set-based on PostgreSQL: INSERT ... SELECT, orders and visits on two connections at once."""
    async with db.begin() as session:
        await session.execute(text(f"TRUNCATE {BENCH_TABLES} RESTART IDENTITY CASCADE"))
        await session.execute(text("DROP TABLE IF EXISTS bench_plan"))
        indexes = [tuple(row) for row in await session.execute(EVENT_INDEXES)]
        for name, _ in indexes:
            await session.execute(text(f"DROP INDEX {name}"))
    team_id, reps = await _team(db)
    params = {"team": team_id, "first_rep": reps[0], "now": NOW, "customers": customers, "events": events}

    async def load(*statements: str) -> None:
        async with db.begin() as session:
            for sql in statements:
                await session.execute(text(sql), params)

    await load(CUSTOMERS_SQL, PLAN_SQL, FEEDBACK_SQL, TICKETS_SQL)
    await asyncio.gather(load(ORDERS_SQL), load(VISITS_SQL))
    await asyncio.gather(*(load(definition) for _, definition in indexes))
    await load("DROP TABLE bench_plan")
    await load(f"ANALYZE {BENCH_TABLES}")
    return team_id


async def _rows(db: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with db() as session:
        return {
            model.__tablename__: int(await session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Customer, Order, Visit, Feedback, Ticket)
        }


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(url: str, *, customers: int, events: int, trace: bool) -> None:
    engine = create_engine(url)
    try:
        db = create_session_factory(engine)
        started = time.perf_counter()
        seed = seed_sql if engine.dialect.name == "postgresql" else seed_python
        team_id = await seed(db, customers=customers, events=events)
        seeded = time.perf_counter() - started
        rows = await _rows(db)
        rss_seeded = _rss_mib()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        stats = await health.rescan_team(db, team_id=team_id, now=NOW, incremental=False)
        took = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] if trace else None
    finally:
        await engine.dispose()
    counts = ", ".join(f"{n} {table}" for table, n in rows.items())
    print(f"{engine.dialect.name}: generated in {seeded:.1f}s: {counts}")
    rate = stats.scored / took
    print(f"full rescan: {stats.scored} scored in {stats.batches} batches, {took:.1f}s, {rate:.0f}/s")
    print(f"peak RSS: {_rss_mib():.0f} MiB (after generating {rss_seeded:.0f} MiB)")
    if traced is not None:
        print(f"rescan peak Python allocation: {traced / 2**20:.0f} MiB")


async def main(arguments: argparse.Namespace) -> None:
    sizes = {"customers": arguments.customers, "events": arguments.events, "trace": arguments.trace}
    if arguments.database_url:
        await migrate.upgrade(arguments.database_url)
        await run(arguments.database_url, **sizes)
        return
    async with scratch_database(arguments.database, postgres_url=postgres_admin_url()) as url:
        await run(url, **sizes)


def _bounded(most: int) -> Any:
    def parse(value: str) -> int:
        number = int(value)
        if not 1 <= number <= most:
            raise argparse.ArgumentTypeError(f"must be between 1 and {most}")
        return number

    return parse


def _bench_url(value: str) -> str:
    url = make_url(value)
    if url.get_backend_name() != "postgresql" or "bench" not in (url.database or ""):
        raise argparse.ArgumentTypeError("must be a PostgreSQL database whose name contains 'bench'")
    return value


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=BACKENDS, default="sqlite", help="scratch database backend")
    parser.add_argument("--database-url", type=_bench_url, help="an existing bench database; emptied first")
    parser.add_argument("--customers", type=_bounded(MAX_CUSTOMERS), default=100_000)
    parser.add_argument("--events", type=_bounded(MAX_EVENTS), help="orders and visits in all (10 each)")
    parser.add_argument("--trace", action="store_true", help="also trace the rescan's Python allocations")
    parsed = parser.parse_args()
    parsed.events = parsed.events or 10 * parsed.customers
    asyncio.run(main(parsed))
