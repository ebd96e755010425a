"""The database goes away and comes back (PostgreSQL behind a proxy that can be cut).

Users are told, in their language, to try again shortly; the bot reconnects by itself; and in
webhook mode an update that arrives meanwhile is refused with 503, so Telegram keeps it and
delivers it again once the database is back: nothing accepted is lost.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox import SandboxServer
from tests.factories import REP_TG, person, sales_team
from tests.harness import running_bot, settings_for, webhook_bot
from tests.outage import DatabaseLink

UNAVAILABLE = {
    "en": "FieldCRM is temporarily unavailable. Please try again in a minute.",
    "zh-hans": "FieldCRM 暂时无法使用，请一分钟后再试。",
}


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
async def test_a_webhook_update_sent_during_the_outage_is_answered_after_it(
    sandbox: SandboxServer, database_url: str, link: DatabaseLink
) -> None:
    async with webhook_bot(sandbox, link.url) as bot:
        await sales_team(bot)
        rep = await person(bot, REP_TG)
        before = len(await rep.replies())

        await link.cut()
        update_id = await rep.account.send("/help")
        status = await bot.client.update(update_id, wait=1.0)
        assert status["status"] == "pending"
        assert len(await rep.replies()) == before

        link.restore()
        await rep._settle(update_id)
        replies = await rep.replies()
        assert len(replies) == before + 1
        assert "/today" in replies[-1].text
