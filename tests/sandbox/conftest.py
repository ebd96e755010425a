"""A sandbox server per test, a PTB Bot pointed at it, and the control client."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator, Callable

import pytest
from telegram import Bot, Message, Update

from sandbox import SandboxClient, SandboxServer, SandboxUser
from tests.support.sandbox_fixtures import Incoming, Pending

TOKEN = "123456789:AAH-sandbox_test_token"


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    async with SandboxServer() as running:
        yield running


@pytest.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=f"{server.url}/bot", base_file_url=f"{server.url}/file/bot") as ptb_bot:
        yield ptb_bot


@pytest.fixture
async def client(server: SandboxServer) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(server.url, TOKEN) as sandbox_client:
        yield sandbox_client


@pytest.fixture
async def ann(client: SandboxClient) -> SandboxUser:
    """A user who has started the bot (so it may write to her); her /start is already consumed."""
    user = await client.user(1001, first_name="Ann", username="ann", language_code="en")
    update_id = await user.send("/start")
    await client.bot_api("getUpdates", offset=update_id + 1)
    return user


@pytest.fixture
def pending(bot: Bot) -> Pending:
    """Fetches what is queued for the bot right now, without long polling."""

    async def fetch(offset: int | None = None) -> list[Update]:
        return list(await bot.get_updates(offset=offset, timeout=0))

    return fetch


@pytest.fixture
def incoming(pending: Pending) -> Incoming:
    """The messages users sent that are queued for the bot right now."""

    async def fetch() -> list[Message]:
        messages = [update.message for update in await pending()]
        assert all(messages), "every pending update should be a message"
        return [message for message in messages if message is not None]

    return fetch


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def make_png() -> Callable[[int, int], bytes]:
    return png
