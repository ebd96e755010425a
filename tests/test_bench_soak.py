"""The failover soak at a tiny scale, so it keeps running: the leader is killed in both phases and the
report still adds up (nothing lost, duplicates only from sends in flight at the kill).

PostgreSQL only: two replicas cannot share a SQLite file.
"""

from __future__ import annotations

from sqlalchemy import text

from bench.soak import Plan, Report, soak
from storage.db import create_engine
from storage.models import Base

# Stranded rows (in `sending` when the leader died) would need the five-minute stuck-row recovery:
# the fan-out ends without them and the report counts them apart.
TINY = Plan(
    pushes=200,
    kill_after=0.3,
    reps=5,
    seconds=8.0,
    think=0.3,
    leader_poll=1.0,
    wait_stranded=False,
    timeout=150.0,
)


async def _empty(url: str) -> None:
    """The session's PostgreSQL database without what earlier tests left (their queued pushes too)."""
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


def _pushes_add_up(report: Report) -> None:
    pushes = report.pushes
    assert pushes is not None
    assert pushes.lost == 0
    assert pushes.received + pushes.stranded + pushes.dead == pushes.pushes
    assert pushes.stranded <= pushes.in_flight
    assert pushes.duplicates <= pushes.in_flight
    assert pushes.delivered_at_kill >= TINY.kill_after * TINY.pushes
    assert pushes.failover.elected is not None
    assert pushes.failover.resumed is not None


def _stream_adds_up(report: Report) -> None:
    stream = report.stream
    assert stream is not None
    assert stream.updates > 0
    assert stream.answered + stream.unanswered == stream.updates
    assert stream.unanswered == 0
    assert stream.inbox_missing == 0
    assert stream.flows >= stream.confirmed > 0
    assert stream.duplicate_orders == 0
    assert stream.confirmed_without_order == 0
    assert stream.orders == stream.confirmed + stream.orders_unconfirmed
    assert stream.failover.elected is not None


async def test_killing_the_leader_loses_nothing_and_repeats_only_sends_in_flight(
    postgres_database: str,
) -> None:
    await _empty(postgres_database)
    report = await soak(postgres_database, TINY)
    _pushes_add_up(report)
    _stream_adds_up(report)
