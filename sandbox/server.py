"""A local Telegram Bot API server that PTB talks to over real HTTP.

server = SandboxServer()
await server.start()
bot = Bot(token, base_url=f"{server.url}/bot", base_file_url=f"{server.url}/file/bot")
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from aiohttp import web

from sandbox.control import ControlApi
from sandbox.errors import ApiError, not_found, unauthorized
from sandbox.limits import Fault, FaultInjector, FloodControl, FloodLimits
from sandbox.methods import METHODS, Call, Described, Runtime
from sandbox.params import Params
from sandbox.state import BotRegistry, BotState, CallRecord, Clock
from sandbox.web import WebChat
from sandbox.webhook import WebhookManager

MAX_REQUEST_BYTES = 60 * 1024 * 1024
DEFAULT_PORT = 8081


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class SandboxServer:
    """Bot API, file downloads and the control API on one aiohttp application; with `web_chat`,
    also a page at / to chat with the bot in a browser."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_username: str = "FieldCrmBot",
        bot_first_name: str = "FieldCRM",
        flood: FloodLimits | None = None,
        web_chat: WebChat | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.clock = Clock()
        self.registry = BotRegistry(username=bot_username, first_name=bot_first_name)
        self.faults = FaultInjector()
        self.runtime = Runtime(clock=self.clock, webhooks=WebhookManager(self.clock))
        self.flood_limits = flood
        self.app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        self.app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        self.app.router.add_get("/file/bot{token}/{file_path:.+}", self._download)
        ControlApi(self.registry, self.runtime, self.faults).add_routes(self.app)
        if web_chat is not None:
            web_chat.add_routes(self.app, self.registry)
        self._runner: web.AppRunner | None = None

    @property
    def flood_limits(self) -> FloodLimits | None:
        return self.runtime.flood.limits if self.runtime.flood else None

    @flood_limits.setter
    def flood_limits(self, limits: FloodLimits | None) -> None:
        """Flood limits can be switched on or off while the server runs."""
        self.runtime.flood = FloodControl(limits) if limits else None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self.runtime.closing = False
        self._runner = web.AppRunner(self.app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Wakes long polls so they answer at once, stops webhooks, closes the listener."""
        self.runtime.closing = True
        for bot in self.registry.bots.values():
            bot.updates.signal.notify()
            for chat in bot.chats.values():
                chat.signal.notify()
        await self.runtime.webhooks.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def bot(self, token: str) -> BotState:
        """In-process access to one bot's state, for tests that run the server themselves."""
        bot = self.registry.get(token)
        if bot is None:
            raise ValueError("not a well-formed bot token")
        return bot

    def advance_time(self, seconds: float) -> None:
        """Moves the sandbox clock (message dates, query expiry) forward."""
        self.clock.advance(seconds)

    def inject_fault(
        self,
        method: str,
        *,
        status: int,
        description: str = "",
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0,
        token: str | None = None,
    ) -> None:
        """The next `times` calls of `method` fail with `status`; status 0 only delays them."""
        self.faults.add(Fault(method, status, description, retry_after, times, float(delay), token))

    async def _bot_api(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        method = request.match_info["method"]
        bot = self.registry.get(token)
        if bot is None:
            return _error_response(unauthorized())
        handler = METHODS.get(method.lower())
        if handler is None:
            return _error_response(not_found())
        started = self.clock.now()
        bot.call_counts[method] += 1
        params: Params | None = None
        try:
            params = await Params.from_request(request)
            fault = self.faults.take(token, method)
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                error = fault.error()
                if error is not None:
                    raise error
            outcome = await handler(Call(bot, params, self.runtime))
        except ApiError as exc:
            bot.error_counts[exc.status] += 1
            bot.calls.append(
                CallRecord(
                    method,
                    params.for_log() if params else {},
                    started,
                    False,
                    error=exc.payload(),
                )
            )
            return _error_response(exc)
        body: dict[str, Any] = {"ok": True}
        if isinstance(outcome, Described):
            body["result"] = outcome.result
            body["description"] = outcome.description
        else:
            body["result"] = outcome
        bot.calls.append(CallRecord(method, params.for_log(), started, True, result=body["result"]))
        return web.json_response(body, dumps=_dumps)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        bot = self.registry.get(request.match_info["token"])
        if bot is None:
            return _error_response(unauthorized())
        record = bot.files_by_path.get(request.match_info["file_path"])
        if record is None:
            return _error_response(not_found())
        content_type = record.mime_type or (
            "image/jpeg" if record.kind == "photo" else "application/octet-stream"
        )
        return web.Response(body=record.data, content_type=content_type)


def _error_response(error: ApiError) -> web.StreamResponse:
    return web.json_response(error.payload(), status=error.status, dumps=_dumps)


def run(host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
    """Serves until interrupted; prints one line with the URL (for `fieldcrm sandbox`)."""

    async def serve() -> None:
        server = SandboxServer(host, port)
        await server.start()
        print(f"Sandbox Telegram Bot API listening on {server.url}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
