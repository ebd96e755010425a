"""The application and the per-update context handlers receive, with their dependencies typed."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.domain.viewer import Viewer
from bot.i18n import I18n, Translator, locale_for_language_code
from bot.runtime import pushes
from bot.runtime.metrics import Metrics
from bot.runtime.settings import Settings
from bot.services.pushes import PushRequest
from storage.db import utcnow
from storage.queries.outbox import pushed

Clock = Callable[[], datetime]


class CrmApplication(Application):  # type: ignore[type-arg]
    """PTB's Application carrying the bot's resources, so no handler reaches for a global."""

    def __init__(
        self,
        *,
        settings: Settings,
        engine: AsyncEngine,
        db: async_sessionmaker[AsyncSession],
        i18n: I18n,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.engine = engine
        self.db = db
        self.i18n = i18n
        self.metrics = Metrics()
        # The one clock of handlers and jobs (tests swap it), and the sender's wake-up, set once
        # the sender exists.
        self.clock: Clock = utcnow
        self.wake_sender: Callable[[], None] = lambda: None

    def app_language_translator(self, language_code: str | None) -> Translator:
        """A translator for the language someone's Telegram app uses: what the bot can say before
        it has looked them up, or while the database is down."""
        locale = locale_for_language_code(language_code, self.settings.default_locale)
        return self.i18n.translator(locale, self.settings.timezone)

    async def process_update(self, update: object) -> None:
        """PTB's processing, timed and counted for /metrics; then the dialog state and data the
        update changed are written, before the chat's next update is taken (bot/chat_order.py),
        so a process killed at any moment loses at most the update it was handling. PTB's own
        writer, every `update_interval`, only catches what changes outside updates (jobs)."""
        started = time.perf_counter()
        try:
            await super().process_update(update)
        finally:
            self.metrics.handler_latency.observe(time.perf_counter() - started)
            self.metrics.updates_processed.inc()
        await self.update_persistence()

    async def process_error(self, update: object | None, error: Exception, *args: Any, **kwargs: Any) -> bool:
        """Count updates whose handler raised, then let the error handlers do their work."""
        if update is not None:
            self.metrics.updates_failed.inc()
        return await super().process_error(update, error, *args, **kwargs)


@dataclass(frozen=True, slots=True)
class Work:
    """One unit of work of a handler: its transaction's session, who acts, and when."""

    session: AsyncSession
    viewer: Viewer
    now: datetime
    app: CrmApplication

    async def push(self, requests: Sequence[PushRequest]) -> int:
        """Queue what the service asked to have pushed, in this transaction; how many were new."""
        return await pushes.queue(self.session, self.app, requests, now=self.now)


class CrmContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Adds the resolved `viewer` and their translator `t` to PTB's context."""

    viewer: Viewer | None = None
    _translator: Translator | None = None

    @property
    def app(self) -> CrmApplication:
        return cast(CrmApplication, self.application)

    @property
    def db(self) -> async_sessionmaker[AsyncSession]:
        return self.app.db

    @property
    def settings(self) -> Settings:
        return self.app.settings

    @property
    def me(self) -> Viewer:
        """The person the guard resolved; every feature handler runs behind the guard."""
        if self.viewer is None:
            raise RuntimeError("no viewer: the handler ran without the access guard")
        return self.viewer

    def now(self) -> datetime:
        return self.app.clock()

    @asynccontextmanager
    async def work(self) -> AsyncIterator[Work]:
        """One transaction for the viewer at one instant; commits on exit, rolls back on error,
        and wakes the outbox sender when the transaction queued a push."""
        async with self.db.begin() as session:
            yield Work(session=session, viewer=self.me, now=self.now(), app=self.app)
        if pushed(session):
            self.app.wake_sender()

    @property
    def t(self) -> Translator:
        if self._translator is None:
            self._translator = self.app.i18n.translator(self.settings.default_locale, self.settings.timezone)
        return self._translator

    def set_viewer(self, viewer: Viewer) -> None:
        """Called by the access guard; every later handler reads the same viewer and language."""
        self.viewer = viewer
        self._translator = self.app.i18n.translator(viewer.locale, viewer.timezone)

    def translator_for(self, locale: str | None, timezone: str | None = None) -> Translator:
        """A translator for someone other than the viewer, e.g. the recipient of a notice."""
        return self.app.i18n.translator(locale, timezone or self.settings.timezone)
