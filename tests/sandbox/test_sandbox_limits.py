"""Flood limits, injected faults and group migration: the failures retry code must survive."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, NetworkError, RetryAfter, TimedOut

from sandbox import FloodLimits, SandboxClient, SandboxServer, SandboxUser

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


async def test_per_chat_flood_limit_answers_429_with_retry_after(
    bot: Bot, server: SandboxServer, client: SandboxClient, ann: SandboxUser
) -> None:
    server.flood_limits = FloodLimits(
        global_per_second=None, per_chat_per_second=1, per_group_per_minute=None
    )

    await bot.send_message(ann.id, "first")
    with pytest.raises(RetryAfter, match="Retry in 1 seconds"):
        await bot.send_message(ann.id, "second")

    error = (await client.calls("sendMessage"))[-1]["error"]
    assert error["error_code"] == 429
    assert error["description"] == "Too Many Requests: retry after 1"
    assert error["parameters"] == {"retry_after": 1}


async def test_global_flood_limit_spans_chats(bot: Bot, server: SandboxServer, client: SandboxClient) -> None:
    users = [await client.user(2000 + n) for n in range(3)]
    for user in users:
        await user.send("/start")
    server.flood_limits = FloodLimits(
        global_per_second=2, per_chat_per_second=None, per_group_per_minute=None
    )

    await bot.send_message(users[0].id, "a")
    await bot.send_message(users[1].id, "b")
    with pytest.raises(RetryAfter):
        await bot.send_message(users[2].id, "c")


async def test_group_limit_is_per_minute(bot: Bot, server: SandboxServer, client: SandboxClient) -> None:
    user = await client.user(2100)
    await user.in_group(-700, title="Team").send("hi")
    server.flood_limits = FloodLimits(
        global_per_second=None, per_chat_per_second=None, per_group_per_minute=2
    )

    await bot.send_message(-700, "1")
    await bot.send_message(-700, "2")
    with pytest.raises(RetryAfter, match=r"Retry in ([2-9]|[1-6]\d) seconds"):
        await bot.send_message(-700, "3")


async def test_no_flood_limits_by_default(bot: Bot, ann: SandboxUser) -> None:
    for n in range(40):
        await bot.send_message(ann.id, f"burst {n}")


async def test_injected_502_is_a_network_error_and_then_clears(bot: Bot, server: SandboxServer) -> None:
    server.inject_fault("getMe", status=502, times=2)

    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.get_me()
    assert (await bot.get_me()).username == "FieldCrmBot"


async def test_faults_through_the_control_api(bot: Bot, client: SandboxClient, ann: SandboxUser) -> None:
    await client.inject_fault("sendMessage", status=429, retry_after=7)
    await client.inject_fault("sendmessage", status=400, description="Bad Request: injected")

    with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
        await bot.send_message(ann.id, "x")
    with pytest.raises(BadRequest, match="Injected"):
        await bot.send_message(ann.id, "x")
    await bot.send_message(ann.id, "x")


async def test_delay_fault_makes_the_client_time_out_but_the_send_happens(
    bot: Bot, server: SandboxServer, ann: SandboxUser
) -> None:
    server.inject_fault("sendMessage", status=0, delay=0.3)

    with pytest.raises(TimedOut):
        await bot.send_message(ann.id, "slow", read_timeout=0.05)

    reply = await ann.wait_reply(timeout=2)
    assert reply.text == "slow"


async def test_migrated_group_tells_the_new_chat_id(bot: Bot, client: SandboxClient) -> None:
    user = await client.user(2200)
    await user.in_group(-800, title="Old team").send("hi")
    await client.request("POST", "chats/-800/migrate", json={"to_chat_id": -1001234567890})

    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-800, "digest")

    assert caught.value.new_chat_id == -1001234567890
    sent = await bot.send_message(-1001234567890, "digest")
    assert sent.chat.type == "supergroup"
