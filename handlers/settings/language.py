"""/lang: switch between English and 简体中文."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.i18n import LOCALES, language_name
from bot.runtime.context import CrmContext
from bot.services import users
from handlers.common import menu
from handlers.settings import callbacks


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    ("✓ " if locale == current else "") + language_name(locale),
                    callback_data=callbacks.LANGUAGE.data(locale=locale),
                )
                for locale in LOCALES
            ]
        ]
    )


async def choose_language(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    await update.message.reply_text(
        context.t.gettext("Choose your language:"), reply_markup=language_keyboard(context.t.locale)
    )


async def set_language(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    locale = callbacks.LANGUAGE.parse(query.data)["locale"]
    async with context.work() as work:
        await users.set_locale(work.session, user_id=work.viewer.user_id, locale=locale)
    t = context.translator_for(locale, context.me.timezone)
    await query.answer()
    await query.edit_message_text(
        t.gettext("Done: I will talk to you in English from now on."), reply_markup=None
    )
    if query.message is not None:
        await menu.set_user_menu(context.application, query.message.chat.id, context.me.effective_role, t)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("lang", choose_language))
    application.add_handler(CallbackQueryHandler(set_language, pattern=callbacks.LANGUAGE))
