"""Test-side client for the sandbox: act as Telegram users, read what the bot sent.

async with SandboxClient(server.url, token) as sandbox:
    rep = await sandbox.user(1001, first_name="Li", language_code="zh-hans")
    update_id = await rep.send("/start")
    reply = await rep.wait_reply()
    await rep.press("Log a visit")
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp

WAIT_STEP = 10.0


class SandboxError(Exception):
    """The control API refused a request (unknown user, no such button, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass
class SandboxMessage:
    """A chat message as it is now (after edits), sent by the bot or by a user."""

    message_id: int
    from_bot: bool
    text: str | None
    html: str | None
    entities: list[dict[str, Any]]
    caption: str | None
    reply_markup: dict[str, Any] | None
    photo: list[dict[str, Any]] | None
    document: dict[str, Any] | None
    location: dict[str, Any] | None
    contact: dict[str, Any] | None
    edited: bool
    deleted: bool
    date: int
    chat_id: int = 0
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    edit_count: int = 0
    parse_mode: str | None = None
    source: str | None = None
    reply_to_message_id: int | None = None
    service: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SandboxMessage:
        return cls(
            message_id=data["message_id"],
            from_bot=data["from_bot"],
            text=data.get("text"),
            html=data.get("html"),
            entities=data.get("entities") or [],
            caption=data.get("caption"),
            reply_markup=data.get("reply_markup"),
            photo=data.get("photo"),
            document=data.get("document"),
            location=data.get("location"),
            contact=data.get("contact"),
            edited=data.get("edited", False),
            deleted=data.get("deleted", False),
            date=data.get("date", 0),
            chat_id=data.get("chat_id", 0),
            caption_entities=data.get("caption_entities") or [],
            edit_count=data.get("edit_count", 0),
            parse_mode=data.get("parse_mode"),
            source=data.get("source"),
            reply_to_message_id=data.get("reply_to_message_id"),
            service=data.get("service"),
            raw=data,
        )

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has."""
        return self.text or self.caption or ""

    def buttons(self) -> list[list[str]]:
        """Inline button labels, row by row."""
        markup = self.reply_markup or {}
        return [[button["text"] for button in row] for row in markup.get("inline_keyboard", [])]

    def inline_button(self, label: str) -> dict[str, Any]:
        for row in (self.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return dict(button)
        labels = [text for row in self.buttons() for text in row]
        raise LookupError(f"no inline button {label!r} in message {self.message_id}; buttons: {labels}")

    def button_data(self, label: str) -> str:
        """callback_data of the button with this label."""
        button = self.inline_button(label)
        if "callback_data" not in button:
            raise LookupError(f"button {label!r} has no callback_data: {button}")
        return str(button["callback_data"])

    def keyboard(self) -> list[list[str]] | None:
        """Reply keyboard labels, or None when the message carries no reply keyboard."""
        markup = self.reply_markup or {}
        if "keyboard" not in markup:
            return None
        return [[button["text"] for button in row] for row in markup["keyboard"]]


class SandboxClient:
    """HTTP client for one bot's control API; owns an aiohttp session."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def request(self, verb: str, path: str, **kwargs: Any) -> Any:
        """One control API call under /sandbox/<token>/; raises SandboxError on 4xx."""
        url = f"{self.base_url}/sandbox/{self.token}/{path}"
        async with self.session.request(verb, url, **kwargs) as response:
            body = await response.json(content_type=None)
            if response.status >= 400:
                message = body.get("error", body) if isinstance(body, dict) else body
                raise SandboxError(response.status, str(message))
            return body

    async def bot_api(self, method: str, **params: Any) -> Any:
        """Calls the Bot API as the bot would (for checks that need the bot's view)."""
        url = f"{self.base_url}/bot{self.token}/{method}"
        async with self.session.post(url, json=params) as response:
            body = await response.json(content_type=None)
        if not body.get("ok"):
            raise SandboxError(int(body.get("error_code", 500)), str(body.get("description")))
        return body["result"]

    async def user(
        self,
        user_id: int,
        *,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SandboxUser:
        """Defines (or updates) a Telegram user; their private chat id equals their id."""
        await self.request(
            "POST",
            "users",
            json={
                "id": user_id,
                "first_name": first_name,
                "last_name": last_name,
                "username": username,
                "language_code": language_code,
            },
        )
        return SandboxUser(self, user_id)

    async def update(self, update_id: int, *, wait: float = 0) -> dict[str, Any]:
        result: dict[str, Any] = await self.request("GET", f"updates/{update_id}", params={"wait": str(wait)})
        return result

    async def wait_delivered(self, update_id: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until the bot confirmed the update (getUpdates offset) or its webhook answered 2xx."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            status = await self.update(update_id, wait=max(0.0, min(remaining, WAIT_STEP)))
            if status["status"] == "delivered":
                return
            if status["status"] != "pending":
                raise SandboxError(
                    409, f"update {update_id} was {status['status']}, it will never be delivered"
                )
            if loop.time() >= deadline:
                raise TimeoutError(f"update {update_id} not delivered within {timeout} s")

    async def commands(
        self, *, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """The command list stored for exactly this scope and language, as getMyCommands returns it."""
        params = {"language_code": language_code}
        if scope is not None:
            params["scope"] = json.dumps(scope)
        result: list[dict[str, Any]] = await self.request("GET", "commands", params=params)
        return result

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """The bot's Bot API calls, oldest first: method, params, ok, result or error, time."""
        result: list[dict[str, Any]] = await self.request("GET", "calls", params={"method": method or ""})
        return result

    async def stats(self) -> dict[str, dict[str, int]]:
        """Counts since the server started: calls by method, refusals by HTTP status (e.g. "429")."""
        result: dict[str, dict[str, int]] = await self.request("GET", "stats")
        return result

    async def inject_fault(self, method: str, **kwargs: Any) -> None:
        """status, description, retry_after, times, delay: see SandboxServer.inject_fault."""
        await self.request("POST", "faults", json={"method": method, **kwargs})

    async def clear_faults(self) -> None:
        await self.request("DELETE", "faults")

    async def advance_time(self, seconds: float) -> None:
        """Moves the sandbox clock forward (message age, callback query expiry)."""
        async with self.session.post(f"{self.base_url}/sandbox/clock", json={"advance": seconds}) as response:
            response.raise_for_status()

    async def chat_messages(self, chat_id: int) -> list[SandboxMessage]:
        data = await self.request("GET", f"chats/{chat_id}/messages")
        return [SandboxMessage.from_dict(item) for item in data]

    async def download(self, file_id: str) -> bytes:
        """A file's bytes by file_id (what the user would see), bypassing the bot's call log."""
        async with self.session.get(f"{self.base_url}/sandbox/{self.token}/files/{file_id}") as response:
            if response.status >= 400:
                raise SandboxError(response.status, f"unknown file_id {file_id!r}")
            return await response.read()


class SandboxUser:
    """One simulated user acting in one chat (their private chat unless `in_group` was used)."""

    def __init__(
        self,
        client: SandboxClient,
        user_id: int,
        chat_id: int | None = None,
        *,
        chat_title: str | None = None,
    ) -> None:
        self.client = client
        self.id = user_id
        self.chat_id = chat_id if chat_id is not None else user_id
        self.chat_title = chat_title
        self._seq = 0

    def in_group(self, chat_id: int, *, title: str | None = None) -> SandboxUser:
        """The same user writing in a group chat (negative id)."""
        return SandboxUser(self.client, self.id, chat_id, chat_title=title)

    async def _send(self, **body: Any) -> int:
        if self.chat_title:
            body["chat_title"] = self.chat_title
        return await self._post_update(f"chats/{self.chat_id}/messages", json={"from_id": self.id, **body})

    async def _post_update(self, path: str, **kwargs: Any) -> int:
        """A control call that makes an update: the id of that update, and the chat's event count noted."""
        result = await self.client.request("POST", path, **kwargs)
        self._seq = result["seq"]
        return int(result["update_id"])

    async def send(self, text: str, *, reply_to: int | None = None) -> int:
        """Sends a text message; returns the update id."""
        return await self._send(text=text, reply_to_message_id=reply_to)

    async def edit(self, message_id: int, text: str) -> int:
        """Edits one of this user's messages; returns the id of the `edited_message` update."""
        return await self._post_update(
            f"chats/{self.chat_id}/messages/{message_id}/edit", json={"from_id": self.id, "text": text}
        )

    async def send_location(
        self, latitude: float, longitude: float, *, horizontal_accuracy: float | None = None
    ) -> int:
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        return await self._send(location=location)

    async def send_contact(self, phone_number: str, *, first_name: str, user_id: int | None = None) -> int:
        return await self._send(
            contact={"phone_number": phone_number, "first_name": first_name, "user_id": user_id}
        )

    async def _upload(
        self,
        kind: str,
        data: bytes,
        *,
        filename: str,
        mime_type: str,
        caption: str | None,
        file_size: int | None = None,
    ) -> int:
        form = aiohttp.FormData()
        form.add_field("from_id", str(self.id))
        form.add_field("kind", kind)
        if caption:
            form.add_field("caption", caption)
        if file_size is not None:
            form.add_field("file_size", str(file_size))
        if self.chat_title:
            form.add_field("chat_title", self.chat_title)
        form.add_field("file", data, filename=filename, content_type=mime_type)
        return await self._post_update(f"chats/{self.chat_id}/messages", data=form)

    async def send_photo(
        self,
        data: bytes,
        *,
        caption: str | None = None,
        filename: str = "photo.jpg",
        file_size: int | None = None,
    ) -> int:
        """`file_size` makes Telegram report that size instead of the bytes' own."""
        return await self._upload(
            "photo", data, filename=filename, mime_type="image/jpeg", caption=caption, file_size=file_size
        )

    async def send_document(
        self,
        data: bytes,
        *,
        filename: str,
        mime_type: str,
        caption: str | None = None,
        file_size: int | None = None,
    ) -> int:
        """`file_size` makes Telegram report that size instead of the bytes' own."""
        return await self._upload(
            "document", data, filename=filename, mime_type=mime_type, caption=caption, file_size=file_size
        )

    async def press(self, label: str, *, message_id: int | None = None) -> int:
        """Presses the inline button with this exact label in the newest bot message that has one."""
        message = await self._message_with_button(label, message_id)
        return await self._press(message.message_id, message.button_data(label), crafted=False)

    async def press_data(self, data: str, *, message_id: int) -> int:
        """Presses a button of that message with any callback data, as a modified client can."""
        return await self._press(message_id, data, crafted=True)

    async def _press(self, message_id: int, data: str, *, crafted: bool) -> int:
        return await self._post_update(
            "callback",
            json={
                "from_id": self.id,
                "chat_id": self.chat_id,
                "message_id": message_id,
                "data": data,
                "crafted": crafted,
            },
        )

    async def _message_with_button(self, label: str, message_id: int | None) -> SandboxMessage:
        visible = [m for m in await self.bot_messages() if not m.deleted]
        if message_id is not None:
            for message in visible:
                if message.message_id == message_id:
                    message.inline_button(label)
                    return message
            raise LookupError(f"no bot message {message_id} in chat {self.chat_id}")
        with_keyboard = [m for m in reversed(visible) if m.buttons()]
        for message in with_keyboard:
            if any(label in row for row in message.buttons()):
                return message
        newest = with_keyboard[0].buttons() if with_keyboard else []
        raise LookupError(f"no inline button {label!r} in chat {self.chat_id}; newest keyboard: {newest}")

    async def callback_answer(self, update_id: int) -> dict[str, Any] | None:
        """The bot's answerCallbackQuery for the press made with that update (None if not yet)."""
        update = await self.client.update(update_id)
        query_id = update["update"]["callback_query"]["id"]
        answer: dict[str, Any] | None = await self.client.request("GET", f"callback/{query_id}")
        return answer

    async def messages(self) -> list[SandboxMessage]:
        """The whole chat, oldest first, user and bot messages."""
        return await self.client.chat_messages(self.chat_id)

    async def bot_messages(self) -> list[SandboxMessage]:
        return [m for m in await self.messages() if m.from_bot]

    async def last_message(self) -> SandboxMessage:
        """The newest bot message that is not deleted, as it is now."""
        for message in reversed(await self.bot_messages()):
            if not message.deleted:
                return message
        raise LookupError(f"the bot has sent nothing to chat {self.chat_id}")

    async def wait_reply(self, timeout: float = 5.0) -> SandboxMessage:  # noqa: ASYNC109
        """The next bot message or edit after this user's last action (sends, presses)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no reply in chat {self.chat_id} within {timeout} s")
            try:
                result = await self.client.request(
                    "GET",
                    f"chats/{self.chat_id}/events",
                    params={"after": str(self._seq), "wait": str(min(remaining, WAIT_STEP))},
                )
            except SandboxError as exc:
                if exc.status != 404:
                    raise
                await asyncio.sleep(min(remaining, 0.05))
                continue
            for event in result["events"]:
                self._seq = event["seq"]
                if event.get("from_bot") and event["kind"] in ("message", "edit"):
                    return await self._message(event["message_id"])

    async def _message(self, message_id: int) -> SandboxMessage:
        for message in await self.messages():
            if message.message_id == message_id:
                return message
        raise LookupError(f"message {message_id} not found in chat {self.chat_id}")

    async def download(self, file_id: str) -> bytes:
        return await self.client.download(file_id)

    async def inline_query(self, query: str, *, offset: str = "") -> int:
        result = await self.client.request(
            "POST", "inline_query", json={"from_id": self.id, "query": query, "offset": offset}
        )
        return int(result["update_id"])

    async def inline_answer(self, update_id: int) -> dict[str, Any] | None:
        update = await self.client.update(update_id)
        query_id = update["update"]["inline_query"]["id"]
        answer: dict[str, Any] | None = await self.client.request("GET", f"inline_query/{query_id}")
        return answer

    async def block(self) -> None:
        await self.client.request("POST", f"users/{self.id}/block")

    async def unblock(self) -> None:
        await self.client.request("POST", f"users/{self.id}/unblock")

    async def visible_commands(self) -> list[dict[str, Any]]:
        """The command menu this user sees in this chat, after Telegram's scope/language lookup."""
        result: list[dict[str, Any]] = await self.client.request(
            "GET", f"chats/{self.chat_id}/commands", params={"user_id": str(self.id)}
        )
        return result
