"""When a handler fails: a short apology for the user, the traceback for the log, a notice for admins."""

from __future__ import annotations

import logging
import time

from sqlalchemy.exc import DBAPIError, OperationalError
from telegram import Update
from telegram.error import TelegramError

from bot.i18n import Translator
from bot.runtime.context import CrmContext
from bot.services import users

log = logging.getLogger(__name__)

ADMIN_NOTICE_INTERVAL = 60.0


def _database_down(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | ConnectionError | OSError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


async def on_error(update: object, context: CrmContext) -> None:
    await report(update, context, context.error)


async def report(update: object, context: CrmContext, error: BaseException | None) -> None:
    """Log the traceback, tell the user in a line what to do, and notify the admins."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=error)
    if isinstance(update, Update) and (update.effective_message is not None or update.callback_query):
        t = _reader(update, context)
        if _database_down(error):
            text = t.gettext("FieldCRM is temporarily unavailable. Please try again in a minute.")
        else:
            text = t.gettext(
                "Sorry, something went wrong on our side and nothing was saved. "
                "Please try again; /help shows what you can do."
            )
        if not await _tell(update, text):
            log.warning("could not tell the user about the failure of update %s", update_id)
    await _notify_admins(context, error, update_id)


async def _tell(update: Update, text: str) -> bool:
    """A press is answered where it was made (unanswered, it spins on the phone); if the handler
    had answered it already, or for a message, the text goes to the chat."""
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(text, show_alert=True)
            return True
        except TelegramError:
            pass
    if update.effective_message is None:
        return False
    try:
        await update.effective_message.reply_text(text)
    except TelegramError:
        return False
    return True


def _reader(update: Update, context: CrmContext) -> Translator:
    """The viewer's translator; before the guard resolved them (the database may be down), one for
    the language their Telegram app uses."""
    if context.viewer is not None or update.effective_user is None:
        return context.t
    return context.app.app_language_translator(update.effective_user.language_code)


async def _notify_admins(context: CrmContext, error: BaseException | None, update_id: int | None) -> None:
    """One short notice per kind of error per minute: enough to act on, never a flood."""
    kind = type(error).__name__
    last_sent: dict[str, float] = context.bot_data.setdefault("error_notices", {})
    if time.monotonic() - last_sent.get(kind, -ADMIN_NOTICE_INTERVAL) < ADMIN_NOTICE_INTERVAL:
        return
    last_sent[kind] = time.monotonic()
    try:
        # No unit of work: the update may have failed before (or because) the viewer was resolved.
        async with context.db.begin() as session:
            admins = await users.admin_chats(session, admin_ids=context.settings.admin_ids)
    except Exception:
        log.warning("could not look up admins to notify about %s", kind)
        return
    now = context.now()
    for admin in admins:
        t = context.translator_for(admin.locale)
        text = t.gettext(
            "Error notice: {kind} while handling update {update}, at {time}. The log has the details."
        ).format(
            kind=kind,
            update=update_id if update_id is not None else "—",
            time=t.day_time(now),
        )
        try:
            await context.bot.send_message(admin.chat_id, text)
        except TelegramError:
            log.warning("could not notify admin chat %s", admin.chat_id)
