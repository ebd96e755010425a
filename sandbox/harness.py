"""Run the real application against the sandbox Bot API and act as its users."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from telegram import BotCommandScopeChat

from bot.domain.enums import InboxStatus
from bot.runtime import background, webhook
from bot.runtime.app import build_application
from bot.runtime.context import CrmApplication
from bot.runtime.settings import Settings
from bot.runtime.telegram_bot import ALLOWED_UPDATES
from sandbox import SandboxClient, SandboxMessage, SandboxServer, SandboxUser
from storage.models import Inbox

TOKEN = "123456789:SANDBOX-test-token-0123456789"
ADMIN_ID = 1000
WEBHOOK_SECRET = "hook-Secret_42"
REPO = Path(__file__).resolve().parent.parent


class HandClock:
    """A clock for the bot's jobs and handlers (`Background.clock`) that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@dataclass(frozen=True)
class Reply:
    """A bot message as the user sees it now: its text (or caption) and its buttons."""

    text: str
    message: SandboxMessage

    @classmethod
    def of(cls, message: SandboxMessage) -> Reply:
        return cls(message.content, message)

    def buttons(self) -> list[list[str]]:
        return self.message.buttons()


@dataclass
class Person:
    """A simulated Telegram user whose every action waits until the bot has fully handled it."""

    app: CrmApplication
    client: SandboxClient
    account: SandboxUser

    @property
    def id(self) -> int:
        return self.account.id

    async def _settle(self, update_id: int) -> None:
        await self.client.wait_delivered(update_id)
        await self.app.update_queue.join()
        await background.settled(self.app)

    async def send(self, text: str) -> Reply:
        """Send text (commands get their entity) and return the bot's newest message."""
        await self._settle(await self.account.send(text))
        return await self.last_message()

    async def send_in_group(self, chat_id: int, text: str) -> Reply:
        group = self.account.in_group(chat_id, title="Sales floor")
        await self._settle(await group.send(text))
        return Reply.of(await group.last_message())

    async def press(self, label: str) -> Reply:
        """Press a button; return the bot's answer: a new message, or else the pressed one as edited."""
        messages = await self.account.bot_messages()
        pressed = next((m for m in reversed(messages) if any(label in row for row in m.buttons())), None)
        if pressed is None:
            raise LookupError(
                f"no button {label!r}; newest keyboard: {messages[-1].buttons() if messages else []}"
            )
        await self._settle(await self.account.press(label, message_id=pressed.message_id))
        after = [m for m in await self.account.bot_messages() if not m.deleted]
        if after and after[-1].message_id > messages[-1].message_id:
            return Reply.of(after[-1])
        return Reply.of(next(m for m in after if m.message_id == pressed.message_id))

    async def edit(self, message_id: int, text: str) -> Reply | None:
        """Edit one of this person's messages; return the bot's newest message if it sent one."""
        before = await self.account.bot_messages()
        await self._settle(await self.account.edit(message_id, text))
        after = await self.account.bot_messages()
        return Reply.of(after[-1]) if len(after) > len(before) else None

    async def press_data(self, data: str, *, message_id: int) -> dict[str, object] | None:
        """Press crafted callback data on a bot message; return the answer to the press (None if none)."""
        update_id = await self.account.press_data(data, message_id=message_id)
        await self._settle(update_id)
        return await self.account.callback_answer(update_id)

    async def press_for_answer(self, label: str) -> dict[str, object] | None:
        """Press a button and return the toast or alert the bot answered with."""
        update_id = await self.account.press(label)
        await self._settle(update_id)
        return await self.account.callback_answer(update_id)

    async def replies(self) -> list[Reply]:
        return [Reply.of(message) for message in await self.account.bot_messages()]

    async def last_message(self) -> Reply:
        return Reply.of(await self.account.last_message())

    async def menu(self) -> list[str]:
        """The command names Telegram would show this person (chat scope)."""
        scope = BotCommandScopeChat(self.account.chat_id).to_dict()
        return [command["command"] for command in await self.client.commands(scope=scope)]

    async def menu_descriptions(self) -> list[str]:
        scope = BotCommandScopeChat(self.account.chat_id).to_dict()
        return [command["description"] for command in await self.client.commands(scope=scope)]


@dataclass
class InboxPerson(Person):
    """A person whose updates come by webhook: settled once the inbox row is processed."""

    async def _settle(self, update_id: int) -> None:
        await self.client.wait_delivered(update_id)
        await inbox_processed(self.app, update_id)
        await background.settled(self.app)


async def inbox_processed(app: CrmApplication, update_id: int) -> Inbox:
    """The inbox row once processing finished (the processor polls every second at the latest)."""
    for _ in range(400):
        async with app.db() as session:
            row = await session.get(Inbox, update_id)
        if row is not None and row.status in (InboxStatus.DONE, InboxStatus.FAILED):
            return row
        await asyncio.sleep(0.025)
    raise AssertionError(f"update {update_id} was not processed")


class Harness:
    def __init__(
        self, app: CrmApplication, client: SandboxClient, *, person_type: type[Person] = Person
    ) -> None:
        self.app = app
        self.client = client
        self.person_type = person_type

    async def person(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        language_code: str | None = "en",
        username: str | None = None,
    ) -> Person:
        account = await self.client.user(
            user_id, first_name=first_name, language_code=language_code, username=username
        )
        return self.person_type(self.app, self.client, account)


def settings_for(sandbox: SandboxServer, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "bot_token": TOKEN,
        "database_url": database_url,
        "admin_ids": frozenset({ADMIN_ID}),
        "telegram_api_url": f"{sandbox.url}/bot",
        "telegram_file_url": f"{sandbox.url}/file/bot",
        "default_locale": "en",
        "timezone": "Asia/Shanghai",
        "log_level": "INFO",
        # Scripted users act far faster than people; tests/test_rate_limit.py sets the real limits.
        "rate_per_second": 1000.0,
        "rate_burst": 1000,
        # Every app serves probes and metrics; a free port each keeps tests apart.
        "http_host": "127.0.0.1",
        "http_port": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@asynccontextmanager
async def running_bot(settings: Settings, sandbox: SandboxServer) -> AsyncIterator[Harness]:
    """The application polling the sandbox, as `fieldcrm run` would, until the block ends."""
    app = build_application(settings)
    async with SandboxClient(sandbox.url, TOKEN) as client:
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
        try:
            yield Harness(app, client)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def fieldcrm_run(
    sandbox: SandboxServer, database_url: str, cwd: Path, **settings: str
) -> asyncio.subprocess.Process:
    """`fieldcrm run` as a child process, configured as an operator would for this sandbox and
    database: polling unless `settings` hold WEBHOOK_URL, a free HTTP port unless they hold
    HTTP_PORT; its log lines come on stderr. Asynchronous, so the sandbox in this process keeps
    answering the bot while it runs."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("WEBHOOK_")},
        "PYTHONPATH": str(REPO),
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        "TELEGRAM_API_URL": f"{sandbox.url}/bot",
        "TELEGRAM_FILE_URL": f"{sandbox.url}/file/bot",
        "ADMIN_IDS": str(ADMIN_ID),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(free_port()),
        **settings,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env, stderr=asyncio.subprocess.PIPE
    )


@asynccontextmanager
async def webhook_bot(
    sandbox: SandboxServer, database_url: str, **overrides: object
) -> AsyncIterator[Harness]:
    """The application in webhook mode on a port of its own (the sandbox posts each update to it),
    as a replica runs it."""
    port = free_port()
    settings = settings_for(
        sandbox,
        database_url,
        webhook_url=f"http://127.0.0.1:{port}",
        webhook_secret=WEBHOOK_SECRET,
        http_port=port,
        **overrides,
    )
    async with (
        webhook.running(build_application(settings)) as app,
        SandboxClient(sandbox.url, TOKEN) as client,
    ):
        yield Harness(app, client, person_type=InboxPerson)
