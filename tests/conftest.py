"""Fixtures for tests that run the bot: a sandbox Bot API and a migrated database per backend.

The schema is migrated once per run and backend; each test then gets a copy (SQLite) or an
emptied database (PostgreSQL), which keeps the suite fast without sharing state between tests.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from sandbox import SandboxServer
from sandbox.databases import (
    create_test_database,
    drop_test_database,
    postgres_admin_url,
    postgres_unavailable,
)
from sandbox.harness import Harness, running_bot, settings_for
from storage import migrate
from storage.db import create_engine
from storage.models import Base


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "fieldcrm.db"
    asyncio.run(migrate.upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    admin_url = postgres_admin_url()
    if admin_url is None:
        postgres_unavailable("TEST_POSTGRES_URL not set")
    try:
        url = asyncio.run(create_test_database(admin_url))
    except (OSError, SQLAlchemyError) as exc:
        postgres_unavailable(f"PostgreSQL unreachable via TEST_POSTGRES_URL: {exc}")
    try:
        asyncio.run(migrate.upgrade(url))
        yield url
    finally:
        asyncio.run(drop_test_database(admin_url, url))


async def _empty(url: str) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each backend."""
    if request.param == "sqlite":
        copy = tmp_path / "fieldcrm.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), copy)
        return f"sqlite+aiosqlite:///{copy}"
    url: str = request.getfixturevalue("postgres_database")
    asyncio.run(_empty(url))
    return url


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    server = SandboxServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def bot(sandbox: SandboxServer, database_url: str) -> AsyncIterator[Harness]:
    """The application polling the sandbox, on each backend."""
    async with running_bot(settings_for(sandbox, database_url), sandbox) as harness:
        yield harness
