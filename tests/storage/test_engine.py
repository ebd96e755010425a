"""storage.db: the engine settings each backend needs, and transactions that behave on SQLite."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, create_session_factory, is_sqlite
from storage.models import Outbox, Team


async def test_sqlite_file_gets_its_folder_created(tmp_path: Path) -> None:
    database = tmp_path / "data" / "nested" / "fieldcrm.db"
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")
    finally:
        await engine.dispose()

    assert database.exists()


async def test_sqlite_connections_are_configured(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with engine.connect() as connection:
            pragmas = {
                name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("foreign_keys", "journal_mode", "busy_timeout")
            }
    finally:
        await engine.dispose()

    assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 10_000}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("sqlite+aiosqlite:///data/fieldcrm.db", True),
        (make_url("sqlite+aiosqlite://"), True),
        ("postgresql+asyncpg://bot@db/fieldcrm", False),
    ],
)
def test_is_sqlite(target: str, expected: bool) -> None:
    assert is_sqlite(target) is expected


async def test_is_sqlite_on_an_engine(engine: AsyncEngine) -> None:
    assert is_sqlite(engine) is (engine.dialect.name == "sqlite")


async def test_objects_stay_readable_after_commit(engine: AsyncEngine) -> None:
    session_factory = create_session_factory(engine)
    async with session_factory.begin() as session:
        team = Team(name="East")
        session.add(team)

    assert team.name == "East"
    assert team.id is not None
    assert team.timezone == "Asia/Shanghai"
    assert team.settings == {}


async def test_rolling_back_undoes_a_released_savepoint(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """sqlite3's own transaction handling gets this wrong; storage.db takes it over."""
    async with session_factory() as session:
        session.add(Outbox(dedupe_key="a", chat_id=1, kind="k", payload={}))
        await session.flush()
        async with session.begin_nested():
            session.add(Outbox(dedupe_key="b", chat_id=1, kind="k", payload={}))
        await session.rollback()

    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Outbox)) == 0


async def test_concurrent_units_of_work_read_then_write_without_locking_errors(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory.begin() as session:
        team = Team(name="West")
        session.add(team)
    team_id = team.id

    async def take_ticket_number() -> None:
        async with session_factory.begin() as session:
            await session.scalar(select(Team.ticket_counter).where(Team.id == team_id))
            await asyncio.sleep(0.01)
            await session.execute(
                update(Team).where(Team.id == team_id).values(ticket_counter=Team.ticket_counter + 1)
            )

    await asyncio.gather(*(take_ticket_number() for _ in range(20)))

    async with session_factory() as session:
        assert await session.scalar(select(Team.ticket_counter).where(Team.id == team_id)) == 20


async def test_json_settings_track_in_place_changes(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory.begin() as session:
        team = Team(name="South")
        session.add(team)
    async with session_factory.begin() as session:
        loaded = await session.get_one(Team, team.id)
        loaded.settings["digest_time"] = "18:00"

    async with session_factory() as session:
        assert (await session.get_one(Team, team.id)).settings == {"digest_time": "18:00"}
