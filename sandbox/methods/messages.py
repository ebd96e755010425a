"""Sending, editing and deleting text messages, and chat actions."""

from __future__ import annotations

from typing import Any

from sandbox.errors import bad_request
from sandbox.html import to_html
from sandbox.markup import parse_reply_markup
from sandbox.methods.base import Call, method
from sandbox.methods.common import (
    DELETE_WINDOW,
    caption_text,
    check_flood,
    find_message,
    message_text,
    new_bot_message,
    reply_target,
    resolve_chat,
)
from sandbox.records import MessageRecord

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


def link_preview(call: Call) -> dict[str, Any] | None:
    options = call.params.json("link_preview_options", what="link preview options")
    if isinstance(options, dict) and options:
        return options
    if call.params.boolean("disable_web_page_preview"):
        return {"is_disabled": True}
    return None


@method("sendMessage")
async def send_message(call: Call) -> dict[str, Any]:
    chat = resolve_chat(call)
    formatted, html = message_text(call)
    markup = parse_reply_markup(call.params.json("reply_markup", what="reply keyboard markup"))
    reply_to = reply_target(call, chat)
    options = link_preview(call)
    check_flood(call, chat)
    message = new_bot_message(call, chat)
    message.text = formatted.text
    message.entities = formatted.to_entities()
    message.source = call.params.string("text")
    message.parse_mode = call.params.string("parse_mode")
    message.html = html
    message.reply_markup = markup
    message.reply_to = reply_to
    message.link_preview_options = options
    chat.add_message(message)
    return message.to_api()


def _editable(call: Call, *, check_blocked: bool = True) -> MessageRecord:
    if call.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = resolve_chat(call, check_blocked=check_blocked)
    message = find_message(call, chat, missing="message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _finish_edit(call: Call, message: MessageRecord) -> dict[str, Any]:
    message.edit_date = call.now()
    message.edit_count += 1
    message.chat.record_event("edit", message)
    return message.to_api()


@method("editMessageText")
async def edit_message_text(call: Call) -> dict[str, Any]:
    message = _editable(call)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    formatted, html = message_text(call)
    markup = parse_reply_markup(
        call.params.json("reply_markup", what="reply keyboard markup"), inline_only=True
    )
    entities = formatted.to_entities()
    if formatted.text == message.text and entities == message.entities and markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.text = formatted.text
    message.entities = entities
    message.source = call.params.string("text")
    message.parse_mode = call.params.string("parse_mode")
    message.html = html
    message.reply_markup = markup
    options = link_preview(call)
    if options is not None:
        message.link_preview_options = options
    return _finish_edit(call, message)


@method("editMessageCaption")
async def edit_message_caption(call: Call) -> dict[str, Any]:
    message = _editable(call)
    if not message.has_media:
        raise bad_request("there is no caption in the message to edit")
    formatted = caption_text(call)
    markup = parse_reply_markup(
        call.params.json("reply_markup", what="reply keyboard markup"), inline_only=True
    )
    caption = formatted.text if formatted else None
    entities = formatted.to_entities() if formatted else []
    if caption == message.caption and entities == message.caption_entities and markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.caption = caption
    message.caption_entities = entities
    message.html = to_html(formatted) if formatted else None
    message.reply_markup = markup
    return _finish_edit(call, message)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    message = _editable(call)
    markup = parse_reply_markup(
        call.params.json("reply_markup", what="reply keyboard markup"), inline_only=True
    )
    if markup == message.reply_markup or (not markup and not message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    message.reply_markup = markup
    return _finish_edit(call, message)


def _delete(call: Call, message: MessageRecord) -> None:
    if call.now() - message.date > DELETE_WINDOW:
        raise bad_request("message can't be deleted for everyone")
    message.deleted = True
    message.chat.record_event("delete", message)


@method("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat = resolve_chat(call, check_blocked=False)
    message = find_message(call, chat, missing="message to delete not found")
    _delete(call, message)
    return True


@method("deleteMessages")
async def delete_messages(call: Call) -> bool:
    chat = resolve_chat(call, check_blocked=False)
    ids = call.params.json("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must be a non-empty array of at most 100 identifiers")
    for message_id in ids:
        message = chat.by_id.get(message_id) if isinstance(message_id, int) else None
        if message is not None and not message.deleted:
            _delete(call, message)
    return True


@method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    chat = resolve_chat(call)
    action = call.params.string("action")
    if not action:
        raise bad_request("action is empty")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.record_event("chat_action", action=action)
    return True
