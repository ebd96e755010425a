"""/healthz, /readyz and /metrics on the bot's HTTP server, which runs in polling mode too."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
from telegram import Bot

from bot.outbox.sender import OutboxSender
from bot.runtime import http
from bot.runtime.app import build_application
from bot.runtime.metrics import Metrics
from sandbox import SandboxClient, SandboxServer
from sandbox.harness import ADMIN_ID, TOKEN, Harness, settings_for
from storage.db import create_engine, create_session_factory
from storage.queries import outbox

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


def base(bot: Harness) -> str:
    server = bot.app.bot_data[http.SERVER_KEY]
    assert isinstance(server, http.HttpServer)
    return f"http://127.0.0.1:{server.port}"


def sample(text: str, name: str) -> float:
    """The value of one unlabelled sample in Prometheus text."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


async def test_healthz_and_readyz_answer_while_polling(bot: Harness) -> None:
    async with aiohttp.ClientSession() as client:
        async with client.get(base(bot) + "/healthz") as health:
            assert health.status == 200
            assert await health.text() == "ok"
        async with client.get(base(bot) + "/readyz") as ready:
            assert ready.status == 200
            body = await ready.json()
    assert body == {"database": "ok", "role": "leader", "outbox_lag_seconds": 0.0, "inbox_pending": 0}


async def test_readyz_reports_standby_when_not_leading(bot: Harness) -> None:
    bot.app.metrics.set_leader(False)
    async with aiohttp.ClientSession() as client, client.get(base(bot) + "/readyz") as ready:
        assert (await ready.json())["role"] == "standby"
    async with aiohttp.ClientSession() as client, client.get(base(bot) + "/metrics") as metrics:
        assert sample(await metrics.text(), "fieldcrm_leader") == 0


async def test_readyz_is_503_when_the_database_is_unreachable(sandbox: SandboxServer) -> None:
    settings = settings_for(sandbox, "postgresql+asyncpg://nobody@127.0.0.1:9/nowhere")
    application = build_application(settings)
    server = await http.start(application)
    try:
        async with aiohttp.ClientSession() as client:
            async with client.get(f"http://127.0.0.1:{server.port}/readyz") as ready:
                assert ready.status == 503
                assert (await ready.json())["database"] == "unreachable"
            async with client.get(f"http://127.0.0.1:{server.port}/healthz") as health:
                assert health.status == 200
    finally:
        await http.stop(application)
        await application.engine.dispose()


async def test_metrics_count_updates_and_show_every_figure(bot: Harness) -> None:
    async with aiohttp.ClientSession() as client, client.get(base(bot) + "/metrics") as before:
        first = await before.text()
    person = await bot.person(ADMIN_ID, "Ada")
    await person.send("/help")
    await person.send("/help")
    async with aiohttp.ClientSession() as client, client.get(base(bot) + "/metrics") as after:
        assert after.status == 200
        text = await after.text()
    assert (
        sample(text, "fieldcrm_updates_processed_total")
        == sample(first, "fieldcrm_updates_processed_total") + 2
    )
    assert sample(text, "fieldcrm_handler_latency_seconds_count") == 2
    assert sample(text, "fieldcrm_updates_failed_total") == 0
    assert sample(text, "fieldcrm_inbox_depth") == 0
    assert sample(text, "fieldcrm_outbox_depth") == 0
    assert sample(text, "fieldcrm_leader") == 1
    for result in ("ok", "429", "403", "5xx", "other"):
        assert f'fieldcrm_outbox_sends_total{{result="{result}"}}' in text


async def test_sends_are_counted_by_result(sandbox: SandboxServer, database_url: str) -> None:
    metrics = Metrics()
    engine = create_engine(database_url)
    db = create_session_factory(engine)
    try:
        async with (
            SandboxClient(sandbox.url, TOKEN) as client,
            Bot(TOKEN, base_url=f"{sandbox.url}/bot") as bot,
        ):
            sender = OutboxSender(bot, db)
            sender.metrics = metrics
            for chat_id in (601, 602, 603, 604):
                await (await client.user(chat_id, first_name="Wen")).send("hello")
            blocked = await client.user(605, first_name="Wen")
            await blocked.send("hello")
            await blocked.block()
            async with db.begin() as session:
                for chat_id in (601, 602, 603, 604, 605):
                    await outbox.enqueue(
                        session,
                        dedupe_key=f"probe:{chat_id}",
                        chat_id=chat_id,
                        kind="test",
                        payload={"method": "sendMessage", "params": {"text": "hi"}},
                        now=T0,
                    )
            await client.inject_fault("sendMessage", status=429, retry_after=30)
            await client.inject_fault("sendMessage", status=502)
            await sender.drain(now=T0)
    finally:
        await engine.dispose()
    text = metrics.render().decode()
    counts = {result: _labelled(text, result) for result in ("ok", "429", "403", "5xx", "other")}
    assert counts == {"ok": 2, "429": 1, "403": 1, "5xx": 1, "other": 0}


def _labelled(text: str, result: str) -> float:
    return sample(text, f'fieldcrm_outbox_sends_total{{result="{result}"}}')
