"""The control API under /sandbox/<token>/: simulated users act, tests observe.

Successful answers are plain JSON; failures are {"error": "..."} with a 4xx status.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox import users
from sandbox.commands import language_key, scope_key, visible_commands
from sandbox.errors import ApiError, ControlError
from sandbox.limits import Fault, FaultInjector
from sandbox.methods import Runtime
from sandbox.params import Upload
from sandbox.records import ChatRecord
from sandbox.state import BotRegistry, BotState

MAX_WAIT = 30.0
ControlHandler = Callable[[web.Request, BotState], Awaitable[Any]]


class ControlApi:
    """Routes for simulated users, inspection and fault injection."""

    def __init__(self, registry: BotRegistry, runtime: Runtime, faults: FaultInjector) -> None:
        self.registry = registry
        self.runtime = runtime
        self.faults = faults

    def add_routes(self, app: web.Application) -> None:
        routes: list[tuple[str, str, ControlHandler]] = [
            ("POST", "users", self.define_user),
            ("GET", "users", self.list_users),
            ("GET", "users/{user_id}", self.get_user),
            ("GET", "users/{user_id}/commands", self.user_commands),
            ("POST", "users/{user_id}/block", self.block),
            ("POST", "users/{user_id}/unblock", self.unblock),
            ("GET", "chats", self.list_chats),
            ("GET", "chats/{chat_id}", self.get_chat),
            ("POST", "chats/{chat_id}/messages", self.send_message),
            ("POST", "chats/{chat_id}/messages/{message_id}/edit", self.edit_message),
            ("GET", "chats/{chat_id}/messages", self.chat_messages),
            ("GET", "chats/{chat_id}/events", self.chat_events),
            ("GET", "chats/{chat_id}/commands", self.chat_commands),
            ("POST", "chats/{chat_id}/migrate", self.migrate),
            ("POST", "callback", self.press),
            ("GET", "callback/{query_id}", self.callback_answer),
            ("POST", "inline_query", self.inline_query),
            ("GET", "inline_query/{query_id}", self.inline_answer),
            ("GET", "updates/{update_id}", self.update_status),
            ("GET", "commands", self.commands),
            ("GET", "calls", self.calls),
            ("GET", "stats", self.stats),
            ("POST", "faults", self.add_fault),
            ("GET", "faults", self.list_faults),
            ("DELETE", "faults", self.clear_faults),
            ("GET", "webhook", self.webhook),
        ]
        for verb, path, handler in routes:
            app.router.add_route(verb, f"/sandbox/{{token}}/{path}", self._wrap(handler))
        app.router.add_get("/sandbox/{token}/files/{file_id}", self.download)
        app.router.add_post("/sandbox/clock", self.advance_clock)

    def _wrap(self, handler: ControlHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def run(request: web.Request) -> web.StreamResponse:
            bot = self.registry.get(request.match_info["token"])
            if bot is None:
                return web.json_response({"error": "invalid bot token"}, status=401)
            try:
                return web.json_response(await handler(request, bot))
            except ControlError as exc:
                return web.json_response({"error": exc.message}, status=exc.status)
            except ApiError as exc:
                return web.json_response({"error": exc.description}, status=exc.status)

        return run

    async def download(self, request: web.Request) -> web.StreamResponse:
        """A file's bytes by file_id, without a getFile call showing up in the bot's call log."""
        bot = self.registry.get(request.match_info["token"])
        record = bot.files.get(request.match_info["file_id"]) if bot is not None else None
        if record is None:
            return web.json_response({"error": "unknown file_id"}, status=404)
        return web.Response(body=record.data, content_type=record.mime_type or "application/octet-stream")

    async def advance_clock(self, request: web.Request) -> web.StreamResponse:
        body = await _json_body(request)
        seconds = body.get("advance", 0)
        if not isinstance(seconds, (int, float)) or seconds < 0:
            return web.json_response({"error": "advance must be a non-negative number"}, status=400)
        self.runtime.clock.advance(float(seconds))
        return web.json_response({"now": self.runtime.clock.now()})

    async def define_user(self, request: web.Request, bot: BotState) -> Any:
        return users.define_user(bot, await _json_body(request)).to_sandbox()

    async def list_users(self, request: web.Request, bot: BotState) -> Any:
        return [user.to_sandbox() for user in bot.users.values()]

    async def get_user(self, request: web.Request, bot: BotState) -> Any:
        return users.known_user(bot, _int(request.match_info["user_id"], "user_id")).to_sandbox()

    async def user_commands(self, request: web.Request, bot: BotState) -> Any:
        """The menu of the user's private chat, also before they have written (the web chat shows it)."""
        user = users.known_user(bot, _int(request.match_info["user_id"], "user_id"))
        chat = bot.chats.get(user.id) or ChatRecord(user.id, "private", user=user)
        return visible_commands(bot, chat, user)

    async def block(self, request: web.Request, bot: BotState) -> Any:
        return self._set_blocked(request, bot, blocked=True)

    async def unblock(self, request: web.Request, bot: BotState) -> Any:
        return self._set_blocked(request, bot, blocked=False)

    def _set_blocked(self, request: web.Request, bot: BotState, *, blocked: bool) -> Any:
        user = users.known_user(bot, _int(request.match_info["user_id"], "user_id"))
        update = users.set_blocked(bot, self.runtime.clock, user, blocked=blocked)
        return {"update_id": update.update_id if update else None, "blocked": user.blocked}

    async def list_chats(self, request: web.Request, bot: BotState) -> Any:
        return [chat.to_sandbox() for chat in bot.chats.values()]

    async def get_chat(self, request: web.Request, bot: BotState) -> Any:
        return _chat(bot, request).to_sandbox()

    async def send_message(self, request: web.Request, bot: BotState) -> Any:
        chat_id = _int(request.match_info["chat_id"], "chat_id")
        if request.content_type == "multipart/form-data":
            fields, content = await _multipart_message(request)
        else:
            fields = await _json_body(request)
            content = users.Content(
                text=fields.get("text"),
                location=fields.get("location"),
                contact=fields.get("contact"),
            )
        user = users.known_user(bot, _int(fields.get("from_id"), "from_id"))
        reply_to = fields.get("reply_to_message_id")
        update, message = users.send_message(
            bot,
            self.runtime.clock,
            user=user,
            chat_id=chat_id,
            content=content,
            reply_to_message_id=_int(reply_to, "reply_to_message_id") if reply_to is not None else None,
            chat_title=fields.get("chat_title"),
        )
        return {"update_id": update.update_id, "message_id": message.message_id, "seq": message.chat.seq}

    async def edit_message(self, request: web.Request, bot: BotState) -> Any:
        fields = await _json_body(request)
        update, message = users.edit_message(
            bot,
            self.runtime.clock,
            user=users.known_user(bot, _int(fields.get("from_id"), "from_id")),
            chat_id=_int(request.match_info["chat_id"], "chat_id"),
            message_id=_int(request.match_info["message_id"], "message_id"),
            text=_str(fields.get("text"), "text"),
        )
        return {"update_id": update.update_id, "message_id": message.message_id, "seq": message.chat.seq}

    async def chat_messages(self, request: web.Request, bot: BotState) -> Any:
        return [message.to_sandbox() for message in _chat(bot, request).messages]

    async def chat_events(self, request: web.Request, bot: BotState) -> Any:
        """Events after `after`; with `wait`, holds the request until there is one.

        With `messages=1` the answer also carries the current state of every message those events
        touched and the answers to the button presses among them, so a client redraws in one trip.
        """
        chat = _chat(bot, request)
        after = _int(request.query.get("after", "0"), "after")
        deadline = asyncio.get_running_loop().time() + _wait(request)
        while chat.seq <= after and not self.runtime.closing:
            if not await chat.signal.wait(deadline - asyncio.get_running_loop().time()):
                break
        events = chat.events[after:]
        result: dict[str, Any] = {"events": events, "seq": chat.seq}
        if request.query.get("messages") == "1":
            touched = dict.fromkeys(e["message_id"] for e in events if "message_id" in e)
            result["messages"] = [chat.by_id[m].to_sandbox() for m in touched if m in chat.by_id]
            queries = [
                bot.callback_queries.get(e["callback_query_id"])
                for e in events
                if e["kind"] == "callback_answer"
            ]
            result["answers"] = {q.id: q.answer for q in queries if q is not None}
        return result

    async def chat_commands(self, request: web.Request, bot: BotState) -> Any:
        chat = _chat(bot, request)
        user_id = request.query.get("user_id")
        user = users.known_user(bot, _int(user_id, "user_id")) if user_id else chat.user
        if user is None:
            raise ControlError("user_id is required for group chats")
        return visible_commands(bot, chat, user)

    async def migrate(self, request: web.Request, bot: BotState) -> Any:
        body = await _json_body(request)
        chat = _chat(bot, request)
        new_id = body.get("to_chat_id", -1_000_000_000_000 + chat.id)
        supergroup = users.migrate_group(bot, self.runtime.clock, chat, _int(new_id, "to_chat_id"))
        return supergroup.to_sandbox()

    async def press(self, request: web.Request, bot: BotState) -> Any:
        body = await _json_body(request)
        user = users.known_user(bot, _int(body.get("from_id"), "from_id"))
        update, query = users.press_button(
            bot,
            self.runtime.clock,
            user=user,
            chat_id=_int(body.get("chat_id"), "chat_id"),
            message_id=_int(body.get("message_id"), "message_id"),
            data=_str(body.get("data"), "data"),
            crafted=body.get("crafted") is True,
        )
        return {"update_id": update.update_id, "callback_query_id": query.id, "seq": query.chat.seq}

    async def callback_answer(self, request: web.Request, bot: BotState) -> Any:
        query = bot.callback_queries.get(request.match_info["query_id"])
        if query is None:
            raise ControlError("unknown callback query", 404)
        return query.answer

    async def inline_query(self, request: web.Request, bot: BotState) -> Any:
        body = await _json_body(request)
        user = users.known_user(bot, _int(body.get("from_id"), "from_id"))
        update, query = users.send_inline_query(
            bot,
            self.runtime.clock,
            user=user,
            query=str(body.get("query", "")),
            offset=str(body.get("offset", "")),
            chat_type=body.get("chat_type"),
        )
        return {"update_id": update.update_id, "inline_query_id": query.id}

    async def inline_answer(self, request: web.Request, bot: BotState) -> Any:
        query = bot.inline_queries.get(request.match_info["query_id"])
        if query is None:
            raise ControlError("unknown inline query", 404)
        return query.answer

    async def update_status(self, request: web.Request, bot: BotState) -> Any:
        """Delivery status; with `wait`, holds the request until the update is settled."""
        record = bot.updates.records.get(_int(request.match_info["update_id"], "update_id"))
        if record is None:
            raise ControlError("unknown update", 404)
        wait = _wait(request)
        if wait and not record.done.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await record.done.wait()
        return record.to_sandbox()

    async def commands(self, request: web.Request, bot: BotState) -> Any:
        scope_text = request.query.get("scope")
        try:
            scope = json.loads(scope_text) if scope_text else None
        except ValueError as exc:
            raise ControlError("scope must be JSON") from exc
        key = (scope_key(bot, scope), language_key(request.query.get("language_code")))
        return [dict(c) for c in bot.commands.get(key, [])]

    async def calls(self, request: web.Request, bot: BotState) -> Any:
        method = request.query.get("method", "").lower()
        return [c.to_dict() for c in bot.calls if not method or c.method.lower() == method]

    async def stats(self, request: web.Request, bot: BotState) -> Any:
        return bot.stats()

    async def add_fault(self, request: web.Request, bot: BotState) -> Any:
        body = await _json_body(request)
        if not isinstance(body.get("method"), str) or not isinstance(body.get("status"), int):
            raise ControlError("a fault needs method (string) and status (integer)")
        fault = Fault(
            method=body["method"],
            status=body["status"],
            description=str(body.get("description") or ""),
            retry_after=body.get("retry_after"),
            times=int(body.get("times", 1)),
            delay=float(body.get("delay", 0)),
            token=bot.token,
        )
        try:
            self.faults.add(fault)
        except ValueError as exc:
            raise ControlError(str(exc)) from exc
        return fault.to_dict()

    async def list_faults(self, request: web.Request, bot: BotState) -> Any:
        return [f.to_dict() for f in self.faults.faults if f.token in (None, bot.token)]

    async def clear_faults(self, request: web.Request, bot: BotState) -> Any:
        self.faults.clear(bot.token)
        return {"cleared": True}

    async def webhook(self, request: web.Request, bot: BotState) -> Any:
        webhook = bot.webhook
        if webhook is None:
            return None
        return {"url": webhook.url, "secret_token": webhook.secret_token, "pending": len(bot.updates.pending)}


async def _json_body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError as exc:
        raise ControlError("body must be JSON") from exc
    if not isinstance(body, dict):
        raise ControlError("body must be a JSON object")
    return body


async def _multipart_message(request: web.Request) -> tuple[dict[str, Any], users.Content]:
    form = await request.post()
    fields: dict[str, Any] = {}
    upload: Upload | None = None
    for name, value in form.items():
        if isinstance(value, web.FileField):
            upload = Upload(value.file.read(), value.filename, value.content_type)
        else:
            fields[name] = value
    if upload is None:
        raise ControlError("multipart messages need a file part")
    kind = fields.get("kind", "document")
    if kind not in ("photo", "document"):
        raise ControlError("kind must be photo or document")
    if fields.get("mime_type"):
        upload = Upload(upload.data, upload.filename, str(fields["mime_type"]))
    fields["from_id"] = _int(fields.get("from_id"), "from_id")
    if fields.get("reply_to_message_id"):
        fields["reply_to_message_id"] = _int(fields["reply_to_message_id"], "reply_to_message_id")
    content = users.Content(caption=fields.get("caption") or None)
    if fields.get("file_size"):
        content.file_size = _int(fields["file_size"], "file_size")
    if kind == "photo":
        content.photo = upload
    else:
        content.document = upload
    return fields, content


def _chat(bot: BotState, request: web.Request) -> ChatRecord:
    chat_id = _int(request.match_info["chat_id"], "chat_id")
    chat = bot.chats.get(chat_id)
    if chat is None:
        raise ControlError(f"chat {chat_id} has no messages yet", 404)
    return chat


def _int(value: Any, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ControlError(f"{name} must be an integer")


def _str(value: Any, name: str) -> str:
    if isinstance(value, str):
        return value
    raise ControlError(f"{name} must be a string")


def _wait(request: web.Request) -> float:
    try:
        return min(max(float(request.query.get("wait", "0")), 0.0), MAX_WAIT)
    except ValueError as exc:
        raise ControlError("wait must be a number of seconds") from exc
