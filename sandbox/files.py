"""Files uploaded by the bot or by simulated users, stored per bot like Telegram's file ids."""

from __future__ import annotations

import mimetypes

from sandbox.errors import ApiError, bad_request
from sandbox.images import image_size
from sandbox.params import Upload
from sandbox.records import FileRecord
from sandbox.state import BotState

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def store_upload(
    bot: BotState, upload: Upload, *, kind: str, strict: bool = True, trust_content_type: bool = False
) -> FileRecord:
    """Keeps uploaded bytes as a file; photos must be images Telegram could process."""
    if not upload.data:
        raise bad_request("file must be non-empty")
    if len(upload.data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "Request Entity Too Large")
    if kind == "photo":
        if len(upload.data) > MAX_PHOTO_BYTES:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        size = image_size(upload.data)
        if size is None:
            if strict:
                raise bad_request("IMAGE_PROCESS_FAILED")
            size = (800, 600)
        return bot.add_file(upload.data, kind="photo", width=size[0], height=size[1])
    file_name = upload.filename or "document"
    declared = upload.content_type if upload.content_type != "application/octet-stream" else None
    guessed = mimetypes.guess_type(file_name)[0]
    preferred = (declared, guessed) if trust_content_type else (guessed, declared)
    mime_type = preferred[0] or preferred[1] or "application/octet-stream"
    return bot.add_file(upload.data, kind="document", file_name=file_name, mime_type=mime_type)
