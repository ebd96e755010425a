"""The application factory: nothing is built at import time."""

from __future__ import annotations

import logging
import warnings
from typing import cast

from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.warnings import PTBUserWarning

from bot.i18n import LOCALES, I18n
from bot.runtime import http, jobs, leader, ratelimit, webhook
from bot.runtime.chat_order import PerChatOrder, concurrency_for
from bot.runtime.context import CrmApplication, CrmContext
from bot.runtime.settings import Settings
from bot.runtime.telegram_bot import build_bot
from handlers.common import menu
from handlers.registry import register_all
from storage.db import create_engine, create_session_factory
from storage.persistence import SqlPersistence

log = logging.getLogger(__name__)


def build_application(settings: Settings) -> CrmApplication:
    """Wire PTB, the database and the translations together for one bot token."""
    warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
    engine = create_engine(settings.database_url)
    db = create_session_factory(engine)
    i18n = I18n(default_locale=settings.default_locale)
    limiter = ratelimit.RateLimiter.for_settings(settings)
    builder = (
        ApplicationBuilder()
        .application_class(
            CrmApplication, kwargs={"settings": settings, "engine": engine, "db": db, "i18n": i18n}
        )
        .bot(build_bot(settings))
        .concurrent_updates(PerChatOrder(concurrency_for(settings.database_url), limiter=limiter))
        .context_types(ContextTypes(context=CrmContext))
        .persistence(SqlPersistence(db))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    application = builder.build()
    assert isinstance(application, CrmApplication)
    application.bot_data[ratelimit.LIMITER_KEY] = limiter
    i18n.clock = lambda: application.clock()
    register_all(application)
    return application


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    application = cast(CrmApplication, app)
    missing = [locale for locale in LOCALES if locale != "en" and not application.i18n.is_compiled(locale)]
    if missing:
        log.warning("no compiled catalogue for %s: run `make locales`", ", ".join(missing))
    translators = [application.i18n.translator(locale, application.settings.timezone) for locale in LOCALES]
    await menu.set_default_menus(application, translators)
    background = await jobs.build(application)
    background.sender.metrics = application.metrics
    await http.start(application)
    leadership = await leader.start(application, background)
    if application.settings.webhook_url is None and not leadership.is_leader:
        # Only the leader may call getUpdates: two pollers make Telegram answer 409.
        log.info("standby: polling starts when this process is elected")
        await leadership.elected.wait()
    log.info("bot @%s ready", application.bot.username)


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    application = cast(CrmApplication, app)
    await leader.stop(application)
    await webhook.stop_processing(application)
    await http.stop(application)
    await jobs.stop(application)
    await application.engine.dispose()
