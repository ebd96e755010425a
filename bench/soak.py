"""Failover soak: two replicas on PostgreSQL, the leader SIGKILLed mid-fan-out and mid-stream:
`python -m bench.soak [--pushes N] [--reps M] [--seconds S] [--database-url URL]`.

Production runs two or more `fieldcrm run` replicas in webhook mode behind a load balancer, one of
them leading through a PostgreSQL advisory lock. This bench runs exactly that and kills the leader
the hard way, twice, to see what a crash costs:

1. Fan-out. `--pushes` pushes to as many private chats are queued in the outbox (as bench.fanout
   queues them) against the sandbox with Telegram's flood limits. Once `--kill-after` of them have
   arrived, the leader (found through GET /readyz) is SIGKILLed and a fresh replica started on its
   port, as a supervisor would. The run waits until every row is sent or dead. Rows the dead leader
   had in `sending` stay there until the next leader's stuck-row recovery (five minutes after their
   claim), so that is when a push that had reached Telegram is sent a second time: duplicates may
   come only from those rows (the goal: at most that many), and nothing may be lost (the goal: 0).
2. User stream. `--reps` reps, seeded with set-based inserts, each log orders through the whole
   /order dialog (customer, amount in the team's currency, Skip, Today, Save) for `--seconds`, pausing about
   `--think` seconds between steps as people do. Their updates reach the replicas by webhook through
   the balancer. `--kill-at` (a third) of the way in, the leader is SIGKILLed and replaced. Every
   amount is unique, so an order stored twice is visible whatever its client_ref; the inbox says
   which updates were processed twice; the chats say which updates were never answered and which
   got a reply the dialog did not expect (its state lost in the failover).

The replacement starts `--restart-delay` seconds after the kill (0: at once); the standby and the
replacement then race for the lock, and the report says which one won. Failover time is from the
kill to a replica reporting "leader" in /readyz, and to the first push (or reply) after that. A push
or reply seen before the new leader could have been elected (its election observed minus one
/readyz poll) is a straggler of the dead leader, not the new one's.

Replicas migrate at start (taking turns under an advisory lock of its own), so the replacement
joins while the other replica leads; the report shows where it stopped if it never came up.

The sandbox Bot API and a small round-robin load balancer (aiohttp, trying the other replica on a
connection error) run in this process; the replicas are child processes that die with it. Without
`--database-url`, a scratch PostgreSQL database is made through TEST_POSTGRES_URL (or the local
default) and dropped afterwards. Everything is bounded (`--timeout` overall). It prints figures and
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import random
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.database import postgres_admin_url, scratch_database
from bench.fanout import FLOOD, enqueue, outbox_left, push_chats, received
from bot.domain.enums import InboxStatus, OutboxStatus
from bot.domain.roles import Role
from bot.outbox.sender import Limits
from bot.services.customers import search_columns
from sandbox import SandboxServer
from sandbox import users as sandbox_users
from sandbox.errors import ControlError
from sandbox.harness import TOKEN
from sandbox.records import ChatRecord, MessageRecord
from sandbox.state import BotState
from storage import migrate
from storage.db import create_engine, create_session_factory
from storage.models import Customer, Inbox, Order, Outbox, Team, User

ROOT = Path(__file__).resolve().parents[1]
SECRET = "soak-webhook-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_REP = 7_000_000
# Replicas start in a few seconds; on two busy cores give them far longer before calling it a failure.
START_TIMEOUT = 90.0
STOP_TIMEOUT = 12.0
READY_POLL = 0.2
PROBE_TIMEOUT = 2.0
FORWARD_TIMEOUT = 10.0
PROGRESS_POLL = 0.5
# Well beyond a failover (<= 15 s) plus the backlog it leaves: a reply later than this is lost.
REPLY_TIMEOUT = 45.0
# A reply the step did not expect may be followed by the right one (a replayed update's answer first).
WRONG_REPLY_GRACE = 3.0
SETTLE_SECONDS = 15.0
# Outbox rows left in `sending` by a crash are recovered this long after their claim; the fan-out
# waits that long, plus the pushes at the budget, twice, plus a minute.
STUCK_AFTER = Limits().stuck_after.total_seconds()
OUTBOX_RATE = 28
# The child sets "kill me when my parent dies" before it execs the bot, so no replica outlives the bench.
LAUNCH = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)\n"
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])\n"
)


@dataclass(frozen=True)
class Plan:
    pushes: int = 10_000
    kill_after: float = 0.3
    reps: int = 50
    seconds: float = 60.0
    kill_at: float = 1 / 3
    think: float = 1.0
    leader_poll: float = 5.0
    restart_delay: float = 0.0
    wait_stranded: bool = True
    timeout: float = 1500.0
    logs: str = ""


@dataclass
class Failover:
    """Seconds from the SIGKILL to each milestone; None if it never came within the run."""

    elected: float | None = None
    resumed: float | None = None
    replaced: float | None = None
    new_leader: str = ""
    replacement_log: Path | None = None
    # Where the replacement's log stopped, when it never answered.
    stuck: str = ""

    @property
    def total(self) -> float | None:
        """Both the new leader named and work flowing again."""
        if self.elected is None or self.resumed is None:
            return None
        return max(self.elected, self.resumed)


@dataclass
class PushFigures:
    pushes: int
    received: int = 0
    duplicates: int = 0
    lost: int = 0
    stranded: int = 0
    dead: int = 0
    sending_before_kill: int = 0
    in_flight: int = 0
    in_flight_reached: int = 0
    in_flight_recovered: float | None = None
    delivered_at_kill: int = 0
    rate_before: float = 0.0
    rate_after: float = 0.0
    flood_waits: int = 0
    elapsed: float = 0.0
    failover: Failover = field(default_factory=Failover)


@dataclass
class Step:
    """One update a rep sent and what came of it."""

    rep: int
    update_id: int
    name: str
    sent_at: float
    seq: int
    texts: int
    answered_at: float | None = None
    expected: bool = False


@dataclass
class Flow:
    rep: int
    amount: int
    save_pressed: bool = False
    confirmed: bool = False
    derailed_at: str | None = None
    cut_off: bool = False


@dataclass
class StreamFigures:
    reps: int
    seconds: float
    updates: int = 0
    answered: int = 0
    unanswered: int = 0
    unexpected: int = 0
    unanswered_steps: Counter[str] = field(default_factory=Counter)
    unexpected_steps: Counter[str] = field(default_factory=Counter)
    flows: int = 0
    confirmed: int = 0
    derailed: int = 0
    orders: int = 0
    duplicate_orders: int = 0
    confirmed_without_order: int = 0
    orders_unconfirmed: int = 0
    replayed: int = 0
    inbox_missing: int = 0
    inbox_not_done: int = 0
    duplicate_replies: int = 0
    refused_repeats: int = 0
    rate_before: float = 0.0
    rate_after: float = 0.0
    latency_before: tuple[float, float] = (0.0, 0.0)
    latency_after: tuple[float, float] = (0.0, 0.0)
    longest_wait: float = 0.0
    killed_at: float = 0.0
    forwarded: int = 0
    retried: int = 0
    flood_waits: int = 0
    failover: Failover = field(default_factory=Failover)


@dataclass
class Report:
    pushes: PushFigures | None
    stream: StreamFigures | None
    logs: Path | None = None
    log_errors: dict[str, int] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    """Nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Balancer:
    """Round robin over the replicas; a connection error (a dead replica) means: try the next one.

    Forwarding a POST again after the first replica may have stored it is safe: the inbox is keyed
    by update_id. When no replica takes it, Telegram (the sandbox) is answered 502 and retries.
    """

    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = upstreams
        self._turn = itertools.count()
        self.forwarded = 0
        self.retried = 0
        self.refused = 0
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=FORWARD_TIMEOUT))
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {"Content-Type": request.headers.get("Content-Type", "application/json")}
        if SECRET_HEADER in request.headers:
            headers[SECRET_HEADER] = request.headers[SECRET_HEADER]
        first = next(self._turn)
        for offset in range(len(self.upstreams)):
            upstream = self.upstreams[(first + offset) % len(self.upstreams)]
            try:
                async with self._session.post(
                    upstream + request.path_qs, data=body, headers=headers
                ) as reply:
                    answer = await reply.read()
                    self.forwarded += 1
                    return web.Response(status=reply.status, body=answer)
            except (aiohttp.ClientConnectionError, TimeoutError):
                self.retried += 1
        self.refused += 1
        return web.Response(status=502, text="no replica answered")


@dataclass
class Replica:
    name: str
    port: int
    process: asyncio.subprocess.Process
    log: Path
    started: float

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Cluster:
    """Two `fieldcrm run` replicas in webhook mode behind the balancer; every child is killed on exit."""

    def __init__(self, server: SandboxServer, database_url: str, plan: Plan, logs: Path, label: str) -> None:
        self.server = server
        self.database_url = database_url
        self.plan = plan
        self.logs = logs
        self.label = label
        self.ports = [free_port(), free_port()]
        self.balancer = Balancer([f"http://127.0.0.1:{port}" for port in self.ports])
        self.replicas: list[Replica] = []
        self.spawned: list[Replica] = []
        self._generation = itertools.count(1)
        self._http: aiohttp.ClientSession | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._election: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Cluster:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PROBE_TIMEOUT))
        try:
            await self.balancer.start()
            await self._spawn_pair()
            await self._wait_ready()
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        alive = [r for r in self.spawned if r.process.returncode is None]
        for task in self._tasks:
            task.cancel()
        for replica in alive:
            replica.process.send_signal(signal.SIGTERM)
        for replica in alive:
            try:
                await asyncio.wait_for(replica.process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                replica.process.kill()
                await replica.process.wait()
        await self.balancer.stop()
        if self._http is not None:
            await self._http.close()

    def _env(self, port: int) -> dict[str, str]:
        settings = {
            "BOT_TOKEN": TOKEN,
            "DATABASE_URL": self.database_url,
            "TELEGRAM_API_URL": f"{self.server.url}/bot",
            "TELEGRAM_FILE_URL": f"{self.server.url}/file/bot",
            "WEBHOOK_URL": self.balancer.url,
            "WEBHOOK_SECRET": SECRET,
            "HTTP_HOST": "127.0.0.1",
            "HTTP_PORT": str(port),
            "LEADER_POLL_SECONDS": f"{self.plan.leader_poll:g}",
            "OUTBOX_RATE": str(OUTBOX_RATE),
            # Simulated reps act faster than people: the per-user limiter is not what is measured.
            "RATE_PER_SECOND": "1000",
            "RATE_BURST": "1000",
            "ADMIN_IDS": "",
            "DEFAULT_LOCALE": "en",
            "TIMEZONE": "Asia/Shanghai",
            "LOG_LEVEL": "INFO",
        }
        return {**os.environ, **settings}

    async def _spawn(self, port: int) -> Replica:
        name = f"{self.label}-{next(self._generation)}"
        log = self.logs / f"{name}.log"
        with log.open("wb") as sink:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                LAUNCH,
                "-m",
                "bot",
                "run",
                "--webhook",
                cwd=ROOT,
                env=self._env(port),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=sink,
                stderr=sink,
            )
        replica = Replica(name, port, process, log, time.time())
        self.spawned.append(replica)
        return replica

    async def _spawn_pair(self) -> None:
        self.replicas = [await self._spawn(port) for port in self.ports]

    async def role(self, replica: Replica) -> str | None:
        """What /readyz says this replica is ("leader" or "standby"); None while it does not answer."""
        assert self._http is not None
        if replica.process.returncode is not None:
            return None
        try:
            async with self._http.get(f"{replica.url}/readyz") as response:
                if response.status != 200:
                    return None
                body = await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return None
        role = body.get("role") if isinstance(body, dict) else None
        return role if isinstance(role, str) else None

    async def _wait_ready(self) -> None:
        """Both replicas answer, exactly one leads, and Telegram's webhook points at the balancer."""
        deadline = time.perf_counter() + START_TIMEOUT
        state = self.server.bot(TOKEN)
        while time.perf_counter() < deadline:
            roles = [await self.role(replica) for replica in self.replicas]
            hooked = state.webhook is not None and state.webhook.url.startswith(self.balancer.url)
            if None not in roles and roles.count("leader") == 1 and hooked:
                return
            for replica in self.replicas:
                if replica.process.returncode is not None:
                    raise RuntimeError(f"replica {replica.name} exited:\n{tail(replica.log)}")
            await asyncio.sleep(READY_POLL)
        logs = "\n".join(f"--- {r.name}\n{tail(r.log)}" for r in self.replicas)
        raise TimeoutError(f"the replicas were not ready within {START_TIMEOUT:g} s:\n{logs}")

    async def leader(self) -> Replica:
        for replica in self.replicas:
            if await self.role(replica) == "leader":
                return replica
        raise RuntimeError("no replica reports itself leader")

    async def kill_leader(self) -> tuple[float, Replica]:
        """SIGKILL the replica that leads; returns when it died and which it was."""
        victim = await self.leader()
        victim.process.kill()
        killed = time.time()
        await victim.process.wait()
        return killed, victim

    async def replace(self, victim: Replica, killed: float, failover: Failover) -> None:
        """Time the takeover and, `restart_delay` after the kill, start a fresh replica on the dead
        one's port, as a supervisor would; `failover` fills in (in the background) as they come."""
        survivor = next(r for r in self.replicas if r is not victim)
        self.replicas = [survivor]
        self._election = asyncio.create_task(self._time_election(survivor, killed, failover))
        self._tasks += [self._election, asyncio.create_task(self._restart(victim.port, killed, failover))]

    async def _time_election(self, survivor: Replica, killed: float, failover: Failover) -> None:
        """Whichever replica leads first (the standby, or the replacement if it wins the lock)."""
        while time.time() < killed + START_TIMEOUT:
            for replica in list(self.replicas):
                if await self.role(replica) == "leader":
                    failover.elected = time.time() - killed
                    failover.new_leader = "the standby" if replica is survivor else "the replacement"
                    return
            await asyncio.sleep(READY_POLL)

    async def _restart(self, port: int, killed: float, failover: Failover) -> None:
        await asyncio.sleep(max(killed + self.plan.restart_delay - time.time(), 0.0))
        replacement = await self._spawn(port)
        self.replicas.append(replacement)
        failover.replacement_log = replacement.log
        while time.time() < killed + self.plan.restart_delay + START_TIMEOUT:
            if await self.role(replacement) is not None:
                failover.replaced = time.time() - killed
                return
            await asyncio.sleep(READY_POLL)

    async def settle_watchers(self, failover: Failover) -> None:
        """Wait for the new leader (bounded by START_TIMEOUT); a replacement not up by now is not
        waited for: where its log stopped is noted instead."""
        if self._election is not None:
            await self._election
        if failover.replaced is None:
            log = failover.replacement_log
            failover.stuck = last_message(log) if log is not None else "not started yet"


def tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-size:]
    except OSError:
        return ""


def last_message(path: Path) -> str:
    """The last log record's message (the bot logs JSON lines)."""
    lines = tail(path).strip().splitlines()
    if not lines:
        return "no output"
    try:
        record = json.loads(lines[-1])
    except ValueError:
        return lines[-1][-120:]
    return f"{record.get('logger', '')}: {record.get('msg', '')}"[:120] if isinstance(record, dict) else ""


def resumed_after(times: list[float], *, killed: float, elected: float | None) -> float | None:
    """Seconds from the kill to the first push or reply the new leader can have made.

    The survivor's election is observed at most one /readyz poll late, so anything earlier than
    that is a straggler of the dead leader.
    """
    if elected is None:
        return None
    earliest = killed + max(elected - READY_POLL, 0.0)
    after = [at for at in times if at >= earliest]
    return min(after) - killed if after else None


# ---- phase 1: fan-out ------------------------------------------------------------------------


async def _in_flight(
    db: async_sessionmaker[AsyncSession], run: str, *, claimed_before: float | None = None
) -> dict[int, int]:
    """This run's rows in `sending` (claimed before `claimed_before`, if given): outbox id -> chat."""
    query = select(Outbox.id, Outbox.chat_id).where(
        Outbox.dedupe_key.startswith(f"bench:{run}:"), Outbox.status == OutboxStatus.SENDING
    )
    if claimed_before is not None:
        query = query.where(Outbox.claimed_at < datetime.fromtimestamp(claimed_before, UTC))
    async with db() as session:
        rows = await session.execute(query)
        return {int(row_id): int(chat_id) for row_id, chat_id in rows.all()}


async def _still_sending(db: async_sessionmaker[AsyncSession], ids: set[int]) -> int:
    if not ids:
        return 0
    async with db() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(Outbox)
            .where(Outbox.id.in_(ids), Outbox.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
        )
    return int(found or 0)


async def _statuses(db: async_sessionmaker[AsyncSession], run: str) -> dict[int, str]:
    async with db() as session:
        rows = await session.execute(
            select(Outbox.chat_id, Outbox.status).where(Outbox.dedupe_key.startswith(f"bench:{run}:"))
        )
        return {int(chat_id): str(status) for chat_id, status in rows.all()}


def _push_times(state: BotState, chats: set[int]) -> list[float]:
    return sorted(
        call.time
        for call in state.calls
        if call.ok and call.method.lower() == "sendmessage" and _chat(call.params) in chats
    )


def _chat(params: dict[str, object]) -> int:
    value = params.get("chat_id")
    return int(value) if isinstance(value, int | str) and str(value).lstrip("-").isdigit() else 0


async def fan_out(database_url: str, plan: Plan, logs: Path) -> PushFigures:
    """Phase 1; see the module's docstring."""
    figures = PushFigures(pushes=plan.pushes)
    engine = create_engine(database_url)
    db = create_session_factory(engine)
    try:
        async with SandboxServer(flood=FLOOD) as server:
            state = server.bot(TOKEN)
            chat_ids = push_chats(state, plan.pushes)
            chats = set(chat_ids)
            run = f"soak{time.time_ns():x}"
            async with Cluster(server, database_url, plan, logs, "fanout") as cluster:
                queued = time.time()
                await enqueue(db, chat_ids, run=run)
                bound = queued + 2 * plan.pushes / OUTBOX_RATE + STUCK_AFTER + 60.0
                target = max(1, math.ceil(plan.kill_after * plan.pushes))
                # Polling: the sandbox has no event for "the bot sent something somewhere".
                while sum(1 for n in received(state, chat_ids) if n) < target and time.time() < bound:  # noqa: ASYNC110
                    await asyncio.sleep(PROGRESS_POLL / 5)
                figures.sending_before_kill = len(await _in_flight(db, run))
                killed, victim = await cluster.kill_leader()
                # The dead process can change nothing now, and what the next leader claims is claimed
                # later: exactly the sends the dead leader had started and not recorded.
                in_flight = await _in_flight(db, run, claimed_before=killed)
                await cluster.replace(victim, killed, figures.failover)
                at_kill = received(state, chat_ids)
                figures.delivered_at_kill = sum(1 for n in at_kill if n)
                by_chat = dict(zip(chat_ids, at_kill, strict=True))
                figures.in_flight = len(in_flight)
                figures.in_flight_reached = sum(1 for chat in in_flight.values() if by_chat.get(chat, 0))
                ids = set(in_flight)
                while time.time() < bound:
                    waiting, _ = await outbox_left(db, run=run)
                    stranded = await _still_sending(db, ids)
                    if ids and not stranded and figures.in_flight_recovered is None:
                        figures.in_flight_recovered = time.time() - killed
                    if not waiting or (not plan.wait_stranded and waiting == stranded):
                        break
                    await asyncio.sleep(PROGRESS_POLL)
                await cluster.settle_watchers(figures.failover)
                statuses = await _statuses(db, run)
            counts = received(state, chat_ids)
            # The rates leave out the in-flight rows: they go out again only at the stuck-row recovery.
            times = _push_times(state, chats - set(in_flight.values()))
            figures.flood_waits = state.error_counts[429]
        _count_pushes(figures, chat_ids, counts, statuses)
        failover = figures.failover
        failover.resumed = resumed_after(times, killed=killed, elected=failover.elected)
        first = times[0] if times else queued
        figures.rate_before = sum(1 for at in times if at < killed) / max(killed - first, 1e-9)
        if failover.resumed is not None:
            restart = killed + failover.resumed
            after = [at for at in times if at >= restart]
            span = (after[-1] - restart) if len(after) > 1 else 0.0
            figures.rate_after = len(after) / span if span else 0.0
        figures.elapsed = (times[-1] if times else time.time()) - queued
    finally:
        await engine.dispose()
    return figures


def _count_pushes(
    figures: PushFigures, chat_ids: list[int], counts: list[int], statuses: dict[int, str]
) -> None:
    for chat_id, seen in zip(chat_ids, counts, strict=True):
        status = statuses.get(chat_id)
        if status == OutboxStatus.DEAD:
            figures.dead += 1
        if seen:
            figures.received += 1
            figures.duplicates += seen - 1
        elif status in (OutboxStatus.PENDING, OutboxStatus.SENDING):
            figures.stranded += 1
        elif status != OutboxStatus.DEAD:
            figures.lost += 1


# ---- phase 2: the user stream ----------------------------------------------------------------


@dataclass(frozen=True)
class SeededRep:
    telegram_id: int
    user_id: int
    customer_id: int


async def seed_reps(db: async_sessionmaker[AsyncSession], count: int, *, first: int) -> list[SeededRep]:
    """A team, `count` reps and one customer each, in two set-based inserts."""
    now = datetime.now(UTC)
    async with db.begin() as session:
        team = Team(name=f"Soak {first}", timezone="Asia/Shanghai", currency="CNY", created_at=now)
        session.add(team)
        await session.flush()
        users = [
            {
                "telegram_id": first + n,
                "chat_id": first + n,
                "first_name": f"Rep{n}",
                "role": Role.REP.value,
                "team_id": team.id,
                "locale": "en",
                "timezone": "Asia/Shanghai",
                "created_at": now,
                "updated_at": now,
            }
            for n in range(count)
        ]
        user_ids = list(await session.scalars(insert(User).returning(User.id), users))
        customers: list[dict[str, object]] = [
            {
                "team_id": team.id,
                "owner_id": user_id,
                "name": f"Soak Customer {n}",
                "company": f"Soak Trading {n}",
                "tier": "B",
                "created_at": now,
                "updated_at": now,
                "health_reasons": [],
                **search_columns(name=f"Soak Customer {n}", company=f"Soak Trading {n}", e164=None),
            }
            for n, user_id in enumerate(user_ids)
        ]
        customer_ids = list(await session.scalars(insert(Customer).returning(Customer.id), customers))
    return [
        SeededRep(first + n, user_id, customer_id)
        for n, (user_id, customer_id) in enumerate(zip(user_ids, customer_ids, strict=True))
    ]


def _buttons(message: MessageRecord) -> set[str]:
    markup = message.reply_markup or {}
    return {
        str(button.get("callback_data"))
        for row in markup.get("inline_keyboard", [])
        for button in row
        if button.get("callback_data")
    }


BOT_REACTIONS = frozenset({"edit", "callback_answer", "delete"})


def _reacted(chat: ChatRecord, since: int) -> bool:
    return any(
        event["kind"] in BOT_REACTIONS or (event["kind"] == "message" and event.get("from_bot"))
        for event in chat.events[since:]
    )


class SimulatedRep:
    """One rep in their private chat, logging orders through /order as fast as `think` allows.

    Each step waits for the reply it expects (a new message with the next buttons, or the dialog's
    message edited into the next question). No reply within REPLY_TIMEOUT counts as unanswered;
    another reply counts as unexpected, and the rep /cancels and starts over.
    """

    def __init__(
        self,
        server: SandboxServer,
        seeded: SeededRep,
        index: int,
        *,
        think: float,
        steps: list[Step],
        flows: list[Flow],
    ) -> None:
        self.server = server
        self.state = server.bot(TOKEN)
        self.index = index
        self.customer_id = seeded.customer_id
        self.user = sandbox_users.define_user(
            self.state, {"id": seeded.telegram_id, "first_name": f"Rep{index}", "language_code": "en"}
        )
        self.chat = self.state.chat_of_user(self.user)
        self.think = think
        self.steps = steps
        self.flows = flows
        self.rng = random.Random(index)

    async def run(self, until: float) -> None:
        for number in itertools.count():
            if time.time() >= until:
                return
            flow = Flow(self.index, amount=(self.index + 1) * 10_000 + number)
            self.flows.append(flow)
            await self.order(flow, until)
            if flow.derailed_at is not None and time.time() < until:
                await self._text("cancel", "/cancel", partial(self._new_message, button=None))

    async def order(self, flow: Flow, until: float) -> None:
        pick = f"order:pick:{self.customer_id}"
        script: list[tuple[str, str, str | None, str | None]] = [
            # (step, what the rep does, the button it leads to, or else text the reply must hold)
            ("order", "/order", pick, None),
            ("customer", pick, None, "How much is it?"),
            ("amount", str(flow.amount), "order:prod:skip", None),
            ("product", "order:prod:skip", "order:date:today", None),
            ("date", "order:date:today", "order:save", None),
            ("save", "order:save", None, " saved."),
        ]
        card = 0
        for name, action, button, wording in script:
            if time.time() >= until:
                flow.cut_off = True
                return
            if name == "save":
                flow.save_pressed = True
            if name in ("order", "amount"):
                found = await self._text(name, action, partial(self._new_message, button=button))
            else:
                found = await self._press(name, card, action, partial(self._edited, card, button, wording))
            if found is None:
                flow.derailed_at = name
                return
            card = found
            await asyncio.sleep(self.think * self.rng.uniform(0.5, 1.5))
        flow.confirmed = True

    def _new_message(self, after: int, button: str | None) -> int | None:
        """The newest bot message after `after` (with `button`, if given)."""
        for message in reversed(self.chat.messages):
            if message.message_id <= after:
                return None
            if message.from_bot and (button is None or button in _buttons(message)):
                return message.message_id
        return None

    def _edited(self, message_id: int, button: str | None, text: str | None) -> int | None:
        message = self.chat.by_id.get(message_id)
        if message is None or message.deleted:
            return None
        if button is not None and button not in _buttons(message):
            return None
        if text is not None and text not in (message.text or ""):
            return None
        return message_id

    async def _text(self, name: str, text: str, expect: Callable[[int], int | None]) -> int | None:
        update, message = sandbox_users.send_message(
            self.state,
            self.server.clock,
            user=self.user,
            chat_id=self.chat.id,
            content=sandbox_users.Content(text=text),
        )
        step = self._record(name, update.update_id, texts=1)
        return await self._await(step, lambda: expect(message.message_id))

    async def _press(self, name: str, card: int, data: str, expect: Callable[[], int | None]) -> int | None:
        try:
            update, _ = sandbox_users.press_button(
                self.state,
                self.server.clock,
                user=self.user,
                chat_id=self.chat.id,
                message_id=card,
                data=data,
            )
        except ControlError:
            # The button is gone: a late reply changed the message under the rep's thumb.
            return None
        step = self._record(name, update.update_id, texts=0)
        return await self._await(step, expect)

    def _record(self, name: str, update_id: int, *, texts: int) -> Step:
        step = Step(self.index, update_id, name, time.time(), len(self.chat.events), texts)
        self.steps.append(step)
        return step

    async def _await(self, step: Step, expect: Callable[[], int | None]) -> int | None:
        """The expected reply's message id, or None (unanswered within REPLY_TIMEOUT, or a reply that
        is not the expected one within WRONG_REPLY_GRACE of it)."""
        deadline = time.perf_counter() + REPLY_TIMEOUT
        while True:
            if step.answered_at is None and _reacted(self.chat, step.seq):
                step.answered_at = time.time()
                deadline = min(deadline, time.perf_counter() + WRONG_REPLY_GRACE)
            found = expect()
            if found is not None:
                step.expected = True
                return found
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None
            await self.chat.signal.wait(remaining)


async def _orders(db: async_sessionmaker[AsyncSession], rep_ids: list[int]) -> dict[int, int]:
    """Orders stored for the reps, by amount (each flow's amount is unique)."""
    async with db() as session:
        rows = await session.execute(
            select(Order.amount, func.count()).where(Order.rep_id.in_(rep_ids)).group_by(Order.amount)
        )
        return {int(Decimal(amount)): int(n) for amount, n in rows.all()}


async def _inbox(db: async_sessionmaker[AsyncSession], update_ids: list[int]) -> dict[int, tuple[str, int]]:
    async with db() as session:
        rows = await session.execute(
            select(Inbox.update_id, Inbox.status, Inbox.attempts).where(Inbox.update_id.in_(update_ids))
        )
        return {int(update_id): (str(status), int(attempts)) for update_id, status, attempts in rows.all()}


async def _inbox_backlog(db: async_sessionmaker[AsyncSession]) -> int:
    async with db() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(Inbox)
            .where(Inbox.status.in_((InboxStatus.PENDING, InboxStatus.PROCESSING)))
        )
    return int(found or 0)


def _duplicate_replies(chats: list[ChatRecord], steps: list[Step]) -> int:
    """Bot messages beyond one per typed step (none per press), window by window between a rep's
    own actions: a replayed update answers again."""
    extra = 0
    by_rep: dict[int, list[Step]] = {}
    for step in steps:
        by_rep.setdefault(step.rep, []).append(step)
    for rep, chat in enumerate(chats):
        mine = sorted(by_rep.get(rep, []), key=lambda s: s.seq)
        for step, following in itertools.zip_longest(mine, mine[1:]):
            end = following.seq - 1 if following is not None else len(chat.events)
            window = chat.events[step.seq : end]
            messages = sum(1 for e in window if e["kind"] == "message" and e.get("from_bot"))
            extra += max(messages - step.texts, 0)
    return extra


def _refused_repeats(state: BotState) -> int:
    """Replies Telegram refused because they repeat one already given (a callback answered twice,
    a message edited to what it already says)."""
    refused = 0
    for call in state.calls:
        if call.ok or call.error is None or call.error.get("error_code") != 400:
            continue
        description = str(call.error.get("description", ""))
        method = call.method.lower()
        if method == "answercallbackquery" or "not modified" in description:
            refused += 1
    return refused


async def stream(database_url: str, plan: Plan, logs: Path) -> StreamFigures:
    """Phase 2; see the module's docstring."""
    figures = StreamFigures(reps=plan.reps, seconds=plan.seconds)
    engine = create_engine(database_url)
    db = create_session_factory(engine)
    steps: list[Step] = []
    flows: list[Flow] = []
    try:
        first = FIRST_REP + (time.time_ns() // 1000) % 1_000_000 * 100
        seeded = await seed_reps(db, plan.reps, first=first)
        async with SandboxServer(flood=FLOOD) as server:
            state = server.bot(TOKEN)
            async with Cluster(server, database_url, plan, logs, "stream") as cluster:
                reps = [
                    SimulatedRep(server, rep, n, think=plan.think, steps=steps, flows=flows)
                    for n, rep in enumerate(seeded)
                ]
                began = time.time()
                until = began + plan.seconds
                running = asyncio.gather(*(rep.run(until) for rep in reps))
                await asyncio.sleep(plan.seconds * plan.kill_at)
                killed, victim = await cluster.kill_leader()
                await cluster.replace(victim, killed, figures.failover)
                figures.killed_at = killed - began
                await running
                ended = time.time()
                settle = time.perf_counter() + SETTLE_SECONDS
                while await _inbox_backlog(db) and time.perf_counter() < settle:  # noqa: ASYNC110
                    await asyncio.sleep(PROGRESS_POLL)
                await asyncio.sleep(1.0)
                await cluster.settle_watchers(figures.failover)
                figures.forwarded = cluster.balancer.forwarded
                figures.retried = cluster.balancer.retried
            chats = [rep.chat for rep in reps]
            figures.duplicate_replies = _duplicate_replies(chats, steps)
            figures.refused_repeats = _refused_repeats(state)
            figures.flood_waits = state.error_counts[429]
        orders = await _orders(db, [rep.user_id for rep in seeded])
        inbox = await _inbox(db, [step.update_id for step in steps])
    finally:
        await engine.dispose()
    _count_stream(figures, steps, flows, orders, inbox)
    _stream_rates(figures, steps, killed=killed, began=began, ended=ended)
    return figures


def _count_stream(
    figures: StreamFigures,
    steps: list[Step],
    flows: list[Flow],
    orders: dict[int, int],
    inbox: dict[int, tuple[str, int]],
) -> None:
    figures.updates = len(steps)
    for step in steps:
        if step.answered_at is None:
            figures.unanswered += 1
            figures.unanswered_steps[step.name] += 1
        else:
            figures.answered += 1
            if not step.expected:
                figures.unexpected += 1
                figures.unexpected_steps[step.name] += 1
        found = inbox.get(step.update_id)
        if found is None:
            figures.inbox_missing += 1
            continue
        status, attempts = found
        if status != InboxStatus.DONE:
            figures.inbox_not_done += 1
        if attempts > 1:
            figures.replayed += 1
    figures.flows = len(flows)
    figures.confirmed = sum(1 for flow in flows if flow.confirmed)
    figures.derailed = sum(1 for flow in flows if flow.derailed_at is not None)
    figures.orders = sum(orders.values())
    figures.duplicate_orders = sum(n - 1 for n in orders.values() if n > 1)
    confirmed = {flow.amount for flow in flows if flow.confirmed}
    figures.confirmed_without_order = sum(1 for amount in confirmed if amount not in orders)
    figures.orders_unconfirmed = sum(1 for amount in orders if amount not in confirmed)


def _stream_rates(
    figures: StreamFigures, steps: list[Step], *, killed: float, began: float, ended: float
) -> None:
    failover = figures.failover
    replies = sorted(step.answered_at for step in steps if step.answered_at is not None)
    failover.resumed = resumed_after(replies, killed=killed, elected=failover.elected)
    waits = [step.answered_at - step.sent_at for step in steps if step.answered_at is not None]
    figures.longest_wait = max(waits, default=0.0)
    before = [s for s in steps if s.answered_at is not None and s.answered_at < killed]
    figures.rate_before = len(before) / max(killed - began, 1e-9)
    figures.latency_before = _p50_p99(before)
    if failover.resumed is not None:
        restart = killed + failover.resumed
        after = [s for s in steps if s.answered_at is not None and s.sent_at >= restart]
        figures.rate_after = len(after) / max(ended - restart, 1e-9)
        figures.latency_after = _p50_p99(after)


def _p50_p99(steps: list[Step]) -> tuple[float, float]:
    waits = [step.answered_at - step.sent_at for step in steps if step.answered_at is not None]
    return percentile(waits, 0.5), percentile(waits, 0.99)


# ---- the run and its report ------------------------------------------------------------------


def _log_errors(logs: Path) -> dict[str, int]:
    """Tracebacks each replica logged: a crash is expected to cost nothing, so each one is news."""
    found: dict[str, int] = {}
    for log in sorted(logs.glob("*.log")):
        found[log.stem] = log.read_text(errors="replace").count("Traceback (most recent call last)")
    return found


@contextlib.contextmanager
def _log_dir(keep: str) -> Iterator[Path]:
    if keep:
        path = Path(keep)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


async def soak(database_url: str, plan: Plan) -> Report:
    """Both phases on `database_url` (PostgreSQL, migrated), each with its own sandbox and replicas."""
    if make_url(database_url).get_backend_name() != "postgresql":
        raise ValueError("the soak needs PostgreSQL: replicas cannot share a SQLite file")
    with _log_dir(plan.logs) as logs:
        async with asyncio.timeout(plan.timeout):
            pushes = await fan_out(database_url, plan, logs) if plan.pushes else None
            users = await stream(database_url, plan, logs) if plan.reps else None
        return Report(pushes, users, Path(plan.logs) if plan.logs else None, _log_errors(logs))


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} s"


def _failover_rows(failover: Failover, what: str) -> list[tuple[str, str, str]]:
    return [
        ("failover: a replica leads", _seconds(failover.elected), f"{failover.new_leader} (/readyz)"),
        (f"failover: first {what} after", _seconds(failover.resumed), ""),
        ("failover time", _seconds(failover.total), "<= 15 s"),
        (
            "replacement replica up",
            _seconds(failover.replaced),
            f"stuck; its log ends: {failover.stuck}" if failover.stuck else "(as a supervisor restarts it)",
        ),
    ]


def _push_rows(p: PushFigures) -> list[tuple[str, str, str]]:
    return [
        (
            "pushes queued",
            f"{p.pushes:,}",
            f"to {p.pushes:,} chats, leader killed at {p.delivered_at_kill:,}",
        ),
        ("received by chats", f"{p.received:,}", ""),
        ("lost", str(p.lost), "0 (never received, not dead, not waiting)"),
        (
            "stranded in sending",
            str(p.stranded),
            "still waiting when the run ended" if p.stranded else "",
        ),
        ("duplicated", str(p.duplicates), f"<= {p.in_flight} (rows in `sending` at the kill)"),
        (
            "in flight at the kill",
            str(p.in_flight),
            f"{p.in_flight_reached} had reached Telegram; {p.sending_before_kill} in `sending` just before",
        ),
        ("in-flight rows resent after", _seconds(p.in_flight_recovered), "(stuck-row recovery)"),
        ("dead", str(p.dead), "0"),
        ("429s", str(p.flood_waits), "0"),
        (
            "rate before / after",
            f"{p.rate_before:.1f} / {p.rate_after:.1f} pushes/s",
            f"budget {OUTBOX_RATE}/s",
        ),
        ("elapsed", f"{p.elapsed:.0f} s", "queued -> last push (but the in-flight rows)"),
        *_failover_rows(p.failover, "push"),
    ]


def _milliseconds(p50_p99: tuple[float, float]) -> str:
    return f"{p50_p99[0] * 1000:.0f} / {p50_p99[1] * 1000:.0f} ms"


def _steps(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counter.most_common()) or ""


def _stream_rows(s: StreamFigures) -> list[tuple[str, str, str]]:
    return [
        (
            "updates sent",
            f"{s.updates:,}",
            f"{s.reps} reps, {s.seconds:g} s, leader killed at {s.killed_at:.0f} s",
        ),
        ("never answered (lost)", str(s.unanswered), f"0  {_steps(s.unanswered_steps)}"),
        ("answered, not as the dialog expected", str(s.unexpected), f"0  {_steps(s.unexpected_steps)}"),
        ("order dialogs started / saved", f"{s.flows} / {s.confirmed}", f"{s.derailed} derailed"),
        ("orders stored", str(s.orders), ""),
        ("duplicated orders", str(s.duplicate_orders), "0"),
        ("saved, but no order stored", str(s.confirmed_without_order), "0"),
        ("stored, never confirmed", str(s.orders_unconfirmed), "(Save's reply lost or not awaited)"),
        ("updates processed twice", str(s.replayed), "(inbox attempts > 1)"),
        ("duplicate replies", f"{s.duplicate_replies} + {s.refused_repeats} refused", "0"),
        ("updates not in the inbox / not done", f"{s.inbox_missing} / {s.inbox_not_done}", "0 / 0"),
        ("answered/s before / after", f"{s.rate_before:.1f} / {s.rate_after:.1f}", ""),
        ("reply p50 / p99 before", _milliseconds(s.latency_before), ""),
        (
            "reply p50 / p99 after",
            f"{s.latency_after[0] * 1000:.0f} / {s.latency_after[1] * 1000:.0f} ms",
            "",
        ),
        ("longest wait for a reply", f"{s.longest_wait:.1f} s", ""),
        ("webhook POSTs forwarded / retried", f"{s.forwarded} / {s.retried}", "(balancer)"),
        ("429s", str(s.flood_waits), "(each one stalls the inbox for its retry_after)"),
        *_failover_rows(s.failover, "reply"),
    ]


def print_report(report: Report, plan: Plan, *, database: str) -> None:
    print()
    print(
        f"failover soak on {database}: two replicas behind a balancer, "
        f"LEADER_POLL_SECONDS={plan.leader_poll:g}, sandbox with Telegram's flood limits"
    )
    sections: list[tuple[str, list[tuple[str, str, str]]]] = []
    if report.pushes is not None:
        sections.append(("1. fan-out, leader SIGKILLed mid-send", _push_rows(report.pushes)))
    if report.stream is not None:
        sections.append(("2. reps logging orders, leader SIGKILLed mid-stream", _stream_rows(report.stream)))
    for title, rows in sections:
        print()
        print(title)
        print(f"  {'':<38} {'figure':<24} goal / note")
        for name, value, note in rows:
            print(f"  {name:<38} {value:<24} {note}")
    errors = {name: n for name, n in report.log_errors.items() if n}
    print()
    print(
        f"tracebacks in replica logs: {errors or 'none'}"
        + (f" (logs in {report.logs})" if report.logs else "")
    )


async def main(database_url: str | None, plan: Plan) -> Report:
    if database_url:
        await migrate.upgrade(database_url)
        report = await soak(database_url, plan)
        print_report(report, plan, database=make_url(database_url).render_as_string(hide_password=True))
        return report
    async with scratch_database("postgresql", postgres_url=postgres_admin_url()) as url:
        report = await soak(url, plan)
    print_report(report, plan, database="postgresql (scratch database)")
    return report


def _share(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pushes", type=int, default=10_000, help="fan-out size (0 skips the phase)")
    parser.add_argument(
        "--kill-after", type=_share, default=0.3, help="share of pushes delivered at the kill"
    )
    parser.add_argument("--reps", type=int, default=50, help="simulated reps (0 skips the phase)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the user stream")
    parser.add_argument("--kill-at", type=_share, default=1 / 3, help="share of the stream before the kill")
    parser.add_argument("--think", type=float, default=1.0, help="a rep's mean pause between steps")
    parser.add_argument("--leader-poll", type=float, default=5.0, help="LEADER_POLL_SECONDS of the replicas")
    parser.add_argument(
        "--restart-delay", type=float, default=0.0, help="seconds from the kill to starting the replacement"
    )
    parser.add_argument(
        "--no-wait-stranded",
        action="store_true",
        help="end the fan-out when only the dead leader's in-flight rows are left (they wait 5 minutes)",
    )
    parser.add_argument("--timeout", type=float, default=1500.0, help="bound on the whole run, seconds")
    parser.add_argument("--logs", default="", help="keep the replicas' logs in this directory")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL database to migrate and use (default: a scratch one via TEST_POSTGRES_URL)",
    )
    args = parser.parse_args()
    if not 0 <= args.pushes <= 100_000 or not 0 <= args.reps <= 1_000:
        parser.error("--pushes must be 0..100000 and --reps 0..1000")
    plan = Plan(
        pushes=args.pushes,
        kill_after=args.kill_after,
        reps=args.reps,
        seconds=args.seconds,
        kill_at=args.kill_at,
        think=args.think,
        leader_poll=args.leader_poll,
        restart_delay=args.restart_delay,
        wait_stranded=not args.no_wait_stranded,
        timeout=args.timeout,
        logs=args.logs,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(args.database_url, plan))


if __name__ == "__main__":
    cli()
