"""The outbox sender: claims due rows, sends them paced to Telegram's limits, records the outcome.

Delivery is "effectively once": a row is claimed before it is sent and marked right after, so only
a crash between the two can repeat a message (the row is then recovered from "sending").
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

from storage.queries import outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """How fast the sender may go: below Telegram's ~30/s so interactive replies keep flowing."""

    per_second: int = 20
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
    """Remembers recent sends, per chat and overall, against the times the sender is given."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._recent: deque[datetime] = deque()
        self._next_ok: dict[int, datetime] = {}

    def budget(self, now: datetime) -> int:
        """How many messages may go out now without exceeding the overall rate."""
        while self._recent and self._recent[0] <= now - timedelta(seconds=1):
            self._recent.popleft()
        if len(self._next_ok) > 10_000:
            self._next_ok = {chat: at for chat, at in self._next_ok.items() if at > now}
        return max(self.limits.per_second - len(self._recent), 0)

    def ready_at(self, chat_id: int, now: datetime) -> datetime | None:
        """None if the chat may receive a message now, else when it may."""
        next_ok = self._next_ok.get(chat_id)
        return next_ok if next_ok is not None and next_ok > now else None

    def record(self, chat_id: int, now: datetime) -> None:
        self._recent.append(now)
        self._next_ok[chat_id] = now + self.limits.interval(chat_id)

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


# What one pass over the outbox did, by outcome.
Drained = Counter[Outcome]


class OutboxSender:
    """Drains the outbox with one bot; one pass at a time per process."""

    def __init__(
        self, bot: Bot, db: async_sessionmaker[AsyncSession], *, limits: Limits | None = None
    ) -> None:
        self.bot = bot
        self.db = db
        self.limits = limits or Limits()
        self.pacer = Pacer(self.limits)
        self._lock = asyncio.Lock()
        # Payloads name their Bot API method, so the generic call is the point, not a slip.
        warnings.filterwarnings("ignore", message="Please use 'Bot.", category=PTBUserWarning)

    async def drain(self, *, now: datetime) -> Drained:
        """Send what is due at `now`; rows a chat cannot take yet wait for their turn."""
        drained: Drained = Counter()
        async with self._lock:
            async with self.db.begin() as session:
                await outbox.recover_stuck(
                    session,
                    now=now,
                    older_than=self.limits.stuck_after,
                    max_attempts=self.limits.max_attempts,
                )
                budget = self.pacer.budget(now)
                rows = await outbox.claim(session, now=now, limit=budget) if budget else []
                claimed = [
                    _Claimed(row.id, row.chat_id, row.user_id, row.kind, dict(row.payload), row.attempts)
                    for row in rows
                ]
            to_send: list[_Claimed] = []
            deferred: list[tuple[_Claimed, datetime]] = []
            for item in claimed:
                ready = self.pacer.ready_at(item.chat_id, now)
                if ready is None:
                    self.pacer.record(item.chat_id, now)
                    to_send.append(item)
                else:
                    deferred.append((item, ready))
            if deferred:
                async with self.db.begin() as session:
                    for item, ready in deferred:
                        await outbox.retry_later(
                            session, outbox_id=item.id, not_before=ready, error=None, burn_attempt=False
                        )
                        drained[Outcome.DEFERRED] += 1
            drained.update(await asyncio.gather(*(self._deliver(item, now) for item in to_send)))
        return drained

    async def _deliver(self, item: _Claimed, now: datetime) -> Outcome:
        try:
            message_id = await self._call(item)
        except TelegramError as error:
            return await self._failed(item, error, now)
        except Exception as error:
            # Not Telegram refusing but the payload itself (a producer's bug): retrying cannot help.
            log.exception("outbox %s could not be sent", item.id)
            async with self.db.begin() as session:
                return await self._dead(session, item, f"{type(error).__name__}: {error}")
        async with self.db.begin() as session:
            await outbox.mark_sent(session, outbox_id=item.id, message_id=message_id, now=now)
        return Outcome.SENT

    async def _call(self, item: _Claimed) -> int | None:
        method = str(item.payload.get("method") or "sendMessage")
        params = {**dict(item.payload.get("params") or {}), "chat_id": item.chat_id}
        result = await self.bot.do_api_request(method, api_kwargs=params)
        if isinstance(result, list) and result:
            result = result[0]
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return int(message_id) if isinstance(message_id, int) else None

    async def _failed(self, item: _Claimed, error: TelegramError, now: datetime) -> Outcome:
        reason = f"{type(error).__name__}: {error.message}"
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
