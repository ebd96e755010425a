"""Processes the webhook inbox: one update at a time, in update_id order, so each chat keeps its order.

Concurrency is 1 on purpose: strict update_id order keeps every chat's updates in sequence without
per-chat bookkeeping, and one process leads at a time. A row is marked processing before its update
runs and done after; a crash in between leaves it processing, and the next processor to start puts
it back to pending (after MAX_ATTEMPTS tries it is marked failed with the last error). What an
update creates carries the message's client reference (visits, orders, tickets, ticket messages,
feedback), so running it a second time finds those rows instead of adding more.

Processed rows hold people's raw messages, so the processor deletes them INBOX_RETENTION_HOURS
after processing: when it starts and then every PRUNE_INTERVAL.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import suppress
from typing import Any

from telegram import Update

from bot.runtime.context import CrmApplication
from storage.db import utcnow
from storage.queries import inbox

log = logging.getLogger(__name__)

POLL_INTERVAL = 1.0
MAX_ATTEMPTS = 3
PRUNE_INTERVAL = 600.0


class InboxProcessor:
    """A loop that drains the inbox, woken by the webhook after an insert or every second."""

    def __init__(self, application: CrmApplication, *, poll_interval: float = POLL_INTERVAL) -> None:
        self.application = application
        self.poll_interval = poll_interval
        self._pruned_at: float | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        await self._recover()
        await self.prune()
        self._task = asyncio.create_task(self._run(), name="inbox-processor")

    async def _recover(self) -> None:
        async with self.application.db.begin() as session:
            recovered = await inbox.recover(session, max_attempts=MAX_ATTEMPTS)
        if recovered:
            log.warning("%d inbox updates were interrupted and will be processed again", recovered)

    async def prune(self) -> int:
        """Delete the rows processed longer ago than the retention allows."""
        cutoff = utcnow() - self.application.settings.inbox_retention()
        async with self.application.db.begin() as session:
            pruned = await inbox.prune(session, processed_before=cutoff)
        self._pruned_at = time.monotonic()
        if pruned:
            log.info("deleted %d processed inbox updates", pruned)
        return pruned

    async def stop(self) -> None:
        """Stop after the update in hand (cancelling mid-update leaves it to be retried)."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        # After a failure (the database went away mid-update, say) the row may still say
        # "processing"; only the leader processes, so putting it back is safe.
        interrupted = False
        while True:
            try:
                if interrupted:
                    await self._recover()
                    interrupted = False
                while await self.process_one():
                    pass
                if self._pruned_at is None or time.monotonic() - self._pruned_at >= PRUNE_INTERVAL:
                    await self.prune()
            except Exception:
                interrupted = True
                log.exception("inbox processing failed; retrying shortly")
            self._wake.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    async def process_one(self) -> bool:
        """Process the oldest pending update; False when there was none."""
        async with self.application.db.begin() as session:
            row = await inbox.claim_next(session)
            if row is None:
                return False
            update_id, payload, attempts = row.update_id, dict(row.payload), row.attempts
        try:
            await self._process(payload)
        except Exception as error:
            give_up = attempts >= MAX_ATTEMPTS
            log.exception("inbox update %s failed (attempt %d)", update_id, attempts)
            async with self.application.db.begin() as session:
                await inbox.mark_error(
                    session,
                    update_id=update_id,
                    error=f"{type(error).__name__}: {error}",
                    give_up=give_up,
                    now=utcnow(),
                )
            return True
        async with self.application.db.begin() as session:
            await inbox.mark_done(session, update_id=update_id, now=utcnow())
        return True

    async def _process(self, payload: dict[str, Any]) -> None:
        """Handle the update; `process_update` writes conversation state before it returns, so
        before the row is marked done: a replica that takes over resumes each dialog from the step
        this update left it at."""
        update = Update.de_json(payload, self.application.bot)
        await self.application.process_update(update)
