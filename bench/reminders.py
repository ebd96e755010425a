"""Reminder pushes and /today with a big team: `python -m bench.reminders --database sqlite|postgresql`.

Seeds one team (a manager, reps, customers, and `--reminders` follow-ups all due in the last ten
hours) with bulk inserts into a scratch database (PostgreSQL through TEST_POSTGRES_URL), then times:

- the reminder scan: `bot.services.reminders.take_due` in batches until none is left, rendering
  and queueing every push as the job does, each batch one transaction;
- /today as a rep and as the manager: `bot.services.today.today`, median of a few runs;
- one paced sender pass: `OutboxSender.drain` with the production limits, sending to the sandbox
  Bot API over HTTP.

Prints a table; it asserts nothing. Every phase has a time limit, and the sizes are capped.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Bot

from bench.database import BACKENDS, postgres_admin_url, scratch_database
from bot.domain.enums import ReminderKind, ReminderStatus, RiskLevel, Tier
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.i18n import I18n
from bot.outbox.sender import OutboxSender, Outcome
from bot.services import reminders, today
from bot.services.pushes import PushRequest
from bot.services.reminders import ReminderDue
from handlers.reminder.pushes import push_payload
from sandbox import SandboxClient, SandboxServer
from storage.db import create_engine, create_session_factory
from storage.models import Customer, Reminder, Team, User
from storage.queries import outbox

# 09:00 in Shanghai; the reminders fell due over the ten hours before.
NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
TEAM_TIMEZONE = "Asia/Shanghai"
TOKEN = "123456789:BENCH-reminders-token-0123456789"
FIRST_TELEGRAM_ID = 10_000
MAX_REMINDERS = 100_000
MAX_CUSTOMERS = 200_000
MAX_REPS = 1_000
SEED_BATCH = 5_000
TODAY_RUNS = 5
# Prime, so the oldest pushes go to many reps rather than queueing for one.
DUE_SPREAD_MINUTES = 601
PHASE_SECONDS = 300.0
TIERS = (Tier.A, Tier.B, Tier.C, Tier.VIP)


@dataclass(frozen=True)
class Seeded:
    """What the measurements need to know about the seeded team."""

    rep: Viewer
    manager: Viewer
    telegram_ids: list[int]


@dataclass(frozen=True)
class Figure:
    """One line of the table."""

    what: str
    n: int
    ms: float
    note: str = ""


def _viewer(user_id: int, telegram_id: int, role: Role, team_id: int) -> Viewer:
    return Viewer(
        user_id=user_id,
        telegram_id=telegram_id,
        first_name=f"U{telegram_id}",
        role=role,
        team_id=team_id,
        locale="en",
        timezone=TEAM_TIMEZONE,
    )


def _customer(team_id: int, owner_id: int, i: int) -> dict[str, Any]:
    """Every 53rd customer fell at risk an hour ago, every 97th has a birthday today.

    Prime moduli, so that every rep gets a share of each kind.
    """
    return {
        "team_id": team_id,
        "owner_id": owner_id,
        "name": f"Customer {i}",
        "tier": TIERS[i % 7 % len(TIERS)],
        "created_at": NOW - timedelta(days=100),
        "updated_at": NOW,
        "last_visit_at": NOW - timedelta(days=i % 90),
        "birthday": date(1980, 11, 24) if i % 97 == 0 else None,
        "risk_level": RiskLevel.HIGH if i % 53 == 0 else None,
        "health_score": 10 if i % 53 == 0 else None,
        "health_reasons": [],
        "health_computed_at": NOW - timedelta(hours=1),
    }


async def seed(
    db: async_sessionmaker[AsyncSession], *, reps: int, customers: int, reminder_count: int
) -> Seeded:
    """A manager and `reps` reps (half in Chinese), their customers, and due follow-ups for the owners."""
    async with db.begin() as session:
        team = Team(name="Bench", timezone=TEAM_TIMEZONE, created_at=NOW)
        session.add(team)
        await session.flush()
        telegram_ids = [FIRST_TELEGRAM_ID + i for i in range(reps + 1)]
        users = [
            {
                "telegram_id": telegram_id,
                "chat_id": telegram_id,
                "first_name": f"U{telegram_id}",
                "role": Role.MANAGER if i == 0 else Role.REP,
                "team_id": team.id,
                "locale": "en" if i % 2 else "zh_Hans",
            }
            for i, telegram_id in enumerate(telegram_ids)
        ]
        user_ids = list(await session.scalars(insert(User).returning(User.id), users))
        manager_id, rep_ids = user_ids[0], user_ids[1:]
        team_id = team.id
    customer_ids: list[int] = []
    for start in range(0, customers, SEED_BATCH):
        rows = [
            _customer(team_id, rep_ids[i % reps], i) for i in range(start, min(start + SEED_BATCH, customers))
        ]
        async with db.begin() as session:
            customer_ids += await session.scalars(insert(Customer).returning(Customer.id), rows)
    for start in range(0, reminder_count, SEED_BATCH):
        rows = [
            {
                "team_id": team_id,
                "user_id": rep_ids[i % customers % reps],
                "customer_id": customer_ids[i % customers],
                "kind": ReminderKind.FOLLOW_UP,
                "due_at": NOW - timedelta(minutes=i % DUE_SPREAD_MINUTES),
                "note": f"Bring the new price list ({i})",
                "status": ReminderStatus.PENDING,
                "created_at": NOW - timedelta(days=1),
            }
            for i in range(start, min(start + SEED_BATCH, reminder_count))
        ]
        async with db.begin() as session:
            await session.execute(insert(Reminder), rows)
    return Seeded(
        rep=_viewer(rep_ids[0], telegram_ids[1], Role.REP, team_id),
        manager=_viewer(manager_id, telegram_ids[0], Role.MANAGER, team_id),
        telegram_ids=telegram_ids,
    )


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    async with asyncio.timeout(PHASE_SECONDS):
        await call()
    return (time.perf_counter() - start) * 1000


async def reminder_scan(db: async_sessionmaker[AsyncSession], *, reminder_count: int) -> Figure:
    """All due reminders pushed the way the job does it: batch after batch until one comes back short."""
    i18n = I18n()

    def push(request: PushRequest) -> outbox.Push:
        assert isinstance(request.notice, ReminderDue)
        t = i18n.translator(request.to.locale, request.to.timezone or TEAM_TIMEZONE)
        return outbox.Push(
            dedupe_key=request.dedupe_key,
            chat_id=request.to.chat_id,
            user_id=request.to.user_id,
            kind=request.kind,
            payload=push_payload(request.notice, t),
            priority=request.priority,
        )

    queued = batches = 0

    async def scan() -> None:
        nonlocal queued, batches
        for _ in range(reminder_count // reminders.PUSH_BATCH + 2):
            async with db.begin() as session:
                due = await reminders.take_due(session, now=NOW)
                queued += await outbox.enqueue_many(session, pushes=[push(r) for r in due.pushes], now=NOW)
            batches += 1
            if due.handled < reminders.PUSH_BATCH:
                return

    ms = await timed(scan)
    return Figure("reminder scan", queued, ms, f"{batches} batches, {queued / ms * 1000:,.0f} pushes/s")


async def agenda(db: async_sessionmaker[AsyncSession], *, who: str, viewer: Viewer) -> Figure:
    """/today's queries, warmed up once, then the median of a few runs."""
    async with db() as session:
        found = await today.today(session, viewer=viewer, now=NOW)
        samples = []
        for _ in range(TODAY_RUNS):

            async def run() -> None:
                await today.today(session, viewer=viewer, now=NOW)

            samples.append(await timed(run))
    note = (
        f"median; overdue {found.overdue.total}, birthdays {found.birthdays.total}, "
        f"at risk {found.at_risk.total}, revisits {found.revisits.total}"
    )
    return Figure(f"/today as {who}", TODAY_RUNS, statistics.median(samples), note)


async def paced_sender_pass(db: async_sessionmaker[AsyncSession], *, telegram_ids: list[int]) -> Figure:
    """One drain with the production limits, against the sandbox Bot API over HTTP."""
    server = SandboxServer()
    await server.start()
    try:
        async with (
            SandboxClient(server.url, TOKEN) as client,
            Bot(TOKEN, base_url=f"{server.url}/bot") as bot,
        ):
            for telegram_id in telegram_ids:
                await (await client.user(telegram_id)).send("/start")
            sender = OutboxSender(bot, db)
            drained: dict[Outcome, int] = {}

            async def drain() -> None:
                drained.update(await sender.drain(now=NOW))

            ms = await timed(drain)
    finally:
        await server.stop()
    note = (
        f"{drained.get(Outcome.DEFERRED, 0)} deferred to their chat's next second, "
        f"limit {sender.limits.per_second}/s"
    )
    return Figure("paced sender pass", drained.get(Outcome.SENT, 0), ms, note)


def print_table(backend: str, figures: list[Figure]) -> None:
    print(f"{backend}")
    print(f"{'what':<20} {'n':>7} {'ms':>10}  notes")
    for figure in figures:
        print(f"{figure.what:<20} {figure.n:>7} {figure.ms:>10.1f}  {figure.note}")


async def analyze(engine: AsyncEngine) -> None:
    """Planner statistics, as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) keep them."""
    async with engine.begin() as connection:
        await connection.exec_driver_sql("ANALYZE")


async def main(backend: str, *, reminder_count: int, customers: int, reps: int, postgres_url: str) -> None:
    async with scratch_database(backend, postgres_url=postgres_url) as url:
        engine = create_engine(url)
        db = create_session_factory(engine)
        try:
            started = time.perf_counter()
            team = await seed(db, reps=reps, customers=customers, reminder_count=reminder_count)
            await analyze(engine)
            seeded = Figure(
                "seed",
                customers + reminder_count,
                (time.perf_counter() - started) * 1000,
                f"{reps} reps, {customers} customers, {reminder_count} due reminders",
            )
            figures = [seeded, await reminder_scan(db, reminder_count=reminder_count)]
            await analyze(engine)
            figures.append(await agenda(db, who="rep", viewer=team.rep))
            figures.append(await agenda(db, who="manager", viewer=team.manager))
            figures.append(await paced_sender_pass(db, telegram_ids=team.telegram_ids))
        finally:
            await engine.dispose()
    print_table(backend, figures)


def _bounded(upper: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not 1 <= value <= upper:
            raise argparse.ArgumentTypeError(f"must be between 1 and {upper}")
        return value

    return parse


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", choices=BACKENDS, default="sqlite")
    parser.add_argument("--reminders", type=_bounded(MAX_REMINDERS), default=10_000)
    parser.add_argument("--customers", type=_bounded(MAX_CUSTOMERS), default=20_000)
    parser.add_argument("--reps", type=_bounded(MAX_REPS), default=200)
    parser.add_argument(
        "--postgres-url",
        default=postgres_admin_url(),
        help="a PostgreSQL URL allowed to create and drop databases (default: TEST_POSTGRES_URL)",
    )
    args = parser.parse_args()
    asyncio.run(
        main(
            args.database,
            reminder_count=args.reminders,
            customers=args.customers,
            reps=args.reps,
            postgres_url=args.postgres_url,
        )
    )


if __name__ == "__main__":
    cli()
