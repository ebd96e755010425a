"""A TCP proxy in front of PostgreSQL that can be cut and restored: a database outage as the bot sees it."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from sqlalchemy.engine import make_url

CHUNK = 65_536


class DatabaseLink:
    """Forwards connections to the database while up; when cut, drops them all and refuses new ones."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self._upstream = (url.host or "127.0.0.1", url.port or 5432)
        self._url = url
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.up = True

    @property
    def url(self) -> str:
        """The database URL through the proxy."""
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return self._url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def stop(self) -> None:
        await self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def cut(self) -> None:
        self.up = False
        for writer in list(self._writers):
            writer.close()
        for task in list(self._pipes):
            task.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    def restore(self) -> None:
        self.up = True

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        self._writers.update((writer, up_writer))
        for source, target in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, target))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(self, source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
        try:
            while chunk := await source.read(CHUNK):
                target.write(chunk)
                await target.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(target)
            with suppress(ConnectionError, OSError, RuntimeError):
                target.close()
