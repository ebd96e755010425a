"""Throwaway databases for tests: a fresh PostgreSQL database per use, so runs never collide.

Plain functions, no fixtures, so any conftest can build its own fixtures on them.
"""

from __future__ import annotations

import os
import uuid
from typing import NoReturn

import pytest
from sqlalchemy import pool
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

TEST_DATABASE_PREFIX = "fieldcrm_test_"
CONNECT_TIMEOUT_S = 10


def postgres_admin_url() -> str | None:
    """TEST_POSTGRES_URL: a PostgreSQL URL allowed to CREATE and DROP databases, if set."""
    return os.environ.get("TEST_POSTGRES_URL") or None


def postgres_required() -> bool:
    """CI sets CI_REQUIRE_POSTGRES=1 so that a missing PostgreSQL fails the run."""
    return os.environ.get("CI_REQUIRE_POSTGRES") == "1"


def postgres_unavailable(reason: str) -> NoReturn:
    """Skip the PostgreSQL variant of a test, or fail it when PostgreSQL is required."""
    if postgres_required():
        pytest.fail(f"{reason} (CI_REQUIRE_POSTGRES=1)", pytrace=False)
    pytest.skip(reason)


async def create_test_database(admin_url: str) -> str:
    """Create an empty, uniquely named database and return its URL."""
    name = f"{TEST_DATABASE_PREFIX}{uuid.uuid4().hex[:16]}"
    await _execute_outside_transaction(admin_url, f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_test_database(admin_url: str, url: str) -> None:
    """Drop a database made by create_test_database, even if connections were left open."""
    name = make_url(url).database
    if not name or not name.startswith(TEST_DATABASE_PREFIX):
        raise ValueError(f"refusing to drop {name!r}: not a test database")
    await _execute_outside_transaction(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _execute_outside_transaction(admin_url: str, sql: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    engine = create_async_engine(
        admin_url,
        isolation_level="AUTOCOMMIT",
        poolclass=pool.NullPool,
        connect_args={"timeout": CONNECT_TIMEOUT_S},
    )
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(sql)
    finally:
        await engine.dispose()
