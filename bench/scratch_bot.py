"""The real bot polling a fresh sandbox on a scratch database, for benches that act as users."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bench.database import scratch_database
from sandbox import SandboxServer
from sandbox.harness import Harness, running_bot, settings_for


@asynccontextmanager
async def scratch_bot(backend: str, *, postgres_url: str, **overrides: object) -> AsyncIterator[Harness]:
    """The bot with these settings, on an empty `backend` database; all of it gone on exit."""
    server = SandboxServer()
    await server.start()
    try:
        async with (
            scratch_database(backend, postgres_url=postgres_url) as url,
            running_bot(settings_for(server, url, **overrides), server) as bot,
        ):
            yield bot
    finally:
        await server.stop()
