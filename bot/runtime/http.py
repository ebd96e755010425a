"""The bot's own HTTP server: the webhook endpoint, liveness and readiness probes, and metrics.

It runs in both modes (polling too), so probes and metrics always exist. The webhook only stores
the update in the inbox and answers; processing happens in `bot.runtime.inbox`, never in the request.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import outage_notice, update_body, webhook
from bot.runtime.context import CrmApplication
from bot.runtime.listening import CannotListen, listen_advice
from storage.db import utcnow
from storage.queries import inbox

log = logging.getLogger(__name__)

SERVER_KEY = "http_server"
APP_KEY: web.AppKey[CrmApplication] = web.AppKey("application", CrmApplication)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
READY_TIMEOUT = 5.0
# A database that neither answers nor refuses (packets dropped) is an outage too.
STORE_TIMEOUT = 5.0
CHAT_PATHS = ("message", "edited_message", "callback_query", "channel_post", "my_chat_member", "chat_member")


class HttpServer:
    """An aiohttp runner bound to HTTP_HOST:HTTP_PORT; `port` is the bound one (HTTP_PORT may be 0)."""

    def __init__(self, application: CrmApplication) -> None:
        self.application = application
        max_body = application.settings.webhook_max_body
        app = web.Application(client_max_size=max_body)
        app[APP_KEY] = application
        app.router.add_post(webhook.WEBHOOK_PATH, _receive)
        app.router.add_get("/healthz", _healthz)
        app.router.add_get("/readyz", _readyz)
        app.router.add_get("/metrics", _metrics)
        self._runner = web.AppRunner(app, access_log=None)
        self.port = 0

    async def start(self) -> None:
        settings = self.application.settings
        await self._runner.setup()
        site = web.TCPSite(self._runner, settings.http_host, settings.http_port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise CannotListen(listen_advice(settings.http_host, settings.http_port, exc)) from exc
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1]) if sockets else settings.http_port
        log.info("http server on %s:%d", settings.http_host, self.port)

    async def stop(self) -> None:
        await self._runner.cleanup()


async def start(application: CrmApplication) -> HttpServer:
    server = HttpServer(application)
    await server.start()
    application.bot_data[SERVER_KEY] = server
    return server


async def stop(application: CrmApplication) -> None:
    server = application.bot_data.pop(SERVER_KEY, None)
    if isinstance(server, HttpServer):
        await server.stop()


async def _receive(request: web.Request) -> web.Response:
    application = request.app[APP_KEY]
    settings = application.settings
    expected = settings.webhook_secret.get_secret_value().encode() if settings.webhook_secret else None
    given = request.headers.get(SECRET_HEADER, "").encode()
    if expected is None or not hmac.compare_digest(given, expected):
        return web.Response(status=403, text="forbidden")
    if request.content_length is not None and request.content_length > settings.webhook_max_body:
        return web.Response(status=413, text="too large")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return web.Response(status=413, text="too large")
    update = update_body.parse(body, application.bot)
    if update is None:
        return web.Response(status=400, text="not a Telegram update")
    try:
        async with asyncio.timeout(STORE_TIMEOUT):
            async with application.db.begin() as session:
                added = await inbox.add(
                    session,
                    update_id=update["update_id"],
                    chat_id=_chat_id(update),
                    payload=update,
                    now=utcnow(),
                )
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        # Not stored, so not acknowledged: Telegram keeps the update and delivers it again.
        log.warning("webhook: update not stored, database unreachable (%s)", type(exc).__name__)
        await outage_notice.tell(application, update)
        return web.Response(status=503, text="database unavailable")
    outage_notice.over(application)
    if added:
        webhook.wake(application)
    return web.Response(text="ok")


def _chat_id(update: dict[str, Any]) -> int | None:
    """The chat the update belongs to, for ordering; None for inline queries and the like."""
    for path in CHAT_PATHS:
        part = update.get(path)
        if not isinstance(part, dict):
            continue
        message = part.get("message") if path == "callback_query" else part
        chat = message.get("chat") if isinstance(message, dict) else None
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
    return None


async def _healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _readyz(request: web.Request) -> web.Response:
    application = request.app[APP_KEY]
    try:
        figures = await asyncio.wait_for(_figures(application), READY_TIMEOUT)
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        log.warning("not ready: database unreachable (%s)", type(exc).__name__)
        return web.json_response({"database": "unreachable"}, status=503)
    return web.json_response(
        {
            "database": "ok",
            "role": "leader" if application.metrics.leading else "standby",
            "outbox_lag_seconds": figures["outbox_lag_seconds"],
            "inbox_pending": figures["inbox_pending"],
        }
    )


async def _figures(application: CrmApplication) -> dict[str, float]:
    now = utcnow()
    async with application.db() as session:
        await session.execute(text("SELECT 1"))
        oldest = await inbox.oldest_due_push(session, now=now)
        pending = await inbox.pending_count(session)
        depth = await inbox.outbox_depth(session)
    application.metrics.inbox_depth.set(pending)
    application.metrics.outbox_depth.set(depth)
    lag = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return {"outbox_lag_seconds": round(lag, 3), "inbox_pending": pending}


async def _metrics(request: web.Request) -> web.Response:
    application = request.app[APP_KEY]
    try:
        await asyncio.wait_for(_figures(application), READY_TIMEOUT)
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        log.warning("metrics: depths not refreshed, database unreachable (%s)", type(exc).__name__)
    return web.Response(body=application.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})
