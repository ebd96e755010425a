"""Photos, documents, locations and contacts sent by the bot, and getFile."""

from __future__ import annotations

from typing import Any

from sandbox.errors import bad_request
from sandbox.files import store_upload
from sandbox.html import to_html
from sandbox.markup import parse_reply_markup
from sandbox.methods.base import Call, method
from sandbox.methods.common import caption_text, check_flood, new_bot_message, reply_target, resolve_chat
from sandbox.params import Upload
from sandbox.records import FileRecord

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


def input_file(call: Call, name: str, *, kind: str) -> FileRecord:
    value = call.params.upload(name)
    if value is None:
        raise bad_request(f"there is no {name} in the request")
    if isinstance(value, Upload):
        return store_upload(call.bot, value, kind=kind)
    if value.lower().startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    record = call.bot.files.get(value)
    if record is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if record.kind != kind:
        raise bad_request("type of file mismatch")
    return record


async def _send_media(call: Call, *, kind: str) -> dict[str, Any]:
    chat = resolve_chat(call)
    caption = caption_text(call)
    markup = parse_reply_markup(call.params.json("reply_markup", what="reply keyboard markup"))
    reply_to = reply_target(call, chat)
    media = input_file(call, kind, kind=kind)
    check_flood(call, chat)
    message = new_bot_message(call, chat)
    if kind == "photo":
        message.photo = media
    else:
        message.document = media
    if caption is not None:
        message.caption = caption.text
        message.caption_entities = caption.to_entities()
        message.html = to_html(caption)
        message.source = call.params.string("caption")
        message.parse_mode = call.params.string("parse_mode")
    message.reply_markup = markup
    message.reply_to = reply_to
    chat.add_message(message)
    return message.to_api()


@method("sendPhoto")
async def send_photo(call: Call) -> dict[str, Any]:
    return await _send_media(call, kind="photo")


@method("sendDocument")
async def send_document(call: Call) -> dict[str, Any]:
    return await _send_media(call, kind="document")


def _coordinate(call: Call, name: str, limit: float) -> float:
    value = call.params.number(name)
    if value is None:
        raise bad_request(f"{name} is empty")
    if not -limit <= value <= limit:
        raise bad_request("wrong location specified")
    return value


@method("sendLocation")
async def send_location(call: Call) -> dict[str, Any]:
    chat = resolve_chat(call)
    location: dict[str, Any] = {
        "latitude": _coordinate(call, "latitude", 90.0),
        "longitude": _coordinate(call, "longitude", 180.0),
    }
    for name in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
        value = call.params.number(name)
        if value is not None:
            location[name] = int(value) if name != "horizontal_accuracy" else value
    markup = parse_reply_markup(call.params.json("reply_markup", what="reply keyboard markup"))
    reply_to = reply_target(call, chat)
    check_flood(call, chat)
    message = new_bot_message(call, chat)
    message.location = location
    message.reply_markup = markup
    message.reply_to = reply_to
    chat.add_message(message)
    return message.to_api()


@method("sendContact")
async def send_contact(call: Call) -> dict[str, Any]:
    chat = resolve_chat(call)
    phone = call.params.string("phone_number")
    first_name = call.params.string("first_name")
    if not phone:
        raise bad_request("phone_number is empty")
    if not first_name:
        raise bad_request("first_name is empty")
    contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name}
    for name in ("last_name", "vcard"):
        value = call.params.string(name)
        if value:
            contact[name] = value
    markup = parse_reply_markup(call.params.json("reply_markup", what="reply keyboard markup"))
    check_flood(call, chat)
    message = new_bot_message(call, chat)
    message.contact = contact
    message.reply_markup = markup
    chat.add_message(message)
    return message.to_api()


@method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    file_id = call.params.string("file_id")
    if not file_id:
        raise bad_request("file_id is empty")
    record = call.bot.files.get(file_id)
    if record is None:
        raise bad_request("invalid file_id")
    if record.size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return record.to_file()
