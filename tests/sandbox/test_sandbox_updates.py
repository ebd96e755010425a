"""getMe, long polling, offsets, commands as entities, webhooks: the bot's inbound side."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, MessageEntity
from telegram.error import Conflict, EndPointNotFound, InvalidToken

from sandbox import SandboxClient, SandboxServer, SandboxUser
from tests.support.sandbox_fixtures import Incoming, Pending

WebhookReceiver = tuple[str, list[tuple[dict[str, object], str | None]], list[int]]


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert me.id == 123456789
    assert me.is_bot
    assert me.username == "FieldCrmBot"
    assert me.first_name == "FieldCRM"


async def test_malformed_token_is_unauthorized(server: SandboxServer) -> None:
    bad_bot = Bot("not-a-token", base_url=f"{server.url}/bot")
    try:
        with pytest.raises(InvalidToken):
            await bad_bot.initialize()
    finally:
        await bad_bot.shutdown()


async def test_unknown_method_is_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})


async def test_method_names_are_case_insensitive(server: SandboxServer, bot: Bot) -> None:
    url = f"{server.url}/bot{bot.token}/GETME"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        body = await response.json()

    assert body["ok"] is True
    assert body["result"]["username"] == "FieldCrmBot"


async def test_long_poll_returns_as_soon_as_an_update_arrives(bot: Bot, client: SandboxClient) -> None:
    user = await client.user(1001, first_name="Ann")
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0)

    update_id = await user.send("hello")
    updates = await asyncio.wait_for(poll, timeout=5)

    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].to_dict()["message"]
    assert message["text"] == "hello"
    assert message["chat"] == {"id": 1001, "type": "private", "first_name": "Ann"}
    assert message["from"]["first_name"] == "Ann"


async def test_offset_acknowledges_and_forgets_earlier_updates(
    bot: Bot, client: SandboxClient, pending: Pending
) -> None:
    user = await client.user(1001)
    first = await user.send("one")
    second = await user.send("two")

    assert [u.update_id for u in await pending()] == [first, second]
    assert (await client.update(first))["delivered"] is False

    assert [u.update_id for u in await pending(offset=second)] == [second]
    await client.wait_delivered(first, timeout=1)
    assert (await client.update(second))["delivered"] is False

    assert await pending(offset=second + 1) == []
    await client.wait_delivered(second, timeout=1)


async def test_wait_delivered_times_out_for_an_unread_update(client: SandboxClient) -> None:
    user = await client.user(1001)
    update_id = await user.send("nobody reads this")

    with pytest.raises(TimeoutError):
        await client.wait_delivered(update_id, timeout=0.05)


async def test_command_gets_a_bot_command_entity(bot: Bot, client: SandboxClient, incoming: Incoming) -> None:
    user = await client.user(1001)
    await user.send("/start@FieldCrmBot c_42")

    (message,) = await incoming()

    assert message.text == "/start@FieldCrmBot c_42"
    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 18),)
    assert message.parse_entities([MessageEntity.BOT_COMMAND]) == {message.entities[0]: "/start@FieldCrmBot"}


async def test_entity_offsets_count_utf16_code_units(
    bot: Bot, client: SandboxClient, incoming: Incoming
) -> None:
    user = await client.user(1001)
    await user.send("📈 /report weekly")

    (message,) = await incoming()

    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 3, 7),)
    assert message.parse_entity(message.entities[0]) == "/report"


async def test_user_location_contact_and_reply(
    bot: Bot, client: SandboxClient, ann: SandboxUser, incoming: Incoming
) -> None:
    sent = await bot.send_message(ann.id, "Where are you?")
    await ann.send_location(31.2304, 121.4737, horizontal_accuracy=25)
    await ann.send_contact("+8613800000000", first_name="Ann", user_id=ann.id)
    await ann.send("Here", reply_to=sent.message_id)

    location, contact, reply = [message.to_dict() for message in await incoming()]

    assert location["location"] == {"latitude": 31.2304, "longitude": 121.4737, "horizontal_accuracy": 25}
    assert contact["contact"] == {"phone_number": "+8613800000000", "first_name": "Ann", "user_id": ann.id}
    assert reply["reply_to_message"]["message_id"] == sent.message_id


async def test_group_message_carries_the_group_chat(
    bot: Bot, client: SandboxClient, incoming: Incoming
) -> None:
    user = await client.user(1001)
    group = user.in_group(-4001, title="Sales East")
    await group.send("/digest")

    (message,) = await incoming()

    assert (message.chat.id, message.chat.type, message.chat.title) == (-4001, "group", "Sales East")


async def test_second_poller_terminates_the_first(bot: Bot, client: SandboxClient) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.05)
    await client.bot_api("getUpdates", timeout=0)

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=5)


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    """A webhook endpoint recording updates and secret headers; answers with queued statuses."""
    received: list[tuple[dict[str, object], str | None]] = []
    statuses: list[int] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=statuses.pop(0) if statuses else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/hook", received, statuses
    await runner.cleanup()


async def test_webhook_receives_updates_with_the_secret_header(
    bot: Bot,
    client: SandboxClient,
    receiver: WebhookReceiver,
) -> None:
    url, received, _ = receiver
    user = await client.user(1001)
    assert await bot.set_webhook(url, secret_token="s3cret-Token_1")

    update_id = await user.send("via webhook")
    await client.wait_delivered(update_id, timeout=5)

    (payload, secret) = received[0]
    assert payload["update_id"] == update_id
    assert secret == "s3cret-Token_1"
    info = await bot.get_webhook_info()
    assert info.url == url
    assert info.pending_update_count == 0


async def test_webhook_retries_until_the_hook_answers_2xx(
    bot: Bot,
    client: SandboxClient,
    receiver: WebhookReceiver,
) -> None:
    url, received, statuses = receiver
    statuses.extend([500, 502])
    user = await client.user(1001)
    await bot.set_webhook(url)

    update_id = await user.send("eventually")
    await client.wait_delivered(update_id, timeout=5)

    assert [payload["update_id"] for payload, _ in received] == [update_id] * 3
    info = await bot.get_webhook_info()
    assert info.last_error_message is not None
    assert "502" in info.last_error_message


async def test_get_updates_conflicts_while_a_webhook_is_set(
    bot: Bot, client: SandboxClient, pending: Pending
) -> None:
    await bot.set_webhook("http://127.0.0.1:9/unreachable")

    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()

    user = await client.user(1001)
    update_id = await user.send("kept while the hook is down")
    await bot.delete_webhook()
    assert [u.update_id for u in await pending()] == [update_id]


async def test_delete_webhook_can_drop_pending_updates(
    bot: Bot, client: SandboxClient, pending: Pending
) -> None:
    user = await client.user(1001)
    await user.send("stale")

    await bot.delete_webhook(drop_pending_updates=True)

    assert await pending() == []
