"""`fieldcrm demo`: the sandbox Bot API, the bot on a SQLite file, and a chat in this terminal."""

from __future__ import annotations

import asyncio
import shlex
import sys
from dataclasses import dataclass, field

from bot import demo_seed
from bot.app import ALLOWED_UPDATES, build_application
from bot.context import CrmApplication
from bot.logs import configure_logging
from bot.settings import Settings
from sandbox import SandboxClient, SandboxMessage, SandboxServer, SandboxUser
from storage import migrate
from storage.db import create_engine, create_session_factory, utcnow

DEMO_TOKEN = "100000001:fieldcrm-demo-token"
DEMO_ADMIN = 1000
INTRO = """\
FieldCRM demo — the bot is running against a local Bot API at {url}
You are user {admin}, the admin of the demo team. Type a message or a command, e.g. /start.
  :press LABEL        press the newest inline button whose label starts with LABEL
  :as ID NAME [zh]    become another user (zh: their Telegram app is Chinese)
  :quit               stop
People of the demo team: 1000 Ada (admin), 2000 陈美 (manager), 3000 Ravi and 3001 李伟 (reps).
Try `:as 3000 Ravi` then /today, /find acme, /visit — or `:as 3001 伟 zh` then /find zs.
"""


@dataclass
class TerminalChat:
    """Prints the bot's new and edited messages after each thing the user does."""

    app: CrmApplication
    client: SandboxClient
    user: SandboxUser
    seen: dict[tuple[int, int], int] = field(default_factory=dict)

    async def act(self, line: str) -> None:
        if line.startswith(":press "):
            message, label = await self._button(line.removeprefix(":press ").strip())
            update_id = await self.user.press(label, message_id=message.message_id)
            await self._settle(update_id)
            answer = await self.user.callback_answer(update_id)
            if answer and answer.get("text"):
                print(f"  ({answer['text']})")
        else:
            await self._settle(await self.user.send(line))
        await self.show_new()

    async def _button(self, wanted: str) -> tuple[SandboxMessage, str]:
        """The newest button labelled `wanted`, or starting with it: typing 'Acme' is enough."""
        for message in reversed(await self.user.bot_messages()):
            labels = [label for row in message.buttons() for label in row]
            for label in labels:
                if label == wanted or label.lower().startswith(wanted.lower()):
                    return message, label
        raise LookupError(f"no button starting with {wanted!r}")

    async def _settle(self, update_id: int) -> None:
        await self.client.wait_delivered(update_id)
        await self.app.update_queue.join()

    async def show_new(self) -> None:
        for message in await self.user.bot_messages():
            key = (self.user.chat_id, message.message_id)
            if self.seen.get(key) == message.edit_count or message.deleted:
                continue
            marker = "bot (edited)" if key in self.seen else "bot"
            self.seen[key] = message.edit_count
            print(render(message, marker))


def render(message: SandboxMessage, marker: str) -> str:
    lines = [f"[{marker}] {message.content}"]
    for row in message.buttons():
        lines.append("   " + "  ".join(f"[{label}]" for label in row))
    return "\n".join(lines)


async def _chat(settings: Settings, port: int) -> None:
    server = SandboxServer(port=port)
    await server.start()
    app = build_application(settings)
    try:
        async with SandboxClient(server.url, DEMO_TOKEN) as client:
            await app.initialize()
            if app.post_init is not None:
                await app.post_init(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
            user = await client.user(DEMO_ADMIN, first_name="Ada")
            chat = TerminalChat(app, client, user)
            print(INTRO.format(url=server.url, admin=DEMO_ADMIN))
            await _loop(chat, client)
    finally:
        if app.running:
            assert app.updater is not None
            await app.updater.stop()
            await app.stop()
        await app.shutdown()
        await server.stop()


async def _loop(chat: TerminalChat, client: SandboxClient) -> None:
    loop = asyncio.get_running_loop()
    while True:
        print(f"{chat.user.id}> ", end="", flush=True)
        line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if line in (":quit", ":q") or (not line and sys.stdin.closed):
            return
        if not line:
            continue
        if line.startswith(":as "):
            parts = shlex.split(line)[1:]
            if len(parts) < 2 or not parts[0].isdigit():
                print("usage: :as ID NAME [zh]")
                continue
            language = "zh-hans" if parts[2:] == ["zh"] else "en"
            chat.user = await client.user(int(parts[0]), first_name=parts[1], language_code=language)
            continue
        try:
            await chat.act(line)
        except LookupError as exc:
            print(f"  {exc}")


async def _seed(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            await demo_seed.seed(session, now=utcnow())
    finally:
        await engine.dispose()


def run_demo(*, database: str, port: int) -> int:
    settings = Settings(
        _env_file=None,
        bot_token=DEMO_TOKEN,
        database_url=f"sqlite+aiosqlite:///{database}",
        admin_ids=frozenset({DEMO_ADMIN}),
        telegram_api_url=f"http://127.0.0.1:{port}/bot",
        telegram_file_url=f"http://127.0.0.1:{port}/file/bot",
        log_level="WARNING",
    )
    configure_logging(settings.log_level, secret=DEMO_TOKEN)
    asyncio.run(migrate.upgrade(settings.database_url))
    asyncio.run(_seed(settings.database_url))
    asyncio.run(_chat(settings, port))
    return 0
