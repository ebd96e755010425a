"""`fieldcrm demo`: the sandbox Bot API with its web chat, and the bot on a SQLite file, on one port.

Open the address it prints, pick someone of the demo team and chat with the bot as them. The
bot's own HTTP server (probes, metrics) takes a free port so the web chat can have 8080.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.demo import seed as demo_seed
from bot.demo import web as demo_web
from bot.demo.live import DemoLive
from bot.demo.team import ADMIN, STRANGER
from bot.runtime.app import build_application
from bot.runtime.context import CrmApplication
from bot.runtime.logs import configure_logging
from bot.runtime.settings import Settings
from bot.runtime.telegram_bot import ALLOWED_UPDATES
from sandbox import SandboxClient, SandboxServer
from storage import migrate
from storage.db import create_engine, create_session_factory, utcnow

DEMO_TOKEN = "100000001:fieldcrm-demo-token"
SETTLE_SECONDS = 30.0


@dataclass(frozen=True)
class Demo:
    """A running demo: the sandbox with its web chat and the bot polling it."""

    server: SandboxServer
    app: CrmApplication
    live: DemoLive

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"


def demo_settings(database_url: str, *, api_url: str) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=DEMO_TOKEN,
        database_url=database_url,
        admin_ids=frozenset({ADMIN.telegram_id}),
        telegram_api_url=f"{api_url}/bot",
        telegram_file_url=f"{api_url}/file/bot",
        log_level="WARNING",
        http_host="127.0.0.1",
        http_port=0,
    )


async def seed(database_url: str) -> bool:
    """The demo team, once; False when it was there already."""
    engine = create_engine(database_url)
    try:
        return await demo_seed.seed(create_session_factory(engine), now=utcnow())
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def running_demo(
    database_url: str, *, host: str = "127.0.0.1", port: int = 8080
) -> AsyncIterator[Demo]:
    """The sandbox and the bot on a migrated, seeded database; everyone's chat is open and the first
    pass of due work has run when the block starts."""
    chat = demo_web.web_chat(DEMO_TOKEN)
    server = SandboxServer(host, port, web_chat=chat)
    await server.start()
    api_url = f"http://127.0.0.1:{server.port}"
    app = build_application(demo_settings(database_url, api_url=api_url))
    live = DemoLive(app)
    # The page's buttons need the bot, which needs the sandbox's port: they join once both exist.
    chat.actions = live.actions()
    pacer: asyncio.Task[None] | None = None
    initialized = False
    try:
        async with SandboxClient(api_url, DEMO_TOKEN) as client:
            # Chats exist before the bot starts, so its first pushes have somewhere to go.
            started = await _open_chats(client)
            await app.initialize()
            initialized = True
            if app.post_init is not None:
                await app.post_init(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
            for update_id in started:
                await client.wait_delivered(update_id, timeout=SETTLE_SECONDS)
            await app.update_queue.join()
            await live.first_pass()
            pacer = asyncio.create_task(live.run(), name="demo-pacer")
            yield Demo(server, app, live)
    finally:
        if pacer is not None:
            pacer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pacer
        if app.running:
            assert app.updater is not None
            await app.updater.stop()
            await app.stop()
        if initialized:
            await app.shutdown()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
        await server.stop()


async def _open_chats(client: SandboxClient) -> list[int]:
    """Everyone but the stranger has said /start before: their chat and command menu are there."""
    updates = []
    for person in demo_web.PEOPLE:
        user = await client.user(
            person.telegram_id,
            first_name=person.first_name,
            last_name=person.last_name,
            language_code=person.language_code,
        )
        if person is not STRANGER:
            updates.append(await user.send("/start"))
    return updates


async def _serve(database_url: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_demo(database_url, port=port) as demo:
        print(f"FieldCRM demo is running. Open {demo.url} in a browser; Ctrl-C stops it.", flush=True)
        await stop.wait()


def run_demo(*, database: str, port: int) -> int:
    database_url = f"sqlite+aiosqlite:///{database}"
    configure_logging("WARNING", secret=DEMO_TOKEN)
    asyncio.run(migrate.upgrade(database_url))
    if asyncio.run(seed(database_url)):
        print(f"Seeded the demo team in {database}: 11 staff, 400 customers and a year of history.")
    try:
        asyncio.run(_serve(database_url, port))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        print(f"fieldcrm demo: port {port} is in use; stop what holds it or pick another with --port.")
        return 1
    return 0
