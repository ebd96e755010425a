"""Webhook mode: register the hook with Telegram and process the inbox the HTTP server fills."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from bot.runtime.context import CrmApplication
from bot.runtime.inbox import InboxProcessor
from bot.runtime.telegram_bot import ALLOWED_UPDATES

PROCESSOR_KEY = "inbox_processor"
# Fixed rather than secret: the X-Telegram-Bot-Api-Secret-Token header is what authenticates a call.
WEBHOOK_PATH = "/telegram/updates"


def hook_url(application: CrmApplication) -> str:
    base = application.settings.webhook_url
    if base is None:
        raise ValueError("WEBHOOK_URL is not set")
    return base.rstrip("/") + WEBHOOK_PATH


async def start_processing(application: CrmApplication) -> None:
    """Start draining the inbox in this process (the one call leadership moves)."""
    processor = InboxProcessor(application)
    application.bot_data[PROCESSOR_KEY] = processor
    await processor.start()


async def stop_processing(application: CrmApplication) -> None:
    processor = application.bot_data.pop(PROCESSOR_KEY, None)
    if isinstance(processor, InboxProcessor):
        await processor.stop()


def wake(application: CrmApplication) -> None:
    """Tell this process's processor, if it has one, that a new update is waiting."""
    processor = application.bot_data.get(PROCESSOR_KEY)
    if isinstance(processor, InboxProcessor):
        processor.wake()


@asynccontextmanager
async def running(application: CrmApplication) -> AsyncIterator[CrmApplication]:
    """The application started in webhook mode (post_init starts the HTTP server and the processor)."""
    settings = application.settings
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.bot.set_webhook(
            hook_url(application),
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )
        await application.start()
        try:
            yield application
        finally:
            await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


async def serve(application: CrmApplication) -> None:
    """Run in webhook mode until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    async with running(application):
        await stop.wait()
