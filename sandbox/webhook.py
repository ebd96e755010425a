"""Pushes a bot's updates to its webhook, in order, retrying with backoff until a 2xx."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp

from sandbox.state import BotState, Clock

FIRST_RETRY_DELAY = 0.05
MAX_RETRY_DELAY = 2.0
REQUEST_TIMEOUT = 10.0


class WebhookManager:
    """One delivery task per bot that has a webhook."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._session: aiohttp.ClientSession | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def configure(self, bot: BotState) -> None:
        """(Re)starts delivery after setWebhook, stops it after deleteWebhook."""
        task = self._tasks.pop(bot.token, None)
        if task is not None:
            task.cancel()
        if bot.webhook is not None:
            self._tasks[bot.token] = asyncio.create_task(self._deliver(bot), name=f"webhook-{bot.id}")

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT))
        return self._session

    async def _deliver(self, bot: BotState) -> None:
        delay = FIRST_RETRY_DELAY
        queue = bot.updates
        while bot.webhook is not None:
            pending = queue.peek(1)
            if not pending:
                await queue.signal.wait(3600)
                continue
            record = pending[0]
            error = await self._post(bot, record.to_api())
            if error is None:
                queue.delivered(record)
                delay = FIRST_RETRY_DELAY
                continue
            if bot.webhook is not None:
                bot.webhook.last_error_date = int(self.clock.now())
                bot.webhook.last_error_message = error
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_DELAY)

    async def _post(self, bot: BotState, update: dict[str, object]) -> str | None:
        """None when the hook answered 2xx, otherwise Telegram-style error text."""
        webhook = bot.webhook
        if webhook is None:
            return "Webhook was deleted"
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook.secret_token} if webhook.secret_token else {}
        try:
            async with self._client().post(webhook.url, json=update, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason or ''}".strip()
        except aiohttp.ClientConnectorError:
            return "Connection refused"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientError as exc:
            return f"Connection error: {exc.__class__.__name__}"
