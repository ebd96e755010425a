"""Outbox payloads: a Bot API method and its parameters, as JSON the sender can replay."""

from __future__ import annotations

import base64
from typing import Any

from telegram import InlineKeyboardMarkup


def message(text: str, keyboard: InlineKeyboardMarkup | None = None) -> dict[str, Any]:
    """A sendMessage with HTML text and, optionally, inline buttons."""
    params: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
    if keyboard is not None:
        params["reply_markup"] = keyboard.to_dict()
    return {"method": "sendMessage", "params": params}


def photo(png: bytes, *, filename: str, caption: str | None = None) -> dict[str, Any]:
    """A sendPhoto uploading `png`; the bytes ride along base64-encoded until the sender sends them."""
    params: dict[str, Any] = {"parse_mode": "HTML"}
    if caption:
        params["caption"] = caption
    upload = {"filename": filename, "base64": base64.b64encode(png).decode("ascii")}
    return {"method": "sendPhoto", "params": params, "files": {"photo": upload}}


def photo_by_id(file_id: str, caption: str) -> dict[str, Any]:
    """A sendPhoto of a photo Telegram already holds: nothing to upload, the file_id is enough."""
    return {"method": "sendPhoto", "params": {"photo": file_id, "caption": caption, "parse_mode": "HTML"}}
