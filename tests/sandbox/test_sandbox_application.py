"""PTB's Application, unmodified, polling the sandbox: the way the bot's own tests will run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from sandbox import SandboxClient, SandboxServer

TOKEN = "987654321:AAH-sandbox_application_test"
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Visits", callback_data="menu:visits")]])
    await update.effective_message.reply_html(
        f"Hello <b>{context.args or 'there'}</b>", reply_markup=keyboard
    )


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Opening visits")
    await query.edit_message_text("No visits today")


@pytest.fixture
async def polling_app(server: SandboxServer) -> AsyncIterator[AnyApplication]:
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{server.url}/bot")
        .base_file_url(f"{server.url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(menu, pattern="^menu:"))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1, drop_pending_updates=True)
        yield app
        await app.updater.stop()
        await app.stop()


async def test_application_answers_commands_and_buttons(
    server: SandboxServer,
    polling_app: AnyApplication,
) -> None:
    async with SandboxClient(server.url, TOKEN) as client:
        rep = await client.user(3001, first_name="Li", language_code="zh-hans")

        await rep.send("/start c_42")
        greeting = await rep.wait_reply()
        assert greeting.text == "Hello ['c_42']"
        assert greeting.buttons() == [["Visits"]]

        press = await rep.press("Visits")
        edited = await rep.wait_reply()
        assert edited.text == "No visits today"
        assert edited.edited
        await client.wait_delivered(press)
        answer = await rep.callback_answer(press)
        assert answer is not None
        assert answer["text"] == "Opening visits"
        assert [call["method"] for call in await client.calls("deleteWebhook")] == ["deleteWebhook"]
