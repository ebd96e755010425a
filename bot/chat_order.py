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
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from storage.db import is_sqlite

# Enough to keep PostgreSQL and the Bot API busy; more only queues inside the pool.
CONCURRENT_UPDATES = 16


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
    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: Counter[int] = Counter()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] += 1
        try:
            async with lock:
                await coroutine
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:
                del self._holders[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close: PTB waits for the running updates itself."""
