"""Every storage test runs twice: on a SQLite file and on a fresh PostgreSQL database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from sandbox.databases import (
    create_test_database,
    drop_test_database,
    postgres_admin_url,
    postgres_unavailable,
)
from storage import migrate
from storage.db import create_engine, create_session_factory


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """The URL of an empty database, made for this test and removed after it."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'fieldcrm.db'}"
        return
    admin_url = postgres_admin_url()
    if admin_url is None:
        postgres_unavailable("TEST_POSTGRES_URL not set")
    try:
        url = await create_test_database(admin_url)
    except (OSError, SQLAlchemyError) as exc:
        postgres_unavailable(f"PostgreSQL unreachable via TEST_POSTGRES_URL: {exc}")
    try:
        yield url
    finally:
        await drop_test_database(admin_url, url)


@pytest.fixture
async def migrated_url(db_url: str) -> str:
    """The same database, upgraded to the latest revision."""
    await migrate.upgrade(db_url)
    return db_url


@pytest.fixture
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(migrated_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)
