"""The database goes away and comes back (PostgreSQL behind a proxy that can be cut).

Users are told, in their language, to try again shortly; the bot reconnects by itself. A polling
leader that loses its lock stops polling and polls again once it leads, without exiting. In webhook
mode an update that arrives meanwhile is refused with 503, so Telegram keeps it and delivers it
again once the database is back: its sender is told once (not once per redelivery), and the update
is processed once.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.domain.enums import InboxStatus
from bot.runtime.leader import LEADERSHIP_KEY, Leadership
from sandbox import SandboxClient, SandboxServer
from sandbox.factories import REP_TG, count, person, plant_button, sales_team
from sandbox.harness import (
    ADMIN_ID,
    TOKEN,
    Harness,
    Person,
    fieldcrm_run,
    running_bot,
    settings_for,
    webhook_bot,
)
from storage.models import Inbox
from tests.support.outage import DatabaseLink

UNAVAILABLE = {
    "en": "FieldCRM is temporarily unavailable. Please try again in a minute.",
    "zh-hans": "FieldCRM 暂时无法使用，请一分钟后再试。",
}
LOCALE = {"en": "en", "zh-hans": "zh_Hans"}
# Guards against a hang only: every wait below ends on an event long before this.
LIMIT = 60.0
STEP = 0.02


async def _until(condition: Callable[[], bool | Awaitable[bool]]) -> None:
    for _ in range(int(LIMIT / STEP)):
        held = condition()
        if await held if inspect.isawaitable(held) else held:
            return
        await asyncio.sleep(STEP)
    raise AssertionError("gave up waiting")


async def _new_replies(who: Person, before: int) -> list[str]:
    async def arrived() -> bool:
        return len(await who.replies()) > before

    await _until(arrived)
    return [reply.text for reply in (await who.replies())[before:]]


@pytest.fixture
async def link(postgres_database: str) -> AsyncIterator[DatabaseLink]:
    proxy = DatabaseLink(postgres_database)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
async def test_users_are_told_to_retry_and_the_bot_reconnects_by_itself(
    sandbox: SandboxServer, database_url: str, link: DatabaseLink, language: str
) -> None:
    async with running_bot(settings_for(sandbox, link.url), sandbox) as bot:
        await sales_team(bot)
        rep = await bot.person(REP_TG, "Ravi", language_code=language)
        assert "/today" in (await rep.send("/help")).text

        await link.cut()
        assert (await rep.send("/today")).text == UNAVAILABLE[language]

        link.restore()
        back = await rep.send("/help")
        assert "/today" in back.text


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_polling_leader_cut_off_from_its_database_polls_again_when_it_is_back(
    sandbox: SandboxServer, database_url: str, link: DatabaseLink
) -> None:
    async with running_bot(settings_for(sandbox, link.url, leader_poll_seconds=0.2), sandbox) as bot:
        await sales_team(bot)
        rep = await person(bot, REP_TG)
        leadership = bot.app.bot_data[LEADERSHIP_KEY]
        assert isinstance(leadership, Leadership)
        assert leadership.is_leader
        updater = bot.app.updater
        assert updater is not None

        await link.cut()
        # It may no longer hold the lock, and another replica may be polling now: it stops polling.
        await _until(lambda: not leadership.is_leader and not updater.running)
        assert bot.app.running
        before = len(await rep.replies())
        update_id = await rep.account.send("/help")

        link.restore()
        await asyncio.wait_for(leadership.elected.wait(), LIMIT)
        await rep._settle(update_id)
        replies = await _new_replies(rep, before)
        assert len(replies) == 1
        assert "/today" in replies[0]
        assert updater.running
        assert bot.app.running
        assert "/today" in (await rep.send("/help")).text


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_fieldcrm_run_outlives_a_database_outage_and_exits_0_only_when_told_to(
    sandbox: SandboxServer, database_url: str, link: DatabaseLink, tmp_path: Path
) -> None:
    process = await fieldcrm_run(sandbox, link.url, tmp_path, LEADER_POLL_SECONDS="0.2", LOG_LEVEL="INFO")
    lines: list[str] = []

    async def collect() -> None:
        assert process.stderr is not None
        async for raw in process.stderr:
            lines.append(raw.decode(errors="replace"))

    reader = asyncio.create_task(collect())

    async def logged(needle: str) -> None:
        """Until the process logs `needle`; fails at once if it exits first."""
        await _until(lambda: reader.done() or any(needle in line for line in lines))
        assert any(needle in line for line in lines), "".join(lines)

    try:
        await logged("ready")
        async with SandboxClient(sandbox.url, TOKEN) as client:
            admin = await client.user(ADMIN_ID, first_name="Ada", language_code="en")
            await client.wait_delivered(await admin.send("/start"), timeout=LIMIT)
            answered = len(await admin.bot_messages())

            await link.cut()
            await logged("polling paused")
            link.restore()
            await logged("polling resumed")

            await client.wait_delivered(await admin.send("/help"), timeout=LIMIT)

            async def answered_again() -> bool:
                return len(await admin.bot_messages()) > answered

            await _until(answered_again)
        assert process.returncode is None
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), LIMIT)
        await reader
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        reader.cancel()
    assert code == 0, "".join(lines)
    assert "shutdown complete" in lines[-1], "".join(lines)


def _refusals(caplog: pytest.LogCaptureFixture) -> int:
    return sum("update not stored" in record.getMessage() for record in caplog.records)


async def _webhook_rep(bot: Harness, language: str) -> Person:
    await sales_team(bot, rep_locale=LOCALE[language])
    return await person(bot, REP_TG, chinese=language == "zh-hans")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
async def test_a_webhook_user_is_told_once_during_the_outage_and_answered_once_after_it(
    sandbox: SandboxServer,
    database_url: str,
    link: DatabaseLink,
    language: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.runtime.http")
    async with webhook_bot(sandbox, link.url) as bot:
        rep = await _webhook_rep(bot, language)
        before = len(await rep.replies())

        await link.cut()
        update_id = await rep.account.send("/help")
        assert await _new_replies(rep, before) == [UNAVAILABLE[language]]
        # Telegram keeps delivering the refused update: told once, not once per delivery.
        told = len(await rep.replies())
        await _until(lambda: _refusals(caplog) >= 4)
        assert len(await rep.replies()) == told
        assert (await bot.client.update(update_id))["status"] == "pending"

        link.restore()
        await rep._settle(update_id)
        replies = await rep.replies()
        assert len(replies) == told + 1
        assert "/today" in replies[-1].text
        assert await count(bot, Inbox, update_id=update_id, status=InboxStatus.DONE) == 1

        # A later outage is a new one: the same person is told again.
        await link.cut()
        await rep.account.send("/help")
        assert await _new_replies(rep, told + 1) == [UNAVAILABLE[language]]
        link.restore()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_button_pressed_during_the_outage_gets_the_line_as_its_answer(
    sandbox: SandboxServer, database_url: str, link: DatabaseLink
) -> None:
    async with webhook_bot(sandbox, link.url) as bot:
        rep = await _webhook_rep(bot, "zh-hans")
        await plant_button(bot, rep, "Open", "cust:open:1")

        await link.cut()
        update_id = await rep.account.press("Open")

        async def answered() -> bool:
            return await rep.account.callback_answer(update_id) is not None

        await _until(answered)
        answer = await rep.account.callback_answer(update_id)
        assert answer is not None
        assert answer["text"] == UNAVAILABLE["zh-hans"]

        link.restore()
        await rep._settle(update_id)
        assert await count(bot, Inbox, update_id=update_id, status=InboxStatus.DONE) == 1
