"""Updates of different chats are handled side by side; one chat's updates one at a time, in order.

A handler spends most of its time waiting (for the database, for the Bot API), so while one
person's update waits another's can run. Within a chat, order matters — a dialog's answer must not
overtake its question — so each chat (or, for inline queries, each user) has a lock, taken in the
order PTB hands the updates over: PTB starts one task per update, in arrival order, and asyncio's
semaphore and locks wake waiters first come, first served.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.runtime import ratelimit
from bot.runtime.ratelimit import RateLimiter
from storage.db import is_sqlite

# Enough to keep PostgreSQL and the Bot API busy; more only queues inside the pool.
CONCURRENT_UPDATES = 16
# Updates in hand at once, waiting for their chat's turn or their token, or running; PTB holds the
# rest. A flood cannot fill it: the rate limit admits a few dozen of one person's updates at a time.
IN_HAND = 1024


def concurrency_for(database_url: str) -> int:
    """SQLite takes one writer at a time (every unit of work begins IMMEDIATE), so updates side by
    side only queue on its lock, and measured slower (bench.throughput): there, one at a time."""
    return 1 if is_sqlite(database_url) else CONCURRENT_UPDATES


def order_key(update: object) -> int | None:
    """The chat whose order the update must keep; the user's for inline queries; None for neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatOrder(BaseUpdateProcessor):
    """`running` updates at a time across chats; within a chat one at a time, in arrival order.

    An update first waits for its chat's turn and, when its sender is over the rate limit, for its
    token (bot.runtime.ratelimit); only then does it take one of the `running` places. A person made to
    wait therefore holds up nobody else, even on SQLite where one update runs at a time. A refused
    update waits for neither: it only runs the guard, which says it was not processed.
    """

    def __init__(
        self, running: int = CONCURRENT_UPDATES, *, limiter: RateLimiter | None = None, in_hand: int = IN_HAND
    ) -> None:
        # PTB's own bound counts updates in hand, waiting or running. It must allow more than one,
        # or PTB would process updates one by one and a chat waiting for its token would stop the
        # fetching of everyone else's; `running` bounds the ones that actually run.
        super().__init__(max(in_hand, running, 2))
        self.limiter = limiter
        self._running = asyncio.Semaphore(running)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: Counter[int] = Counter()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Admit the update as it arrives (so tokens go in arrival order), then wait for the chat's
        turn, the token's time and a place; the guard reads the admission (handlers/common/access.py)."""
        limiter = self.limiter
        if limiter is None or not isinstance(update, Update) or update.effective_user is None:
            async with self._turn(order_key(update)), self._running:
                await coroutine
            return
        admission = limiter.admit(update.effective_user.id)
        with ratelimit.admitted(admission):
            if admission.refused:
                async with self._running:
                    await coroutine
                return
            async with self._turn(order_key(update)):
                await limiter.wait_for(admission)
                async with self._running:
                    await coroutine

    @asynccontextmanager
    async def _turn(self, key: int | None) -> AsyncIterator[None]:
        """Hold the chat's lock; locks of chats with nothing waiting are dropped, so memory follows
        the chats in flight, not every chat ever seen."""
        if key is None:
            yield
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] += 1
        try:
            async with lock:
                yield
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:
                del self._holders[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close: PTB waits for the running updates itself."""
