"""Call and refusal counters: what a benchmark reads after thousands of calls have rotated the log."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from sandbox import FloodLimits, SandboxClient, SandboxServer, SandboxUser

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


async def test_counts_calls_by_method_and_refusals_by_status(
    bot: Bot, server: SandboxServer, client: SandboxClient, ann: SandboxUser
) -> None:
    before = await client.stats()
    server.flood_limits = FloodLimits(
        global_per_second=None, per_chat_per_second=1, per_group_per_minute=None
    )
    await bot.send_message(ann.id, "first")
    with pytest.raises(RetryAfter):
        await bot.send_message(ann.id, "second")
    after = await client.stats()
    assert after["calls"]["sendMessage"] - before["calls"].get("sendMessage", 0) == 2
    assert after["errors"]["429"] - before["errors"].get("429", 0) == 1
    assert [m.content for m in await ann.bot_messages()] == ["first"]


async def test_counts_survive_the_call_log_limit(bot: Bot, server: SandboxServer, ann: SandboxUser) -> None:
    state = server.bot(bot.token)
    state.calls = type(state.calls)(maxlen=2)
    for n in range(5):
        await bot.send_message(ann.id, f"n{n}")
    assert len(state.calls) == 2
    assert state.stats()["calls"]["sendMessage"] == 5
