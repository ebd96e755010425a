"""The bot's Bot API client: PTB's ExtBot, except for two refusals that are not failures.

Telegram accepts answerCallbackQuery only for a short while after the press, and refuses to edit a
message into what it already says. An update processed again after a crash or a failover meets
both (the toast is late, the edit was made the first time), and so does a double press; the work
and the messages that follow must still happen, so these refusals are logged and the handler goes on.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.runtime.settings import Settings

# The update kinds asked of Telegram, by polling and by webhook; handlers/common/access.py has a policy for
# each (an edited message is answered, never acted on) and drops any other kind that still arrives.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]

log = logging.getLogger(__name__)

STALE_QUERY = ("query is too old", "query id is invalid")
NOT_MODIFIED = "message is not modified"
# As ApplicationBuilder sizes them: many concurrent sends, one long poll.
CONNECTION_POOL_SIZE = 256


class CrmBot(ExtBot[int]):
    """Rate-limited by AIORateLimiter, whose per-call argument is its retry count."""

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return await super().answer_callback_query(*args, **kwargs)
        except BadRequest as error:
            if not any(marker in error.message.lower() for marker in STALE_QUERY):
                raise
            log.info("a button press was answered too late (%s); carrying on", error.message)
            return False

    async def edit_message_text(self, *args: Any, **kwargs: Any) -> Message | bool:
        try:
            return await super().edit_message_text(*args, **kwargs)
        except BadRequest as error:
            return _unchanged(error)

    async def edit_message_reply_markup(self, *args: Any, **kwargs: Any) -> Message | bool:
        try:
            return await super().edit_message_reply_markup(*args, **kwargs)
        except BadRequest as error:
            return _unchanged(error)

    async def edit_message_caption(self, *args: Any, **kwargs: Any) -> Message | bool:
        try:
            return await super().edit_message_caption(*args, **kwargs)
        except BadRequest as error:
            return _unchanged(error)


def _unchanged(error: BadRequest) -> bool:
    """True for "message is not modified": the message already says it. Anything else is raised."""
    if NOT_MODIFIED not in error.message.lower():
        raise error
    return True


def build_bot(settings: Settings) -> CrmBot:
    return CrmBot(
        token=settings.require_token(),
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        request=HTTPXRequest(connection_pool_size=CONNECTION_POOL_SIZE),
        get_updates_request=HTTPXRequest(),
        rate_limiter=AIORateLimiter(max_retries=2),
    )
