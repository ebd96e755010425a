"""Leadership among replicas: one process runs the jobs, the outbox sender and the inbox processor.

On PostgreSQL the leader holds a session-level advisory lock on its own connection (not one from
the handlers' pool). Standbys try for the lock every LEADER_POLL_SECONDS; the lock goes with the
leader's session, so when it dies a standby wins the next try. A leader checks its connection on
the same beat and stops its duties the moment the check fails: it may no longer hold the lock.
It then goes on trying like a standby, so a leader cut off from its database leads again once the
database is back (or follows whichever replica took the lock meanwhile); the process never exits
for it. On SQLite there is only ever one process (see bot.runtime.single_process), so it simply leads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import partial

from sqlalchemy import pool, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.runtime import polling, webhook
from bot.runtime.context import CrmApplication
from bot.runtime.jobs import Background
from storage.db import utcnow
from storage.persistence import SqlPersistence

log = logging.getLogger(__name__)

# The advisory lock's key: any constant the bot's database uses for nothing else ("FCRM").
LOCK_KEY = 0x4643524D
# A try or a check that takes longer than this counts as a lost connection.
CHECK_TIMEOUT = 5.0
LEADERSHIP_KEY = "leadership"


@dataclass(frozen=True)
class Duty:
    """Work only the leader does: started on election, stopped on demotion or shutdown."""

    name: str
    start: Callable[[], Awaitable[None]]
    stop: Callable[[], Awaitable[None]]


class Leadership:
    """Elects this process (or not) and starts and stops its duties to match."""

    def __init__(
        self,
        database_url: str,
        duties: Sequence[Duty],
        *,
        poll_seconds: float,
        on_change: Callable[[bool], None] = lambda leading: None,
    ) -> None:
        self.duties = list(duties)
        self.poll_seconds = poll_seconds
        self.on_change = on_change
        self.elected = asyncio.Event()
        self._engine: AsyncEngine | None = None
        if make_url(database_url).get_backend_name() == "postgresql":
            self._engine = create_async_engine(database_url, poolclass=pool.NullPool)
        self._connection: AsyncConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._leading = False

    @property
    def is_leader(self) -> bool:
        return self._leading

    async def start(self) -> None:
        """Make the first try now (so a lone process leads before it serves), then keep trying."""
        await self.step()
        self._task = asyncio.create_task(self._run(), name="leadership")

    async def stop(self) -> None:
        """Stop the duties, then release the lock by closing the connection (shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._demote()
        await self._disconnect()
        if self._engine is not None:
            await self._engine.dispose()

    async def step(self) -> None:
        """One beat: a standby tries for the lock; a leader checks it still has its connection.

        Any failure leaves this process a standby without a lock connection, to try again on the
        next beat: a database outage, or duties that could not start (Telegram unreachable, say).
        """
        if self._engine is None:
            if not self._leading:
                await self._promote()
            return
        try:
            if self._leading:
                await asyncio.wait_for(self._check(), CHECK_TIMEOUT)
            elif await asyncio.wait_for(self._try_lock(), CHECK_TIMEOUT):
                await self._promote()
        except (OSError, SQLAlchemyError, TimeoutError) as exc:
            log.warning("leadership: lock connection failed (%s); trying again", type(exc).__name__)
            await self._step_down()
        except Exception:
            log.exception("leadership: could not lead; trying again")
            await self._step_down()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.step()
            except Exception:
                log.exception("leadership: a beat failed; trying again")

    async def _try_lock(self) -> bool:
        assert self._engine is not None
        if self._connection is None:
            # Autocommit: a session-level lock, and no transaction left open on the connection.
            connection = await self._engine.connect()
            self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        got = await self._connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})
        return bool(got)

    async def _check(self) -> None:
        assert self._connection is not None
        await self._connection.execute(text("SELECT 1"))

    async def _promote(self) -> None:
        """Start the duties, then say so: whoever waits for `elected` finds them running."""
        self._leading = True
        log.info("leadership: this process leads")
        for duty in self.duties:
            await duty.start()
        self.on_change(True)
        self.elected.set()

    async def _step_down(self) -> None:
        """Stop the duties and let the lock go with the connection."""
        await self._demote()
        await self._disconnect()

    async def _demote(self) -> None:
        if not self._leading:
            return
        self._leading = False
        self.elected.clear()
        for duty in reversed(self.duties):
            try:
                await duty.stop()
            except Exception:
                log.exception("leadership: stopping %s failed", duty.name)
        self.on_change(False)
        log.info("leadership: this process no longer leads")

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(OSError, SQLAlchemyError, TimeoutError):
                await asyncio.wait_for(connection.close(), CHECK_TIMEOUT)


def duties(application: CrmApplication, background: Background) -> list[Duty]:
    """The leader's work: conversation state loaded afresh, then the jobs and the outbox sender; in
    webhook mode, the inbox processor too."""

    async def start_jobs() -> None:
        background.start_duties()

    async def take_over() -> None:
        """Pick up where the last leader stopped: its conversation state and its pushes in flight."""
        if isinstance(application.persistence, SqlPersistence):
            await application.persistence.reload_into(application)
        resent = await background.sender.take_over(now=utcnow())
        if resent:
            log.warning("leadership: %d pushes the last leader was sending will be sent again", resent)

    async def hand_over() -> None:
        """Nothing to undo: the next leader takes over the same way."""

    found = [Duty("take over", take_over, hand_over), Duty("jobs", start_jobs, background.stop_duties)]
    if application.settings.webhook_url is not None:
        found.append(
            Duty(
                "inbox",
                partial(webhook.start_processing, application),
                partial(webhook.stop_processing, application),
            )
        )
    else:
        # Last, so updates flow only once the state they meet has been loaded.
        found.append(
            Duty("polling", partial(polling.resume, application), partial(polling.pause, application))
        )
    return found


async def start(application: CrmApplication, background: Background) -> Leadership:
    """Run for leadership (called from post_init); the metrics gauge and /readyz follow the result."""
    leadership = Leadership(
        application.settings.database_url,
        duties(application, background),
        poll_seconds=application.settings.leader_poll_seconds,
        on_change=application.metrics.set_leader,
    )
    application.metrics.set_leader(False)
    application.bot_data[LEADERSHIP_KEY] = leadership
    await leadership.start()
    return leadership


async def stop(application: CrmApplication) -> None:
    """Give up leadership (called from post_shutdown): duties stop, the lock is released."""
    found = application.bot_data.pop(LEADERSHIP_KEY, None)
    if isinstance(found, Leadership):
        await found.stop()
