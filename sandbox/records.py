"""A chat as the sandbox remembers it: users, messages in order, the files they carry.

Records serialise themselves twice: `to_api()` is the Bot API shape PTB parses, and
`to_sandbox()` is the richer view (current state after edits, deletions, reply keyboards)
that the control API gives to tests and the web chat.
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from typing import Any

from sandbox.text import Entity
from sandbox.waiting import Signal


@dataclass
class UserRecord:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    blocked: bool = False

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def to_sandbox(self) -> dict[str, Any]:
        return {**self.to_api(), "blocked": self.blocked}


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    data: bytes
    kind: str
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    # A size to report instead of the bytes' own, so tests can send "a 23 MB video" cheaply.
    reported_size: int | None = None

    @property
    def size(self) -> int:
        return self.reported_size if self.reported_size is not None else len(self.data)

    def to_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }

    def to_photo(self) -> list[dict[str, Any]]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": self.size,
                "width": self.width or 0,
                "height": self.height or 0,
            }
        ]

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document


@dataclass
class MessageRecord:
    """One message in a chat, holding its current state after edits."""

    message_id: int
    chat: ChatRecord
    sender: UserRecord
    date: int
    from_bot: bool
    text: str | None = None
    entities: list[Entity] = field(default_factory=list)
    source: str | None = None
    parse_mode: str | None = None
    html: str | None = None
    caption: str | None = None
    caption_entities: list[Entity] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    photo: FileRecord | None = None
    document: FileRecord | None = None
    location: dict[str, Any] | None = None
    contact: dict[str, Any] | None = None
    reply_to: MessageRecord | None = None
    link_preview_options: dict[str, Any] | None = None
    disable_notification: bool = False
    service: dict[str, Any] | None = None
    edit_date: int | None = None
    edit_count: int = 0
    deleted: bool = False

    @property
    def has_media(self) -> bool:
        return self.photo is not None or self.document is not None

    def to_api(self, *, with_reply: bool = True) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if with_reply and self.reply_to is not None:
            message["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = copy.deepcopy(self.entities)
        if self.link_preview_options:
            message["link_preview_options"] = dict(self.link_preview_options)
        if self.photo is not None:
            message["photo"] = self.photo.to_photo()
        if self.document is not None:
            message["document"] = self.document.to_document()
        if self.caption:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = copy.deepcopy(self.caption_entities)
        if self.location is not None:
            message["location"] = dict(self.location)
        if self.contact is not None:
            message["contact"] = dict(self.contact)
        if self.service:
            message.update(self.service)
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = copy.deepcopy(self.reply_markup)
        return message

    def to_sandbox(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "chat_id": self.chat.id,
            "from_bot": self.from_bot,
            "from": self.sender.to_api(),
            "date": self.date,
            "text": self.text,
            "html": self.html,
            "source": self.source,
            "parse_mode": self.parse_mode,
            "entities": copy.deepcopy(self.entities),
            "caption": self.caption,
            "caption_entities": copy.deepcopy(self.caption_entities),
            "reply_markup": copy.deepcopy(self.reply_markup),
            "photo": self.photo.to_photo() if self.photo else None,
            "document": self.document.to_document() if self.document else None,
            "location": self.location,
            "contact": self.contact,
            "reply_to_message_id": self.reply_to.message_id if self.reply_to else None,
            "link_preview_options": self.link_preview_options,
            "disable_notification": self.disable_notification,
            "service": self.service,
            "edited": self.edit_count > 0,
            "edit_count": self.edit_count,
            "edit_date": self.edit_date,
            "deleted": self.deleted,
        }


@dataclass
class ChatRecord:
    """A private chat (id == user id) or a group; keeps every message in order."""

    id: int
    type: str
    user: UserRecord | None = None
    title: str | None = None
    messages: list[MessageRecord] = field(default_factory=list)
    by_id: dict[int, MessageRecord] = field(default_factory=dict)
    next_message_id: int = 1
    events: list[dict[str, Any]] = field(default_factory=list)
    migrated_to: int | None = None
    chat_instance: str = field(default_factory=lambda: str(secrets.randbits(62)))
    signal: Signal = field(default_factory=Signal)

    def to_api(self) -> dict[str, Any]:
        if self.type == "private" and self.user is not None:
            chat = {
                k: v
                for k, v in self.user.to_api().items()
                if k in ("id", "first_name", "last_name", "username")
            }
            chat["type"] = "private"
            return chat
        return {"id": self.id, "title": self.title or "", "type": self.type}

    def to_sandbox(self) -> dict[str, Any]:
        return {**self.to_api(), "message_count": len(self.messages), "migrated_to": self.migrated_to}

    def add_message(self, message: MessageRecord) -> MessageRecord:
        self.messages.append(message)
        self.by_id[message.message_id] = message
        self.next_message_id = max(self.next_message_id, message.message_id + 1)
        self.record_event("message", message)
        return message

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def record_event(self, kind: str, message: MessageRecord | None = None, **details: Any) -> int:
        """Appends to the chat's event log (what waiters watch) and wakes them."""
        seq = len(self.events) + 1
        event: dict[str, Any] = {"seq": seq, "kind": kind, **details}
        if message is not None:
            event["message_id"] = message.message_id
            event["from_bot"] = message.from_bot
        self.events.append(event)
        self.signal.notify()
        return seq

    @property
    def seq(self) -> int:
        return len(self.events)
