"""What the sandbox remembers per bot token: chats, files, queries, webhook, call log."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

from sandbox.records import ChatRecord, FileRecord, UserRecord
from sandbox.updates import UpdateQueue

CALL_LOG_LIMIT = 100_000


class Clock:
    """Wall-clock seconds that tests can move forward (query expiry, message age)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


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
        self.calls: deque[CallRecord] = deque(maxlen=CALL_LOG_LIMIT)
        # Every call and every refusal by HTTP status, kept whole while the call log rotates.
        self.call_counts: Counter[str] = Counter()
        self.error_counts: Counter[int] = Counter()

    def stats(self) -> dict[str, Any]:
        return {
            "calls": dict(self.call_counts),
            "errors": {str(status): count for status, count in self.error_counts.items()},
        }

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
