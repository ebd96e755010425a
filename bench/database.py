"""A scratch database for a benchmark: migrated, empty, and gone afterwards.

SQLite lives in a temporary directory; PostgreSQL is a fresh database created through a URL allowed
to create and drop databases (TEST_POSTGRES_URL, as for the tests), so a run never touches real data.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sandbox.databases import create_test_database, drop_test_database
from storage import migrate

BACKENDS = ("sqlite", "postgresql")
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


@asynccontextmanager
async def scratch_database(backend: str, *, postgres_url: str) -> AsyncIterator[str]:
    """The URL of a migrated, empty database of `backend` that is dropped on exit."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
            await migrate.upgrade(url)
            yield url
        return
    url = await create_test_database(postgres_url)
    try:
        await migrate.upgrade(url)
        yield url
    finally:
        await drop_test_database(postgres_url, url)
