"""Last in line: text nobody else wanted, buttons from old messages, /cancel with nothing to cancel."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.runtime.context import CrmContext
from handlers.common.texts import stale_button_text, unknown_command_text


async def stale_button(update: Update, context: CrmContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(stale_button_text(context.t), show_alert=True)


async def nothing_to_cancel(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    await update.message.reply_text(
        context.t.gettext("There is nothing to cancel. /help shows what you can do.")
    )


async def unknown_command(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    await update.message.reply_text(unknown_command_text(context.t))


async def not_understood(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    await update.message.reply_text(
        context.t.gettext("I didn't understand that. /help shows what you can do.")
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Registered after every feature so that these only see what the features left."""
    application.add_handler(CommandHandler("cancel", nothing_to_cancel))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command))
    application.add_handler(CallbackQueryHandler(stale_button))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, not_understood))
