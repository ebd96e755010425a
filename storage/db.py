"""Engine and session factory: one place that knows how SQLite and PostgreSQL differ."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, pool
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000
WAL_PRAGMA = "PRAGMA journal_mode = WAL"


def utcnow() -> datetime:
    """The current instant, aware and in UTC: the only kind of datetime the database takes."""
    return datetime.now(UTC)


def is_sqlite(target: str | URL | AsyncEngine | AsyncConnection | Engine | Connection) -> bool:
    """True for a SQLite URL, engine or connection, where locking and DDL need special care."""
    if isinstance(target, str | URL):
        return make_url(target).get_backend_name() == "sqlite"
    return target.dialect.name == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An AsyncEngine tuned for the backend; nothing is connected until first use."""
    sa_url = make_url(url)
    if not is_sqlite(sa_url):
        return create_async_engine(
            sa_url,
            echo=echo,
            pool_size=5,
            max_overflow=10,
            pool_timeout=30,
            pool_recycle=1800,
            pool_pre_ping=True,
            # Errors then show the SQL without its values, which may be phone numbers.
            hide_parameters=True,
        )
    return _sqlite_engine(sa_url, echo=echo, foreign_keys=True)


def create_migration_engine(url: str) -> AsyncEngine:
    """A pool-less engine for Alembic.

    On SQLite, foreign keys stay off (batch mode drops and recreates tables, which would
    cascade) and the whole run is one BEGIN IMMEDIATE transaction, so a failed migration
    leaves nothing half done and a second migrator waits for the first.
    """
    sa_url = make_url(url)
    if not is_sqlite(sa_url):
        return create_async_engine(sa_url, poolclass=pool.NullPool)
    return _sqlite_engine(sa_url, echo=False, foreign_keys=False, poolclass=pool.NullPool)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit, as handlers render them afterwards."""
    return async_sessionmaker(engine, expire_on_commit=False)


def ensure_sqlite_directory(url: str | URL) -> None:
    """Create the folder of a SQLite file, so `data/fieldcrm.db` works on a fresh checkout."""
    sa_url = make_url(url)
    database = sa_url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_engine(url: URL, *, echo: bool, foreign_keys: bool, **options: Any) -> AsyncEngine:
    ensure_sqlite_directory(url)
    engine = create_async_engine(url, echo=echo, hide_parameters=True, **options)
    pragmas = [
        # First: a connection waits for a lock instead of failing at once, and switching to WAL
        # below needs one while another process may be migrating the same file.
        f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
        f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}",
        # Readers do not block the writer; NORMAL is durable enough with WAL.
        WAL_PRAGMA,
        "PRAGMA synchronous = NORMAL",
    ]

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 driver (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            try:
                cursor.execute(pragma)
            except Exception as error:
                # Two processes opening a new file at once both try to switch it to WAL, and the
                # loser is refused without waiting. The winner's switch is permanent; this
                # connection works in the old journal mode meanwhile, correctly, just less
                # concurrently. Anything else is a real failure.
                if pragma != WAL_PRAGMA or "locked" not in str(error):
                    raise
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Connection) -> None:
        # The driver's implicit, deferred BEGIN breaks SAVEPOINT and lets a transaction
        # that read first fail with "database is locked" when it later writes. BEGIN
        # IMMEDIATE takes the write lock up front; concurrent units of work queue on
        # busy_timeout instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
