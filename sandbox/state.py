"""What the sandbox remembers per bot: users, chats with their full history, files, queries.

Objects serialise themselves twice: `to_api()` is the Bot API shape PTB parses, and
`to_sandbox()` is the richer view (current state after edits, deletions, reply keyboards)
that the control API gives to tests and the web chat.
"""

from __future__ import annotations

import copy
import hashlib
import re
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sandbox.text import Entity
from sandbox.updates import UpdateQueue
from sandbox.waiting import Signal

MESSAGE_LOG_LIMIT = 100_000


class Clock:
    """Wall-clock seconds that tests can move forward (query expiry, message age)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


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

    @property
    def size(self) -> int:
        return len(self.data)

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


@dataclass
class CallbackQueryRecord:
    id: str
    user: UserRecord
    chat: ChatRecord
    message_id: int
    data: str
    created_at: float
    update_id: int
    answer: dict[str, Any] | None = None

    def to_sandbox(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "from_id": self.user.id,
            "chat_id": self.chat.id,
            "message_id": self.message_id,
            "data": self.data,
            "update_id": self.update_id,
            "answer": self.answer,
        }


@dataclass
class InlineQueryRecord:
    id: str
    user: UserRecord
    query: str
    offset: str
    created_at: float
    update_id: int
    answer: dict[str, Any] | None = None


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class CallRecord:
    method: str
    params: dict[str, Any]
    time: float
    ok: bool
    result: Any = None
    error: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": self.params,
            "time": self.time,
            "ok": self.ok,
            "result": self.result,
            "error": self.error,
        }


class BotState:
    """Everything one bot token owns."""

    def __init__(self, token: str, *, username: str, first_name: str) -> None:
        self.token = token
        self.id = int(token.split(":", 1)[0])
        self.user = UserRecord(self.id, first_name, username=username, is_bot=True)
        self.users: dict[int, UserRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.files: dict[str, FileRecord] = {}
        self.files_by_path: dict[str, FileRecord] = {}
        self.updates = UpdateQueue()
        self.webhook: WebhookConfig | None = None
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.inline_queries: dict[str, InlineQueryRecord] = {}
        self.calls: deque[CallRecord] = deque(maxlen=MESSAGE_LOG_LIMIT)

    def add_file(
        self,
        data: bytes,
        *,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> FileRecord:
        number = len(self.files) + 1
        folder = "photos" if kind == "photo" else "documents"
        extension = _extension(file_name, mime_type, kind)
        record = FileRecord(
            file_id=f"{'AgAC' if kind == 'photo' else 'BQAC'}{secrets.token_urlsafe(24)}",
            file_unique_id=hashlib.sha256(data).hexdigest()[:16],
            data=data,
            kind=kind,
            file_path=f"{folder}/file_{number}{extension}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[record.file_id] = record
        self.files_by_path[record.file_path] = record
        return record

    def chat_of_user(self, user: UserRecord) -> ChatRecord:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = ChatRecord(user.id, "private", user=user)
            self.chats[user.id] = chat
        return chat

    def group_chat(self, chat_id: int, title: str | None) -> ChatRecord:
        chat = self.chats.get(chat_id)
        if chat is None:
            kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
            chat = ChatRecord(chat_id, kind, title=title or f"Group {-chat_id}")
            self.chats[chat_id] = chat
        elif title:
            chat.title = title
        return chat


def _extension(file_name: str | None, mime_type: str | None, kind: str) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1].lower()
    if kind == "photo":
        return ".jpg"
    if mime_type == "application/pdf":
        return ".pdf"
    return ""


def new_query_id() -> str:
    return str(secrets.randbits(63))


TOKEN_PATTERN = re.compile(r"(\d+):[A-Za-z0-9_-]{10,}")


class BotRegistry:
    """Bots by token, created on first use: any well-formed token is a valid bot."""

    def __init__(self, *, username: str, first_name: str) -> None:
        self.username = username
        self.first_name = first_name
        self.bots: dict[str, BotState] = {}

    def get(self, token: str) -> BotState | None:
        bot = self.bots.get(token)
        if bot is None:
            if not TOKEN_PATTERN.fullmatch(token):
                return None
            bot = BotState(token, username=self.username, first_name=self.first_name)
            self.bots[token] = bot
        return bot
