"""Outbox fan-out under Telegram's flood limits: `python -m bench.fanout [--pushes N] [--database-url URL]`.

Starts the sandbox Bot API with Telegram-like flood limits (30 sends a second per bot, one a second
per private chat, 20 a minute per group) and the real bot polling it, on a scratch SQLite database
unless `--database-url` names a migrated, empty one (PostgreSQL, say). It queues `--pushes` pushes
to as many distinct private chats through the outbox, as producers do, and while the sender drains
them, `--users` people each send /help every `--every` seconds and time the reply as they see it:
from sending to the bot's answer appearing in their chat.

Prints what was delivered (duplicates, lost and dead are counted per chat in the sandbox and in the
outbox table), the achieved rate against the sandbox's flood limit (the goal: >= 0.9 of it) and
against the configured budget, the 429s the sandbox answered (goal: 0), the busiest second seen
by the sandbox, and the reply latency. It asserts nothing.

Why OUTBOX_RATE defaults to 28: Telegram's 30 a second counts the bot's replies too, and the
sender holds each send against its budget until a second after Telegram answered it (so it can
never overrun the limit however requests bunch), which costs it about 2% of its budget. At 28 it
achieves about 27.4 a second, 0.91 of the limit, and leaves 2 a second for replies (the default
load here is 1 a second: 20 people, /help every 20 s each); at 27 it would fall under 0.9. A bot
whose users ask for more than about 2 replies a second during a fan-out should lower the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.database import scratch_database
from bot.domain.enums import OutboxStatus
from bot.outbox import payloads
from sandbox import FloodLimits, SandboxServer, SandboxUser
from sandbox import users as sandbox_users
from sandbox.harness import TOKEN, Harness, running_bot, settings_for
from sandbox.state import BotState
from storage import migrate
from storage.db import utcnow
from storage.models import Outbox
from storage.queries import outbox

# Telegram's documented limits for bots, which the sandbox enforces with 429s.
FLOOD = FloodLimits(global_per_second=30, per_chat_per_second=1, per_group_per_minute=20)
FIRST_PUSH_CHAT = 5_000_000
FIRST_PERSON = 4_000_000
ENQUEUE_BATCH = 1_000
MAX_PUSHES = 100_000
REPLY_TIMEOUT = 15.0
POLL_SECONDS = 0.2
# However slow the run, it ends: the time the pushes need at the budget, twice, plus a minute.
GRACE_SECONDS = 60.0


@dataclass
class Load:
    """The interactive side: replies seen and how long each took."""

    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0


@dataclass(frozen=True)
class Result:
    pushes: int
    budget: int
    limit: float
    elapsed: float
    delivered: int
    duplicates: int
    lost: int
    dead: int
    flood_waits: int
    push_flood_waits: int
    busiest_second: int
    load: Load

    @property
    def rate(self) -> float:
        return self.delivered / self.elapsed if self.elapsed else 0.0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def push_chats(state: BotState, count: int) -> list[int]:
    """Private chats that have started the bot, made directly in the sandbox (no /start to handle)."""
    chat_ids = []
    for n in range(count):
        user = sandbox_users.define_user(state, {"id": FIRST_PUSH_CHAT + n, "first_name": f"P{n}"})
        chat_ids.append(state.chat_of_user(user).id)
    return chat_ids


async def enqueue(db: async_sessionmaker[AsyncSession], chat_ids: list[int], *, run: str) -> None:
    """The pushes, through `outbox.enqueue_many` as producers queue them, a transaction per batch."""
    for start in range(0, len(chat_ids), ENQUEUE_BATCH):
        batch = [
            outbox.Push(
                dedupe_key=f"bench:{run}:{chat_id}",
                chat_id=chat_id,
                kind="bench",
                payload=payloads.message(f"Push {run}:{chat_id}"),
            )
            for chat_id in chat_ids[start : start + ENQUEUE_BATCH]
        ]
        async with db.begin() as session:
            await outbox.enqueue_many(session, pushes=batch, now=utcnow())


async def outbox_left(db: async_sessionmaker[AsyncSession], *, run: str) -> tuple[int, int]:
    """This run's rows still queued or being sent, and those dead."""
    async with db() as session:
        rows = await session.execute(
            select(Outbox.status, func.count())
            .where(Outbox.dedupe_key.startswith(f"bench:{run}:"))
            .group_by(Outbox.status)
        )
        counts = {status: int(count) for status, count in rows.all()}
    waiting = counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.SENDING, 0)
    return waiting, counts.get(OutboxStatus.DEAD, 0)


def received(state: BotState, chat_ids: list[int]) -> list[int]:
    """How many bot messages each push chat holds."""
    return [sum(1 for m in state.chats[chat_id].messages if m.from_bot) for chat_id in chat_ids]


def sent_times(state: BotState) -> list[float]:
    """When the sandbox accepted each message the bot sent, oldest first."""
    return sorted(call.time for call in state.calls if call.ok and call.method.lower() == "sendmessage")


def push_times(state: BotState) -> list[float]:
    return sorted(
        call.time
        for call in state.calls
        if call.ok and call.method.lower() == "sendmessage" and _chat(call.params) >= FIRST_PUSH_CHAT
    )


def _chat(params: dict[str, object]) -> int:
    value = params.get("chat_id")
    return int(value) if isinstance(value, int | str) and str(value).lstrip("-").isdigit() else 0


def busiest_second(state: BotState) -> int:
    """The most messages the sandbox accepted in any one second, pushes and replies together."""
    times = sent_times(state)
    busiest = start = 0
    for end, at in enumerate(times):
        while times[start] <= at - 1.0:
            start += 1
        busiest = max(busiest, end - start + 1)
    return busiest


async def people(harness: Harness, count: int) -> list[SandboxUser]:
    """People who have started the bot, one after the other, before the fan-out begins."""
    accounts = []
    for n in range(count):
        account = (await harness.person(FIRST_PERSON + n, f"U{n}")).account
        await account.send("/start")
        await account.wait_reply(REPLY_TIMEOUT)
        accounts.append(account)
    # Their welcome messages are out of the flood window before the fan-out starts.
    await asyncio.sleep(1.0)
    return accounts


async def interact(people: list[SandboxUser], load: Load, *, every: float, stop: asyncio.Event) -> None:
    """The people, evenly staggered, each sending /help every `every` seconds until `stop`."""
    users = len(people)

    async def person(n: int, account: SandboxUser) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), n * every / users)
            return
        while not stop.is_set():
            began = time.perf_counter()
            await account.send("/help")
            try:
                await account.wait_reply(REPLY_TIMEOUT)
                load.latencies.append(time.perf_counter() - began)
            except TimeoutError:
                load.unanswered += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(every - (time.perf_counter() - began), 0.0))

    await asyncio.gather(*(person(n, account) for n, account in enumerate(people)))


async def fanout(
    database_url: str, *, pushes: int, users: int, every: float, budget: int | None = None
) -> Result:
    """Run the fan-out once against a fresh sandbox and the real bot; see the module's docstring."""
    server = SandboxServer(flood=FLOOD)
    await server.start()
    try:
        overrides = {} if budget is None else {"outbox_rate": budget}
        settings = settings_for(server, database_url, **overrides)
        state = server.bot(TOKEN)
        chat_ids = push_chats(state, pushes)
        run = f"{time.time_ns():x}"
        load = Load()
        stop = asyncio.Event()
        async with running_bot(settings, server) as harness:
            accounts = await people(harness, users)
            talking = asyncio.create_task(interact(accounts, load, every=every, stop=stop))
            began = time.time()
            db = harness.app.db
            await enqueue(db, chat_ids, run=run)
            harness.app.wake_sender()
            deadline = time.perf_counter() + 2 * pushes / settings.outbox_rate + GRACE_SECONDS
            async with _stopping(talking, stop):
                while time.perf_counter() < deadline:
                    waiting, _ = await outbox_left(db, run=run)
                    if not waiting:
                        break
                    await asyncio.sleep(POLL_SECONDS)
            counts = received(state, chat_ids)
            last = max(push_times(state), default=began)
            _, dead = await outbox_left(db, run=run)
        return Result(
            pushes=pushes,
            budget=settings.outbox_rate,
            limit=FLOOD.global_per_second or math.inf,
            elapsed=max(last - began, 1e-9),
            delivered=sum(1 for n in counts if n),
            duplicates=sum(n - 1 for n in counts if n > 1),
            lost=sum(1 for n in counts if not n) - dead,
            dead=dead,
            flood_waits=state.error_counts[429],
            push_flood_waits=sum(
                1
                for call in state.calls
                if call.error
                and call.error.get("error_code") == 429
                and _chat(call.params) >= FIRST_PUSH_CHAT
            ),
            busiest_second=busiest_second(state),
            load=load,
        )
    finally:
        await server.stop()


@asynccontextmanager
async def _stopping(talking: asyncio.Task[None], stop: asyncio.Event) -> AsyncIterator[None]:
    """The people stop asking (their last reply awaited) when the block ends."""
    try:
        yield
    finally:
        stop.set()
        await talking


def report(result: Result, *, database: str) -> None:
    load = result.load
    rows: list[tuple[str, str]] = [
        ("database", database),
        ("pushes", f"{result.pushes:,}"),
        ("delivered", f"{result.delivered:,}"),
        ("elapsed", f"{result.elapsed:.1f} s (queued -> last push accepted)"),
        ("achieved rate", f"{result.rate:.2f} pushes/s"),
        (
            "rate / flood limit",
            f"{result.rate / result.limit:.3f} (limit {result.limit:g}/s; the goal, >= 0.9)",
        ),
        ("rate / budget", f"{result.rate / result.budget:.3f} (OUTBOX_RATE {result.budget}/s)"),
        ("429s", f"{result.flood_waits} ({result.push_flood_waits} on pushes, the rest on replies)"),
        ("busiest second", f"{result.busiest_second} messages (pushes + replies)"),
        ("duplicates", str(result.duplicates)),
        ("lost", str(result.lost)),
        ("dead", str(result.dead)),
        ("replies", f"{len(load.latencies)} ({load.unanswered} unanswered in {REPLY_TIMEOUT:g} s)"),
        (
            "reply latency",
            f"p50 {percentile(load.latencies, 0.5) * 1000:.0f} ms, "
            f"p99 {percentile(load.latencies, 0.99) * 1000:.0f} ms, "
            f"max {max(load.latencies, default=0.0) * 1000:.0f} ms",
        ),
    ]
    for name, value in rows:
        print(f"{name:<20} {value}")


async def main(
    database_url: str | None, *, pushes: int, users: int, every: float, budget: int | None
) -> None:
    if database_url:
        await migrate.upgrade(database_url)
        result = await fanout(database_url, pushes=pushes, users=users, every=every, budget=budget)
        report(result, database=database_url.split("://", 1)[0])
        return
    async with scratch_database("sqlite", postgres_url="") as url:
        result = await fanout(url, pushes=pushes, users=users, every=every, budget=budget)
    report(result, database="sqlite (scratch)")


def _bounded(upper: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not 1 <= value <= upper:
            raise argparse.ArgumentTypeError(f"must be between 1 and {upper}")
        return value

    return parse


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pushes", type=_bounded(MAX_PUSHES), default=10_000)
    parser.add_argument("--users", type=_bounded(200), default=20, help="people asking /help meanwhile")
    parser.add_argument("--every", type=float, default=20.0, help="seconds between one person's /help")
    parser.add_argument(
        "--budget", type=_bounded(30), default=None, help="OUTBOX_RATE (default: the setting's)"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="a database to migrate and use, e.g. postgresql+asyncpg://postgres@127.0.0.1/fieldcrm_bench "
        "(default: a scratch SQLite file)",
    )
    args = parser.parse_args()
    asyncio.run(
        main(args.database_url, pushes=args.pushes, users=args.users, every=args.every, budget=args.budget)
    )


if __name__ == "__main__":
    cli()
