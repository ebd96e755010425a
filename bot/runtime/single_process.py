"""One process per SQLite file: a second `fieldcrm run` on the same file refuses to start.

SQLite has no advisory locks across processes that die with their holder, so the process takes an
exclusive flock on "<database file>.lock" for its whole life; the kernel drops it on exit, crash
or SIGKILL included. PostgreSQL needs none of this: replicas share it and elect a leader.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url


class AlreadyRunning(Exception):
    """Another process holds the database file; the message names it in one line."""


def lock_path(database_url: str) -> Path | None:
    """The lock file of a SQLite database file; None for PostgreSQL and in-memory databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database + ".lock")


def hold(database_url: str) -> IO[str] | None:
    """Take the lock for the life of the process; keep the returned file open (closing releases it)."""
    path = lock_path(database_url)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        database = path.with_suffix("")
        raise AlreadyRunning(
            f"another fieldcrm process is already running on {database} (it holds {path}); "
            "stop it first, or use PostgreSQL to run several replicas"
        ) from None
    return handle
