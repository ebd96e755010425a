"""Alembic owns the schema: it builds every table, tears them down, and agrees with the models."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, Connection, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from storage import migrate
from storage.models import Base

HEAD = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


async def table_names(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def schema_differences(url: str) -> list[Any]:
    """What autogenerate would put in a new revision: empty when models and database agree."""

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, Base.metadata))

    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


async def test_an_empty_database_is_pending(db_url: str) -> None:
    assert await migrate.current_revision(db_url) is None
    assert await migrate.pending(db_url)


async def test_upgrade_creates_every_table(db_url: str) -> None:
    await migrate.upgrade(db_url)

    assert await table_names(db_url) == set(Base.metadata.tables) | {"alembic_version"}
    assert await migrate.current_revision(db_url) == HEAD
    assert not await migrate.pending(db_url)


async def test_upgrade_twice_is_a_no_op(db_url: str) -> None:
    await migrate.upgrade(db_url)
    await migrate.upgrade(db_url)

    assert await migrate.current_revision(db_url) == HEAD


async def test_downgrade_to_base_and_back(db_url: str) -> None:
    await migrate.upgrade(db_url)

    await migrate.downgrade(db_url, "base")
    assert await table_names(db_url) == {"alembic_version"}
    assert await migrate.current_revision(db_url) is None
    assert await migrate.pending(db_url)

    await migrate.upgrade(db_url)
    assert await table_names(db_url) == set(Base.metadata.tables) | {"alembic_version"}
    assert await schema_differences(db_url) == []


async def test_migrated_schema_matches_the_models(db_url: str) -> None:
    await migrate.upgrade(db_url)

    assert await schema_differences(db_url) == []


async def test_check_constraints_match_the_models(db_url: str) -> None:
    """Autogenerate does not compare CHECKs, so compare them here: by name, and on SQLite
    (which keeps the text as written) by text too."""
    await migrate.upgrade(db_url)
    expected = {
        (table.name, str(check.name)): str(check.sqltext)
        for table in Base.metadata.sorted_tables
        for check in table.constraints
        if isinstance(check, CheckConstraint)
    }

    def reflect(connection: Connection) -> dict[tuple[str, str], str]:
        inspector = inspect(connection)
        return {
            (table, str(check["name"])): check["sqltext"]
            for table in Base.metadata.tables
            for check in inspector.get_check_constraints(table)
        }

    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as connection:
            reflected = await connection.run_sync(reflect)
    finally:
        await engine.dispose()

    assert reflected.keys() == expected.keys()
    if db_url.startswith("sqlite"):
        assert reflected == expected


async def test_the_comparison_sees_a_missing_schema(db_url: str) -> None:
    """Guards the test above: on an empty database every table must show up as missing."""
    added = {diff[1].name for diff in await schema_differences(db_url) if diff[0] == "add_table"}

    assert added == set(Base.metadata.tables)


async def test_replicas_migrating_together_take_turns(db_url: str) -> None:
    await asyncio.gather(migrate.upgrade(db_url), migrate.upgrade(db_url))

    assert await migrate.current_revision(db_url) == HEAD
