"""Checks shared by the sending and editing methods."""

from __future__ import annotations

from typing import Any

from sandbox.errors import ApiError, bad_request, forbidden
from sandbox.html import parse_html, to_html
from sandbox.markdown import parse_markdown, parse_markdown_v2
from sandbox.methods.base import Call
from sandbox.normalize import normalize
from sandbox.records import ChatRecord, MessageRecord
from sandbox.text import FormattedText, from_entities

MAX_TEXT = 4096
MAX_CAPTION = 1024
DELETE_WINDOW = 48 * 3600


def resolve_chat(call: Call, name: str = "chat_id", *, check_blocked: bool = True) -> ChatRecord:
    """The chat a bot addresses, failing as Telegram does for unknown, blocked or migrated chats."""
    chat_id = call.params.chat_id(name)
    chat = call.bot.chats.get(chat_id)
    if chat is None:
        if chat_id in call.bot.users:
            raise forbidden("bot can't initiate conversation with a user")
        raise bad_request("chat not found")
    if chat.migrated_to is not None:
        raise ApiError(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            parameters={"migrate_to_chat_id": chat.migrated_to},
        )
    if check_blocked and chat.user is not None and chat.user.blocked:
        raise forbidden("bot was blocked by the user")
    return chat


def parse_formatted(
    call: Call, text: str, *, entities_name: str, parse_mode_name: str = "parse_mode"
) -> FormattedText:
    """Text with its parse mode or explicit entities applied (explicit entities win, as on Telegram)."""
    entities = call.params.json(entities_name, what="message entities")
    if entities is not None:
        if not isinstance(entities, list):
            raise bad_request("can't parse message entities JSON object")
        return from_entities(text, entities)
    parse_mode = (call.params.string(parse_mode_name) or "").strip().lower()
    if not parse_mode:
        return FormattedText(text)
    if parse_mode == "html":
        users = {user_id: user.to_api() for user_id, user in call.bot.users.items()}
        return parse_html(text, users=users)
    if parse_mode == "markdownv2":
        return parse_markdown_v2(text)
    if parse_mode == "markdown":
        return parse_markdown(text)
    raise bad_request("unsupported parse_mode")


def message_text(call: Call) -> tuple[FormattedText, str]:
    """Normalised text of sendMessage/editMessageText plus its HTML rendering."""
    raw = call.params.string("text")
    if raw is None or raw == "":
        raise bad_request("message text is empty")
    formatted = normalize(parse_formatted(call, raw, entities_name="entities"))
    if formatted.utf16_length > MAX_TEXT:
        raise bad_request("message is too long")
    return formatted, to_html(formatted)


def caption_text(call: Call) -> FormattedText | None:
    raw = call.params.string("caption")
    if not raw:
        return None
    formatted = normalize(parse_formatted(call, raw, entities_name="caption_entities"), allow_empty=True)
    if formatted.utf16_length > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return formatted if formatted.text else None


def check_flood(call: Call, chat: ChatRecord) -> None:
    flood = call.runtime.flood
    if flood is not None:
        flood.check_send(call.bot.token, chat.id, is_group=chat.type != "private")


def reply_target(call: Call, chat: ChatRecord) -> MessageRecord | None:
    """The message a send replies to, from reply_parameters or the older reply_to_message_id."""
    parameters: Any = call.params.json("reply_parameters", what="reply parameters")
    allow_missing = call.params.boolean("allow_sending_without_reply")
    message_id: int | None
    if isinstance(parameters, dict):
        message_id = parameters.get("message_id") if isinstance(parameters.get("message_id"), int) else None
        allow_missing = bool(parameters.get("allow_sending_without_reply", allow_missing))
        if message_id is None:
            raise bad_request("message to be replied not found")
    else:
        message_id = call.params.integer("reply_to_message_id")
    if message_id is None:
        return None
    target = chat.by_id.get(message_id)
    if target is None or target.deleted:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return target


def find_message(call: Call, chat: ChatRecord, *, missing: str) -> MessageRecord:
    message_id = call.params.integer("message_id", error="message identifier is not specified")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.by_id.get(message_id)
    if message is None or message.deleted or message.service is not None:
        raise bad_request(missing)
    return message


def new_bot_message(call: Call, chat: ChatRecord) -> MessageRecord:
    return MessageRecord(
        message_id=chat.take_message_id(),
        chat=chat,
        sender=call.bot.user,
        date=call.now(),
        from_bot=True,
        disable_notification=call.params.boolean("disable_notification"),
    )
