"""Full-stack throughput against a bare PTB echo bot: `python -m bench.throughput [--database-url URL]`.

The sandbox Bot API runs here, with its flood limits off, and so do the simulated people: they
write into the sandbox in-process (no HTTP on their side) and see a reply the moment the bot's
message lands in their chat. The bot runs in a process of its own, as `fieldcrm run` runs it
(long polling, the app factory, INFO logs), so its resident memory can be read from /proc and the
two cores are shared the way production shares them: Bot API on one side, bot on the other.

Each person is a rep of one team whose customers (`--customers`, 100,000 by default) are seeded
with set-based inserts; they cycle through /today, a search for one of their customers by name,
and /help. The same people and texts are then sent to a bare PTB echo bot (an Application with one
MessageHandler) on the same sandbox, and each figure is given as a ratio of the echo bot's.

Modes: saturation (every person sends again as soon as their reply arrives: the most updates a
second the stack answers) and offered load (`--rate` updates a second for `--seconds`, latency
counted from when each update was due, so a backlog shows). The bot's per-user rate limiter is
set to RATE_PER_SECOND=1000, RATE_BURST=1000 and the sandbox's flood limits are off, so neither
caps the figures. The bot paces its own sends (PTB's AIORateLimiter, Telegram's 30 messages a
second); saturation runs with that pacing as shipped and without it (`--unpaced` figures), and the
offered load runs without it, since 100 a second cannot pass a 30 a second limiter.

On SQLite a scratch file is used; `--database-url` adds a run on that database (migrated, and
expected to be empty: a dedicated database made for the bench). It prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import resource
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.database import scratch_database
from bench.search import CITIES, GIVEN, SURNAMES, TRADES
from bot.domain.enums import ReminderKind, ReminderStatus
from bot.domain.roles import Role
from bot.services.customers import search_columns
from sandbox import SandboxServer
from sandbox import users as sandbox_users
from sandbox.harness import TOKEN
from sandbox.state import BotState
from storage import migrate
from storage.db import create_engine, create_session_factory
from storage.models import Customer, Reminder, Team, User

FIRST_REP = 6_000_000
INSERT_BATCH = 5_000
FOLLOW_UPS_PER_REP = 4
REPLY_TIMEOUT = 30.0
START_TIMEOUT = 90.0
STOP_TIMEOUT = 15.0
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Rep:
    telegram_id: int
    customer_name: str

    def texts(self) -> list[str]:
        """What this person sends, in turn: the agenda, a search, help."""
        return ["/today", self.customer_name, "/help"]


@dataclass
class Run:
    """Replies seen in one mode: how many, over how long, and each one's latency."""

    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    unanswered: int = 0
    elapsed: float = 0.0
    # Cores busy while it ran: the bot's process, and this one (the sandbox and the people).
    bot_cores: float = 0.0
    harness_cores: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, share: float) -> float:
        """Nearest rank, in milliseconds; 0 for no replies."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[max(math.ceil(share * len(ordered)) - 1, 0)] * 1000


@dataclass
class Memory:
    rss_mb: float
    peak_mb: float


@dataclass
class Figures:
    """One bot on one database: its saturation runs, its offered-load run and its memory."""

    label: str
    saturation: Run
    offered: Run
    unpaced: Run | None = None
    memory: Memory | None = None


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _customer_row(rng: random.Random, team_id: int, owner_id: int, now: datetime) -> dict[str, Any]:
    name = _name(rng)
    company = f"{rng.choice(CITIES)}{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(TRADES)}有限公司"
    phone = f"+861{rng.choice('3456789')}{rng.randrange(10**9):09d}"
    return {
        "team_id": team_id,
        "owner_id": owner_id,
        "name": name,
        "company": company,
        "phone_e164": phone,
        "tier": rng.choice("ABBC"),
        "created_at": now - timedelta(days=rng.randrange(700)),
        "updated_at": now,
        "health_reasons": [],
        **search_columns(name=name, company=company, e164=phone),
    }


async def seed(database_url: str, *, reps: int, customers: int, rng: random.Random) -> list[Rep]:
    """A team of `reps` reps sharing `customers` customers, a few follow-ups each, in batched inserts.

    The follow-ups are overdue and already notified, so /today lists them but no push goes out
    while the bench runs.
    """
    engine = create_engine(database_url)
    db = create_session_factory(engine)
    now = datetime.now(UTC)
    try:
        async with db.begin() as session:
            team = Team(name="Throughput", timezone="Asia/Shanghai", currency="CNY", created_at=now)
            session.add(team)
            await session.flush()
            rows = [
                User(
                    telegram_id=FIRST_REP + n,
                    chat_id=FIRST_REP + n,
                    first_name=f"Rep{n}",
                    role=Role.REP.value,
                    team_id=team.id,
                    locale="en",
                    timezone="Asia/Shanghai",
                )
                for n in range(reps)
            ]
            session.add_all(rows)
            await session.flush()
            team_id, rep_ids = team.id, [row.id for row in rows]
        names: dict[int, str] = {}
        planned: dict[int, int] = {}
        for start in range(0, customers, INSERT_BATCH):
            batch = [
                _customer_row(rng, team_id, rep_ids[n % reps], now)
                for n in range(start, min(customers, start + INSERT_BATCH))
            ]
            async with db.begin() as session:
                ids = list(await session.scalars(insert(Customer).returning(Customer.id), batch))
                follow_ups: list[dict[str, Any]] = []
                for customer_id, row in zip(ids, batch, strict=True):
                    owner = row["owner_id"]
                    names.setdefault(owner, row["name"])
                    if planned.get(owner, 0) < FOLLOW_UPS_PER_REP:
                        planned[owner] = planned.get(owner, 0) + 1
                        due = now - timedelta(minutes=rng.randrange(1, 360))
                        follow_ups.append(
                            {
                                "team_id": team_id,
                                "user_id": owner,
                                "customer_id": customer_id,
                                "kind": ReminderKind.FOLLOW_UP.value,
                                "due_at": due,
                                "note": "Bring the new price list",
                                "status": ReminderStatus.PENDING.value,
                                "notified_at": due,
                                "created_at": now,
                            }
                        )
                if follow_ups:
                    await session.execute(insert(Reminder), follow_ups)
        async with engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")
    finally:
        await engine.dispose()
    return [Rep(FIRST_REP + n, names.get(rep_id, "nobody")) for n, rep_id in enumerate(rep_ids)]


class Person:
    """One rep in their private chat: sends in-process, waits for the bot's next message."""

    def __init__(self, state: BotState, server: SandboxServer, rep: Rep) -> None:
        self.state = state
        self.server = server
        self.user = sandbox_users.define_user(
            state, {"id": rep.telegram_id, "first_name": "Rep", "language_code": "en"}
        )
        self.chat = state.chat_of_user(self.user)
        self.texts = rep.texts()
        self.turn = 0
        self.seen = len(self.chat.events)
        self.lock = asyncio.Lock()

    def next_text(self) -> str:
        text = self.texts[self.turn % len(self.texts)]
        self.turn += 1
        return text

    def send(self, text: str) -> None:
        sandbox_users.send_message(
            self.state,
            self.server.clock,
            user=self.user,
            chat_id=self.chat.id,
            content=sandbox_users.Content(text=text),
        )

    async def wait_reply(self, timeout: float) -> bool:  # noqa: ASYNC109
        """True once a bot message newer than the last one seen is in the chat."""
        deadline = time.perf_counter() + timeout
        while True:
            events = self.chat.events
            for index in range(self.seen, len(events)):
                if events[index].get("from_bot") and events[index]["kind"] == "message":
                    self.seen = index + 1
                    return True
            self.seen = len(events)
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or not await self.chat.signal.wait(remaining):
                return False

    async def ask(self, text: str) -> bool:
        """Send `text`; True once the bot's reply is in the chat, False after REPLY_TIMEOUT."""
        self.send(text)
        return await self.wait_reply(REPLY_TIMEOUT)


async def warm_up(people: list[Person], *, timeout: float) -> None:  # noqa: ASYNC109
    """Everyone is answered once (first contact, caches) before anything is measured."""
    for person in people:
        person.send("/help")
    deadline = time.perf_counter() + timeout
    for person in people:
        if not await person.wait_reply(deadline - time.perf_counter()):
            raise TimeoutError(f"the bot did not answer {person.user.id} within {timeout:g} s")


async def saturate(people: list[Person], *, seconds: float) -> Run:
    """Each person asks again as soon as they are answered, for `seconds`."""
    run = Run()
    began = time.perf_counter()
    until = began + seconds

    async def person_loop(person: Person) -> None:
        while time.perf_counter() < until:
            sent = time.perf_counter()
            run.sent += 1
            if await person.ask(person.next_text()):
                run.latencies.append(time.perf_counter() - sent)
            else:
                run.unanswered += 1

    await asyncio.gather(*(person_loop(person) for person in people))
    run.elapsed = time.perf_counter() - began
    return run


async def offer(people: list[Person], *, rate: float, seconds: float) -> Run:
    """`rate` updates a second, round robin over the people; latency counts from when each was due."""
    run = Run()
    count = max(1, round(rate * seconds))
    began = time.perf_counter()

    async def one(person: Person, due: float) -> None:
        async with person.lock:
            run.sent += 1
            if await person.ask(person.next_text()):
                run.latencies.append(time.perf_counter() - due)
            else:
                run.unanswered += 1

    tasks = []
    for n in range(count):
        due = began + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(one(people[n % len(people)], due)))
    await asyncio.gather(*tasks)
    run.elapsed = time.perf_counter() - began
    return run


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    log: Path

    def cpu_seconds(self) -> float:
        """User plus system time so far, from /proc (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory(self) -> Memory:
        """Resident set now and at its peak, from /proc (Linux)."""
        fields: dict[str, float] = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
        return Memory(rss_mb=fields.get("VmRSS", 0.0), peak_mb=fields.get("VmHWM", 0.0))


@asynccontextmanager
async def bot_process(
    kind: str, server: SandboxServer, *, database_url: str = "", paced: bool = True, profile: str = ""
) -> AsyncIterator[BotProcess]:
    """`kind` ("crm" or "echo") long-polling `server` in a child process until the block ends."""
    arguments = ["-m", "bench.bots", kind, "--token", TOKEN, "--api-url", server.url]
    if database_url:
        arguments += ["--database-url", database_url]
    if not paced:
        arguments.append("--unpaced")
    if profile:
        arguments = ["-m", "cProfile", "-o", profile, *arguments]
    with tempfile.NamedTemporaryFile("w+b", prefix=f"bench-{kind}-", suffix=".log", delete=False) as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *arguments, cwd=ROOT, stdout=log, stderr=log
        )
    child = BotProcess(process, Path(log.name))
    try:
        yield child
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                process.kill()
                await process.wait()
        child.log.unlink(missing_ok=True)


@dataclass(frozen=True)
class Plan:
    users: int
    customers: int
    seconds: float
    rate: float
    offered_seconds: float
    profile: str = ""


async def measure(
    server: SandboxServer,
    reps: list[Rep],
    plan: Plan,
    *,
    kind: str,
    database_url: str = "",
    label: str,
    unpaced_too: bool = True,
) -> Figures:
    """Saturation, (for the CRM bot) saturation unpaced, then offered load, each in a fresh child."""
    state = server.bot(TOKEN)
    people = [Person(state, server, rep) for rep in reps]

    async def phase(paced: bool, work: str) -> tuple[Run, Memory]:
        name = f"{label.split()[0]}-{work}{'' if paced else '-unpaced'}"
        profile = f"{plan.profile}-{name}.prof" if plan.profile else ""
        async with bot_process(
            kind, server, database_url=database_url, paced=paced, profile=profile
        ) as child:
            try:
                await warm_up(people, timeout=START_TIMEOUT)
            except TimeoutError:
                sys.stderr.write(child.log.read_text(errors="replace")[-4000:])
                raise
            bot_cpu, harness_cpu = child.cpu_seconds(), _own_cpu_seconds()
            if work == "saturate":
                run = await saturate(people, seconds=plan.seconds)
            else:
                run = await offer(people, rate=plan.rate, seconds=plan.offered_seconds)
            run.bot_cores = (child.cpu_seconds() - bot_cpu) / run.elapsed
            run.harness_cores = (_own_cpu_seconds() - harness_cpu) / run.elapsed
            return run, child.memory()

    saturation, _ = await phase(True, "saturate")
    unpaced = (await phase(False, "saturate"))[0] if kind == "crm" and unpaced_too else None
    offered, memory = await phase(kind == "echo", "offer")
    return Figures(label, saturation, offered, unpaced, memory)


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run_crm(server: SandboxServer, database_url: str, plan: Plan, *, label: str) -> Figures:
    """Seed, then measure the real bot on `database_url`."""
    began = time.perf_counter()
    reps = await seed(database_url, reps=plan.users, customers=plan.customers, rng=random.Random(7))
    took = time.perf_counter() - began
    print(f"{label}: seeded {plan.users} reps and {plan.customers:,} customers in {took:.0f} s")
    return await measure(server, reps, plan, kind="crm", database_url=database_url, label=label)


async def run_echo(server: SandboxServer, plan: Plan) -> Figures:
    reps = [Rep(FIRST_REP + n, f"Customer {n}") for n in range(plan.users)]
    return await measure(server, reps, plan, kind="echo", label="echo bot")


def _saturation_line(name: str, run: Run, echo: Run) -> str:
    ratio = run.rate / echo.rate if echo.rate else 0.0
    return (
        f"  {name:<22} {run.rate:8.1f} upd/s ({ratio:.2f} of echo)  p50 {run.percentile(0.5):6.0f} ms"
        f"  p99 {run.percentile(0.99):6.0f} ms  answered {len(run.latencies)}/{run.sent}{_cores(run)}"
    )


def _cores(run: Run) -> str:
    return f"  cores busy: bot {run.bot_cores:.2f}, sandbox+people {run.harness_cores:.2f}"


def report(figures: list[Figures], plan: Plan) -> None:
    echo = figures[0]
    print()
    print(
        f"{plan.users} people, sandbox flood limits OFF, bot RATE_PER_SECOND=1000 RATE_BURST=1000 "
        f"(per-user limiter not the bottleneck); texts cycle /today, a customer's name, /help"
    )
    for figure in figures:
        print(figure.label)
        print(_saturation_line("saturation", figure.saturation, echo.saturation))
        if figure.unpaced is not None:
            print(_saturation_line("saturation, unpaced", figure.unpaced, echo.saturation))
        offered = figure.offered
        name = f"offered {plan.rate:g}/s"
        print(
            f"  {name:<22} {offered.rate:8.1f} upd/s  p50 {offered.percentile(0.5):6.0f} ms"
            f"  p99 {offered.percentile(0.99):6.0f} ms (echo p99 {echo.offered.percentile(0.99):.0f} ms)"
            f"  answered {len(offered.latencies)}/{offered.sent}{_cores(offered)}"
        )
        memory = figure.memory
        if memory is not None:
            print(f"  {'resident memory':<22} {memory.rss_mb:8.1f} MB (peak {memory.peak_mb:.1f} MB)")
    print(
        "goals: >= 300 upd/s full stack; p99 <= 100 ms at 100 upd/s offered; <= 250 MB with 100,000 customers"
    )


async def main(database_url: str | None, plan: Plan) -> list[Figures]:
    async with SandboxServer(flood=None) as server:
        figures = [await run_echo(server, plan)]
        async with scratch_database("sqlite", postgres_url="") as url:
            figures.append(await run_crm(server, url, plan, label="sqlite (full stack)"))
        if database_url:
            await migrate.upgrade(database_url)
            figures.append(await run_crm(server, database_url, plan, label="postgresql (full stack)"))
    report(figures, plan)
    return figures


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="each saturation run")
    parser.add_argument("--rate", type=float, default=100.0, help="offered updates a second")
    parser.add_argument("--offered-seconds", type=float, default=20.0)
    parser.add_argument("--database-url", default=None, help="an empty database to add a run on")
    parser.add_argument("--profile", default="", help="write cProfile files of the bot with this prefix")
    args = parser.parse_args()
    plan = Plan(args.users, args.customers, args.seconds, args.rate, args.offered_seconds, args.profile)
    asyncio.run(main(args.database_url, plan))


if __name__ == "__main__":
    cli()
