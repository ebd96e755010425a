"""While the database is unreachable: one short line to each person who writes, sent without it.

The webhook cannot store an update then, so it answers 503 and Telegram delivers the update again
later, when it is processed as usual. Meanwhile the person is told at once to try again in a
minute, in the language of their Telegram app (the language they chose is in the database).
Telegram redelivers the same update many times and a worried person writes again, so each person
is told once per outage; an outage ends with the first update stored again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram.error import TelegramError

from bot.runtime.context import CrmApplication

log = logging.getLogger(__name__)

TOLD_KEY = "outage_told"
# A send to Telegram that takes longer than this is given up: the webhook call is waiting.
SEND_TIMEOUT = 5.0


@dataclass(frozen=True)
class Reader:
    """Who sent an update, their app's language, and how to answer them without the database."""

    user_id: int
    language_code: str | None
    answer: Callable[[CrmApplication, str], Awaitable[object]]


async def tell(application: CrmApplication, update: dict[str, Any]) -> None:
    """Tell the person behind `update` that the bot is unavailable, unless told in this outage."""
    reader = reader_of(update)
    told = _told(application)
    if reader is None or reader.user_id in told:
        return
    told.add(reader.user_id)
    t = application.app_language_translator(reader.language_code)
    text = t.gettext("FieldCRM is temporarily unavailable. Please try again in a minute.")
    try:
        await asyncio.wait_for(reader.answer(application, text), SEND_TIMEOUT)
    except (TelegramError, TimeoutError):
        log.warning("could not tell user %s that the bot is unavailable", reader.user_id)


def over(application: CrmApplication) -> None:
    """The database took an update again: the next outage tells everyone afresh."""
    _told(application).clear()


def _told(application: CrmApplication) -> set[int]:
    told: set[int] = application.bot_data.setdefault(TOLD_KEY, set())
    return told


def reader_of(update: dict[str, Any]) -> Reader | None:
    """None when no one should be answered: an edit, an inline query, a group message that is not
    a command, or a body without a sender."""
    message, query = update.get("message"), update.get("callback_query")
    if isinstance(message, dict):
        chat, text = message.get("chat"), message.get("text")
        if not isinstance(chat, dict) or not _is_int(chat.get("id")):
            return None
        if chat.get("type") != "private" and not (isinstance(text, str) and text.startswith("/")):
            return None
        chat_id = int(chat["id"])
        return _reader(message.get("from"), lambda app, line: app.bot.send_message(chat_id, line))
    if isinstance(query, dict) and isinstance(query.get("id"), str):
        query_id = str(query["id"])
        return _reader(query.get("from"), lambda app, line: app.bot.answer_callback_query(query_id, line))
    return None


def _reader(sender: object, answer: Callable[[CrmApplication, str], Awaitable[object]]) -> Reader | None:
    if not isinstance(sender, dict) or not _is_int(sender.get("id")):
        return None
    code = sender.get("language_code")
    return Reader(int(sender["id"]), code if isinstance(code, str) else None, answer)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
