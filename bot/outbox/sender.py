"""The outbox sender: claims due rows, sends them paced to Telegram's limits, records the outcome.

A payload names its Bot API method and parameters; a file to upload (a digest's chart) travels
base64-encoded under "files", keyed by the parameter it fills.

Delivery is "effectively once": a row is claimed before it is sent and marked right after, so only
a crash between the two can repeat a message (the row is then recovered from "sending").
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
import warnings
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InputFile
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

from bot.domain.roles import Role
from bot.domain.team_settings import quiet_hours, quiet_until
from bot.runtime.metrics import Metrics
from storage.queries import outbox

log = logging.getLogger(__name__)

SECOND = timedelta(seconds=1)
MIN_WAIT = 0.001


@dataclass(frozen=True)
class Limits:
    """How fast the sender may go: below Telegram's ~30/s so interactive replies keep flowing.

    `burst` is how many sends may start at once when pacing in real time (as many as the sender
    has connections).
    """

    per_second: int = 28
    burst: int = 8
    private_interval: timedelta = timedelta(seconds=1)
    group_interval: timedelta = timedelta(seconds=3)
    max_attempts: int = 6
    backoff_base: timedelta = timedelta(seconds=10)
    backoff_cap: timedelta = timedelta(hours=1)
    stuck_after: timedelta = timedelta(minutes=5)

    def interval(self, chat_id: int) -> timedelta:
        """Private chats take one message a second; groups and channels (negative ids) 20 a minute."""
        return self.group_interval if chat_id < 0 else self.private_interval

    def backoff(self, attempts: int) -> timedelta:
        return min(self.backoff_base * (1 << max(attempts - 1, 0)), self.backoff_cap)


class Pacer:
    """Remembers recent sends, per chat and overall, against the times the sender is given.

    A send holds its place in the overall second from when it starts until a second after it
    finished, so however the requests bunch on the way, Telegram never sees more than
    `per_second` of them in any second. When pacing in real time, a token bucket of `burst`
    spreads the sends over the second instead of firing them all at its start.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._finished: deque[datetime] = deque()
        self._in_flight = 0
        self._next_ok: dict[int, datetime] = {}
        self._tokens = float(limits.burst)
        self._refilled: datetime | None = None

    def budget(self, now: datetime) -> int:
        """How many messages may go out now without exceeding the overall rate."""
        while self._finished and self._finished[0] <= now - SECOND:
            self._finished.popleft()
        if len(self._next_ok) > 10_000:
            self._next_ok = {chat: at for chat, at in self._next_ok.items() if at > now}
        return max(self.limits.per_second - len(self._finished) - self._in_flight, 0)

    def tokens(self, now: datetime) -> int:
        """How many sends the bucket lets start now (real-time pacing only)."""
        if self._refilled is not None:
            gained = (now - self._refilled).total_seconds() * self.limits.per_second
            self._tokens = min(float(self.limits.burst), self._tokens + max(gained, 0.0))
        self._refilled = now
        return int(self._tokens)

    def wait(self, now: datetime) -> float:
        """Seconds until the budget and the bucket both have room again."""
        spacing = 1 / self.limits.per_second
        waits = [max(1 - self._tokens, 0.0) * spacing]
        if self.budget(now) == 0:
            waits.append((self._finished[0] + SECOND - now).total_seconds() if self._finished else spacing)
        return max(*waits, MIN_WAIT)

    @property
    def in_flight(self) -> int:
        """Sends started and not yet answered."""
        return self._in_flight

    def ready_at(self, chat_id: int, now: datetime) -> datetime | None:
        """None if the chat may receive a message now, else when it may."""
        next_ok = self._next_ok.get(chat_id)
        return next_ok if next_ok is not None and next_ok > now else None

    def start(self, chat_id: int, now: datetime, *, take_token: bool = False) -> None:
        self._in_flight += 1
        self._next_ok[chat_id] = now + self.limits.interval(chat_id)
        if take_token:
            self._tokens -= 1

    def finish(self, chat_id: int, at: datetime) -> None:
        """The send is answered: it counts against the second that follows."""
        self._in_flight -= 1
        self._finished.append(at)
        self._next_ok[chat_id] = max(at + self.limits.interval(chat_id), self._next_ok.get(chat_id, at))

    def hold(self, chat_id: int, until: datetime) -> None:
        """Telegram asked us to wait: nothing more for this chat before `until`."""
        self._next_ok[chat_id] = max(until, self._next_ok.get(chat_id, until))


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"
    DEFERRED = "deferred"


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: int
    chat_id: int
    user_id: int | None
    kind: str
    payload: dict[str, Any]
    attempts: int


# Quiet hours hold back automatic pushes to staff, not these: a reminder fires at the time its
# owner chose, a ticket runs against its SLA, and the digest has a time of its own.
NOT_QUIETED = frozenset({"reminder", "ticket", "digest"})
STAFF_ROLES = (Role.REP.value, Role.MANAGER.value, Role.ADMIN.value)

# What one pass over the outbox did, by outcome.
Drained = Counter[Outcome]


class OutboxSender:
    """Drains the outbox with one bot; one drain at a time per process.

    Without `drain_for` (tests driving time by hand) a drain is one pass at `now`: what the budget
    allows goes out at once. With it (the running bot's sender loop, see `bot.runtime.jobs`), a drain keeps
    going in real time while rows are due, for up to `drain_for`; `timer` and `sleep` are
    injectable so tests can count sends per simulated second.
    """

    def __init__(
        self,
        bot: Bot,
        db: async_sessionmaker[AsyncSession],
        *,
        limits: Limits | None = None,
        drain_for: timedelta | None = None,
        timer: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.db = db
        self.limits = limits or Limits()
        self.pacer = Pacer(self.limits)
        self.drain_for = drain_for
        self._timer = timer
        self._sleep = sleep
        self._lock = asyncio.Lock()
        # Set by the application after start so sends are counted in /metrics.
        self.metrics: Metrics | None = None
        # Payloads name their Bot API method, so the generic call is the point, not a slip.
        warnings.filterwarnings("ignore", message="Please use 'Bot.", category=PTBUserWarning)

    async def take_over(self, *, now: datetime) -> int:
        """On election: every row in "sending" was claimed by a sender that is gone (only the leader
        sends), so it goes back to the queue now rather than after `stuck_after`."""
        async with self.db.begin() as session:
            return await outbox.recover_stuck(
                session, now=now, older_than=timedelta(0), max_attempts=self.limits.max_attempts
            )

    async def drain(self, *, now: datetime) -> Drained:
        """Send what is due at `now`; rows a chat cannot take yet wait for their turn."""
        drained: Drained = Counter()
        called = self._timer()
        async with self._lock:
            async with self.db.begin() as session:
                await outbox.recover_stuck(
                    session,
                    now=now,
                    older_than=self.limits.stuck_after,
                    max_attempts=self.limits.max_attempts,
                )
            if self.drain_for is None:
                budget = self.pacer.budget(now)
                to_send, _ = await self._claim(now, budget, drained) if budget else ([], 0)
                for item in to_send:
                    self.pacer.start(item.chat_id, now)
                drained.update(
                    await asyncio.gather(*(self._send(item, now, lambda: now) for item in to_send))
                )
            else:
                await self._drain_paced(now, called, self.drain_for, drained)
        return drained

    async def _drain_paced(
        self, start: datetime, called: float, drain_for: timedelta, drained: Drained
    ) -> None:
        """Claim what the budget and the bucket allow, start those sends, wait for room, repeat.

        The time runs from when the drain was called, so a drain that waited for the one before it
        still ends `drain_for` after its tick.
        """

        def clock() -> datetime:
            return start + timedelta(seconds=self._timer() - called)

        sending: set[asyncio.Task[Outcome]] = set()
        try:
            while (now := clock()) - start < drain_for:
                room = min(self.pacer.budget(now), self.pacer.tokens(now))
                if room == 0:
                    await self._sleep(min(self.pacer.wait(now), (drain_for - (now - start)).total_seconds()))
                    continue
                to_send, claimed = await self._claim(now, room, drained)
                for item in to_send:
                    self.pacer.start(item.chat_id, now, take_token=True)
                    sending.add(asyncio.create_task(self._send(item, now, clock)))
                if claimed < room:
                    break
        finally:
            drained.update(await asyncio.gather(*sending))

    async def _claim(self, now: datetime, limit: int, drained: Drained) -> tuple[list[_Claimed], int]:
        """Claim up to `limit` due rows (returns those to send and how many were claimed); rows whose
        chat is still busy go back to wait their turn."""
        async with self.db.begin() as session:
            rows = await outbox.claim(session, now=now, limit=limit)
            claimed = [
                _Claimed(row.id, row.chat_id, row.user_id, row.kind, dict(row.payload), row.attempts)
                for row in rows
            ]
        to_send: list[_Claimed] = []
        deferred: list[tuple[_Claimed, datetime]] = []
        busy: set[int] = set()
        quiet = await self._quiet_until(claimed, now)
        for item in claimed:
            if item.id in quiet:
                deferred.append((item, quiet[item.id]))
                continue
            ready = self.pacer.ready_at(item.chat_id, now)
            if ready is None and item.chat_id not in busy:
                busy.add(item.chat_id)
                to_send.append(item)
            else:
                deferred.append((item, ready or now + self.limits.interval(item.chat_id)))
        if deferred:
            async with self.db.begin() as session:
                for item, ready in deferred:
                    await outbox.retry_later(
                        session, outbox_id=item.id, not_before=ready, error=None, burn_attempt=False
                    )
                    drained[Outcome.DEFERRED] += 1
        return to_send, len(claimed)

    async def _quiet_until(self, claimed: list[_Claimed], now: datetime) -> dict[int, datetime]:
        """Rows for staff inside their team's quiet hours, and when those end (one query)."""
        candidates = [item for item in claimed if item.user_id is not None and item.kind not in NOT_QUIETED]
        if not candidates:
            return {}
        async with self.db() as session:
            teams = await outbox.staff_team_settings(
                session, user_ids=[item.user_id for item in candidates if item.user_id], roles=STAFF_ROLES
            )
        found: dict[int, datetime] = {}
        for item in candidates:
            team = teams.get(item.user_id) if item.user_id is not None else None
            if team is None:
                continue
            zone, settings = team
            until = quiet_until(now, zone=zone, window=quiet_hours(settings))
            if until is not None:
                found[item.id] = until
        return found

    async def _send(self, item: _Claimed, now: datetime, clock: Callable[[], datetime]) -> Outcome:
        try:
            message_id = await self._answered(item, clock)
        except TelegramError as error:
            return await self._failed(item, error, now)
        except Exception as error:
            # Not Telegram refusing but the payload itself (a producer's bug): retrying cannot help.
            self._count(error)
            log.exception("outbox %s could not be sent", item.id)
            async with self.db.begin() as session:
                return await self._dead(session, item, f"{type(error).__name__}: {error}")
        async with self.db.begin() as session:
            await outbox.mark_sent(session, outbox_id=item.id, message_id=message_id, now=now)
        self._count(None)
        return Outcome.SENT

    def _count(self, error: BaseException | None) -> None:
        if self.metrics is not None:
            self.metrics.sent(error)

    async def _answered(self, item: _Claimed, clock: Callable[[], datetime]) -> int | None:
        """The call; from Telegram's answer on, the send counts against the overall second."""
        try:
            return await self._call(item)
        finally:
            self.pacer.finish(item.chat_id, clock())

    async def _call(self, item: _Claimed) -> int | None:
        method = str(item.payload.get("method") or "sendMessage")
        params = {**dict(item.payload.get("params") or {}), "chat_id": item.chat_id}
        for field, upload in dict(item.payload.get("files") or {}).items():
            params[field] = InputFile(base64.b64decode(upload["base64"]), filename=upload["filename"])
        result = await self.bot.do_api_request(method, api_kwargs=params)
        if isinstance(result, list) and result:
            result = result[0]
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return int(message_id) if isinstance(message_id, int) else None

    async def _failed(self, item: _Claimed, error: TelegramError, now: datetime) -> Outcome:
        reason = f"{type(error).__name__}: {error.message}"
        self._count(error)
        async with self.db.begin() as session:
            if isinstance(error, RetryAfter):
                until = now + _retry_after(error)
                self.pacer.hold(item.chat_id, until)
                await outbox.retry_later(
                    session, outbox_id=item.id, not_before=until, error=reason, burn_attempt=False
                )
                return Outcome.RETRY
            if isinstance(error, ChatMigrated):
                await outbox.move_chat(
                    session, old_chat_id=item.chat_id, new_chat_id=int(error.new_chat_id), now=now
                )
                return Outcome.RETRY
            if isinstance(error, Forbidden):
                await outbox.mark_blocked(session, chat_id=item.chat_id, user_id=item.user_id)
                return await self._dead(session, item, reason)
            if isinstance(error, BadRequest | EndPointNotFound):
                return await self._dead(session, item, reason)
            attempts = item.attempts + 1
            if attempts >= self.limits.max_attempts:
                return await self._dead(session, item, reason)
            await outbox.retry_later(
                session,
                outbox_id=item.id,
                not_before=now + self.limits.backoff(attempts),
                error=reason,
                burn_attempt=True,
            )
            return Outcome.RETRY

    async def _dead(self, session: AsyncSession, item: _Claimed, reason: str) -> Outcome:
        log.warning("outbox %s (%s to chat %s) is dead: %s", item.id, item.kind, item.chat_id, reason)
        await outbox.mark_dead(session, outbox_id=item.id, error=reason)
        return Outcome.DEAD


def _retry_after(error: RetryAfter) -> timedelta:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))
