"""Webhook mode through real HTTP: the sandbox delivers to the bot's endpoint, the inbox keeps it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import InboxStatus
from bot.runtime import webhook
from bot.runtime.context import CrmApplication
from bot.runtime.settings import SettingsError, load_settings
from sandbox import SandboxClient, SandboxServer, harness
from sandbox.harness import ADMIN_ID, TOKEN, WEBHOOK_SECRET, inbox_processed
from storage.models import Inbox
from storage.queries import inbox as inbox_queries
from tests.support.cli import fieldcrm

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}


@asynccontextmanager
async def webhook_app(sandbox: SandboxServer, database_url: str) -> AsyncIterator[CrmApplication]:
    async with harness.webhook_bot(sandbox, database_url, webhook_max_body=4096) as bot:
        yield bot.app


def endpoint(app: CrmApplication) -> str:
    return webhook.hook_url(app)


def update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    sender = {"id": user_id, "is_bot": False, "first_name": "Ada", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Ada"},
            "from": sender,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_a_message_comes_in_by_webhook_and_is_answered(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with webhook_app(sandbox, database_url) as app, SandboxClient(sandbox.url, TOKEN) as client:
        info = await app.bot.get_webhook_info()
        assert info.url == endpoint(app)
        user = await client.user(ADMIN_ID, first_name="Ada", language_code="en")
        update_id = await user.send("/help")
        await client.wait_delivered(update_id)
        row = await inbox_processed(app, update_id)
        assert row.status == InboxStatus.DONE
        assert row.chat_id == user.chat_id
        replies = await user.bot_messages()
        assert len(replies) == 1
        assert "I am FieldCRM" in replies[0].content


async def test_the_secret_size_and_shape_are_checked(sandbox: SandboxServer, database_url: str) -> None:
    async with webhook_app(sandbox, database_url) as app, aiohttp.ClientSession() as http:
        url = endpoint(app)
        body = update(1, 4242, "/help")
        async with http.post(url, json=body) as missing:
            assert missing.status == 403
        async with http.post(
            url, json=body, headers={**HEADERS, "X-Telegram-Bot-Api-Secret-Token": "nope"}
        ) as wrong:
            assert wrong.status == 403
        big = {**body, "padding": "x" * 5000}
        async with http.post(url, data=json.dumps(big), headers=HEADERS) as oversized:
            assert oversized.status == 413
        async with http.post(url, data=b"{not json", headers=HEADERS) as malformed:
            assert malformed.status == 400
        async with http.post(url, json={"update_id": "7"}, headers=HEADERS) as no_id:
            assert no_id.status == 400
        async with http.post(url, json=[1, 2], headers=HEADERS) as not_object:
            assert not_object.status == 400
        async with app.db() as session:
            assert await session.scalar(select(func.count()).select_from(Inbox)) == 0


async def test_a_redelivered_update_is_stored_and_processed_once(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with webhook_app(sandbox, database_url) as app, SandboxClient(sandbox.url, TOKEN) as client:
        user = await client.user(ADMIN_ID, first_name="Ada", language_code="en")
        update_id = await user.send("/help")
        await client.wait_delivered(update_id)
        first = await inbox_processed(app, update_id)
        async with aiohttp.ClientSession() as http:
            for _ in range(2):
                async with http.post(endpoint(app), json=first.payload, headers=HEADERS) as response:
                    assert response.status == 200
        async with app.db() as session:
            assert await session.scalar(select(func.count()).select_from(Inbox)) == 1
            row = await session.get(Inbox, update_id)
        assert row is not None
        assert row.status == InboxStatus.DONE
        assert row.attempts == 1
        assert len(await user.bot_messages()) == 1


async def test_an_interrupted_update_is_processed_again_on_restart(
    sandbox: SandboxServer, database_url: str
) -> None:
    async with webhook_app(sandbox, database_url) as app, SandboxClient(sandbox.url, TOKEN) as client:
        user = await client.user(ADMIN_ID, first_name="Ada", language_code="en")
        await webhook.stop_processing(app)
        update_id = await user.send("/help")
        await client.wait_delivered(update_id)
        async with app.db.begin() as session:
            row = await session.get(Inbox, update_id)
            assert row is not None
            assert row.status == InboxStatus.PENDING
            # As a process killed mid-update leaves it.
            row.status = InboxStatus.PROCESSING
            row.attempts = 1
        await webhook.start_processing(app)
        row = await inbox_processed(app, update_id)
        assert row.status == InboxStatus.DONE
        assert row.attempts == 2
        assert len(await user.bot_messages()) == 1


@pytest.mark.parametrize("value", ["has space", "x" * 257, "ünï"])
def test_a_webhook_secret_telegram_would_refuse_is_a_configuration_error(value: str) -> None:
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings(_env_file=None, webhook_url="https://bot.example.com", webhook_secret=value)


def test_a_webhook_url_needs_a_secret() -> None:
    with pytest.raises(SettingsError, match=r"^WEBHOOK_SECRET: required when WEBHOOK_URL is set$"):
        load_settings(_env_file=None, webhook_url="https://bot.example.com")


def test_run_webhook_without_a_url_names_the_setting(tmp_path: Path) -> None:
    result = fieldcrm("run", "--webhook", env={"BOT_TOKEN": "1:abcdefghijkl"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "fieldcrm: configuration error: WEBHOOK_URL: required for --webhook "
        "(the public https:// URL of this server)"
    ]


async def test_an_update_whose_row_could_not_be_closed_is_processed_again_without_a_restart(
    sandbox: SandboxServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database fails just as the row is marked done: the processor puts it back by itself."""
    real = inbox_queries.mark_done
    failures: list[int] = []

    async def flaky(session: AsyncSession, **kwargs: Any) -> None:
        if not failures:
            failures.append(kwargs["update_id"])
            raise OperationalError("UPDATE inbox", {}, ConnectionResetError("connection lost"))
        await real(session, **kwargs)

    monkeypatch.setattr(inbox_queries, "mark_done", flaky)
    async with webhook_app(sandbox, database_url) as app, SandboxClient(sandbox.url, TOKEN) as client:
        user = await client.user(ADMIN_ID, first_name="Ada", language_code="en")
        update_id = await user.send("/help")
        await client.wait_delivered(update_id)
        row = await inbox_processed(app, update_id)
        assert failures == [update_id]
        assert (row.status, row.attempts) == (InboxStatus.DONE, 2)


def _nested(depth: int) -> bytes:
    return b'{"update_id": 1, "padding": ' + b"[" * depth + b"]" * depth + b"}"


def _message_with(**fields: object) -> dict[str, object]:
    body = update(1, 4242, "/help")
    message = body["message"]
    assert isinstance(message, dict)
    return {**body, "message": {**message, **fields}}


HOSTILE_BODIES: dict[str, bytes] = {
    "update_id 2^70": json.dumps({"update_id": 2**70}).encode(),
    "update_id 2^31": json.dumps(update(2**31, 4242, "/help")).encode(),
    "negative update_id": json.dumps(update(-1, 4242, "/help")).encode(),
    "update_id true": json.dumps({"update_id": True}).encode(),
    "update_id 1.5": json.dumps({"update_id": 1.5}).encode(),
    "nested 20,000 deep": _nested(20_000),
    "nested 100 deep": _nested(100),
    "chat id 2^70": json.dumps(_message_with(chat={"id": 2**70, "type": "private"})).encode(),
    "a 5,000-digit number": b'{"update_id": 1, "n": 1' + b"0" * 5000 + b"}",
    "NaN": b'{"update_id": 1, "n": NaN}',
    "a message that is text": json.dumps({"update_id": 1, "message": "hi"}).encode(),
    "a date no calendar holds": json.dumps(_message_with(date=2**62)).encode(),
    "a string": b'"update"',
    "null": b"null",
    "a number": b"42",
    "bytes that are not UTF-8": b'{"update_id": 1, "x": "\xff\xfe"}',
}


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
async def test_json_that_is_not_an_update_gets_400_and_no_traceback(
    sandbox: SandboxServer, database_url: str, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with (
        harness.webhook_bot(sandbox, database_url, webhook_max_body=1_048_576) as bot,
        aiohttp.ClientSession() as http,
    ):
        async with http.post(endpoint(bot.app), data=HOSTILE_BODIES[name], headers=HEADERS) as response:
            assert response.status == 400
            assert await response.text() == "not a Telegram update"
        user = await bot.client.user(ADMIN_ID, first_name="Ada", language_code="en")
        update_id = await user.send("/help")
        await bot.client.wait_delivered(update_id)
        await inbox_processed(bot.app, update_id)
        assert "I am FieldCRM" in (await user.last_message()).content, "real updates still come in"
        async with bot.app.db() as session:
            assert await session.scalar(select(func.count()).select_from(Inbox)) == 1
    assert not [r for r in caplog.records if r.exc_info], "no traceback in the log"


async def test_a_body_over_the_limit_is_refused_even_without_a_length(
    sandbox: SandboxServer, database_url: str
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"update_id": 1, "padding": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    async with webhook_app(sandbox, database_url) as app, aiohttp.ClientSession() as http:
        async with http.post(endpoint(app), data=chunks(), headers=HEADERS) as chunked:
            assert chunked.status == 413
        async with app.db() as session:
            assert await session.scalar(select(func.count()).select_from(Inbox)) == 0
