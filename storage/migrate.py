"""Run Alembic from async code: at bot startup, in tests, from the CLI.

Alembic's commands are synchronous; each function here opens an async connection and
hands its sync face to env.py through `config.attributes["connection"]`, so it works
inside an already-running event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from storage.db import create_migration_engine

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")

# Any constant will do, as long as replicas agree on it and it is not the leader's key
# (bot.runtime.leader.LOCK_KEY): a replica must be able to migrate while another one leads.
MIGRATION_LOCK_ID = 0x46_43_52_4D_4D_49_47_52  # "FCRMMIGR"

T = TypeVar("T")


def alembic_config(connection: Connection | None = None) -> Config:
    """The project's Alembic config, optionally bound to an open connection."""
    config = Config(str(ALEMBIC_INI))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`."""

    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    await _run(url, run)


async def downgrade(url: str, revision: str) -> None:
    """Take the database at `url` down to `revision` ("base" drops everything)."""

    def run(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), revision)

    await _run(url, run)


async def current_revision(url: str) -> str | None:
    """The revision the database is at; None for an empty database."""
    return await _run(url, lambda connection: MigrationContext.configure(connection).get_current_revision())


async def pending(url: str) -> bool:
    """Whether the database is behind the migration scripts."""

    def behind(connection: Connection) -> bool:
        heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
        return set(MigrationContext.configure(connection).get_current_heads()) != heads

    return await _run(url, behind)


async def _run(url: str, fn: Callable[[Connection], T]) -> T:
    """Run `fn` with a sync connection, in one transaction, on a throwaway engine."""
    engine = create_migration_engine(url)
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Replicas starting together take turns; the second finds nothing to do.
                await connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            return await connection.run_sync(fn)
    finally:
        await engine.dispose()
