"""Leadership: exactly one replica leads on PostgreSQL, and a standby takes over when it dies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from sqlalchemy import text

from bot.runtime import jobs, leader
from bot.runtime.app import build_application
from bot.runtime.leader import LOCK_KEY, Duty, Leadership
from sandbox import SandboxServer
from sandbox.harness import running_bot, settings_for
from storage import migrate
from storage.db import create_engine

POLL = 0.2
TAKEOVER_LIMIT = 15.0


class Replica:
    """A Leadership whose duties just record when they start and stop."""

    def __init__(self, name: str, url: str, events: list[str]) -> None:
        async def started() -> None:
            events.append(f"{name} start")

        async def stopped() -> None:
            events.append(f"{name} stop")

        self.leadership = Leadership(url, [Duty("record", started, stopped)], poll_seconds=POLL)


@asynccontextmanager
async def replicas(url: str, events: list[str]) -> AsyncIterator[tuple[Leadership, Leadership]]:
    first, second = Replica("a", url, events).leadership, Replica("b", url, events).leadership
    await first.start()
    await second.start()
    try:
        yield first, second
    finally:
        await first.stop()
        await second.stop()


async def _eventually(condition: Callable[[], bool]) -> None:
    """Wait up to TAKEOVER_LIMIT (in poll-sized steps) for the condition, failing after that."""
    step = POLL / 4
    for _ in range(int(TAKEOVER_LIMIT / step)):
        if condition():
            return
        await asyncio.sleep(step)
    raise AssertionError(f"not within {TAKEOVER_LIMIT} s")


async def _kill_lock_holder(url: str) -> int:
    """End the session holding the advisory lock, as the database sees a dead replica's session end."""
    engine = create_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            killed = await connection.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND classid = 0 AND objid = :key AND granted "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"key": LOCK_KEY},
            )
    finally:
        await engine.dispose()
    return int(killed or 0)


async def test_exactly_one_replica_leads(postgres_database: str) -> None:
    events: list[str] = []
    async with replicas(postgres_database, events) as (first, second):
        for _ in range(3):
            await first.step()
            await second.step()
        assert (first.is_leader, second.is_leader) == (True, False)
        assert events == ["a start"]


async def test_standby_takes_over_when_the_leader_dies(postgres_database: str) -> None:
    events: list[str] = []
    async with replicas(postgres_database, events) as (first, second):
        assert first.is_leader
        # The leader's process dies: its loop stops with it and the database ends its session.
        assert first._task is not None
        first._task.cancel()
        with suppress(asyncio.CancelledError):
            await first._task
        assert await _kill_lock_holder(postgres_database) == 1
        await _eventually(lambda: second.is_leader)
        assert events[-1] == "b start"


async def test_leader_stops_its_duties_when_its_connection_is_lost(postgres_database: str) -> None:
    events: list[str] = []
    async with replicas(postgres_database, events) as (first, second):
        assert await _kill_lock_holder(postgres_database) == 1
        await _eventually(lambda: "a stop" in events)
        await _eventually(lambda: first.is_leader != second.is_leader)
        assert not (first.is_leader and second.is_leader)


async def test_graceful_stop_hands_over(postgres_database: str) -> None:
    events: list[str] = []
    async with replicas(postgres_database, events) as (first, second):
        await first.stop()
        assert events == ["a start", "a stop"]
        await _eventually(lambda: second.is_leader)
        assert not first.is_leader


async def test_sqlite_process_leads_at_once(tmp_path: Path) -> None:
    events: list[str] = []
    only = Replica("a", f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}", events).leadership
    await only.start()
    try:
        assert only.is_leader
        assert events == ["a start"]
    finally:
        await only.stop()
    assert events == ["a start", "a stop"]


async def test_two_polling_applications_one_polls_and_the_other_takes_over(
    sandbox: SandboxServer, postgres_database: str
) -> None:
    """Two real applications on one database: the standby waits to poll until the leader is gone."""
    settings = settings_for(sandbox, postgres_database, leader_poll_seconds=POLL)
    async with running_bot(settings, sandbox) as first:
        assert first.app.metrics.leading
        assert jobs.background(first.app)._sender_task is not None
        standby_app = build_application(settings)
        await standby_app.initialize()
        assert standby_app.post_init is not None
        waiting = asyncio.create_task(standby_app.post_init(standby_app))
        try:
            await asyncio.sleep(POLL * 3)
            assert not waiting.done()
            assert not standby_app.metrics.leading
            assert jobs.background(standby_app)._sender_task is None
        except BaseException:
            waiting.cancel()
            raise
    try:
        await asyncio.wait_for(waiting, TAKEOVER_LIMIT)
        assert standby_app.metrics.leading
        assert jobs.background(standby_app)._sender_task is not None
    finally:
        await standby_app.shutdown()
        assert standby_app.post_shutdown is not None
        await standby_app.post_shutdown(standby_app)
    assert leader.LEADERSHIP_KEY not in standby_app.bot_data


async def test_a_replica_can_migrate_while_another_leads(postgres_database: str) -> None:
    """The migration lock is not the leader's: a replica restarted beside a leader gets through."""
    leading = Leadership(postgres_database, [], poll_seconds=POLL)
    await leading.start()
    try:
        assert leading.is_leader
        await asyncio.wait_for(migrate.upgrade(postgres_database), TAKEOVER_LIMIT)
    finally:
        await leading.stop()
