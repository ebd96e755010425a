"""Bot command lists keyed like Telegram keys them: by scope and language code.

`visible_commands` applies Telegram's lookup order, so tests can check the menu a given
user actually sees.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.errors import bad_request
from sandbox.records import ChatRecord, UserRecord
from sandbox.state import BotState

GLOBAL_SCOPES = frozenset({"default", "all_private_chats", "all_group_chats", "all_chat_administrators"})
CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")


def scope_key(bot: BotState, scope: Any) -> str:
    """A stable key such as 'default', 'chat:42' or 'chat_member:-5:42'."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    if kind in GLOBAL_SCOPES:
        return str(kind)
    if kind not in CHAT_SCOPES:
        raise bad_request("unsupported bot command scope type")
    chat_id = _chat_id(bot, scope.get("chat_id"))
    if kind == "chat_member":
        user_id = scope.get("user_id")
        if isinstance(user_id, str) and user_id.lstrip("-").isdigit():
            user_id = int(user_id)
        if not isinstance(user_id, int) or user_id not in bot.users:
            raise bad_request("user not found")
        return f"chat_member:{chat_id}:{user_id}"
    return f"{kind}:{chat_id}"


def _chat_id(bot: BotState, value: Any) -> int:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int) or (value not in bot.chats and value not in bot.users):
        raise bad_request("chat not found")
    return value


def language_key(language_code: str | None) -> str:
    code = language_code or ""
    if code and not _LANGUAGE.fullmatch(code):
        raise bad_request("invalid language code specified")
    return code


def validate_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    result: list[dict[str, str]] = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        for name in ("command", "description"):
            if name not in command:
                raise bad_request(f"can't parse BotCommand: Can't find field \"{name}\"")
            if not isinstance(command[name], str):
                raise bad_request(f'can\'t parse BotCommand: Field "{name}" must be of type String')
        name = command["command"]
        if not _COMMAND.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        description = command["description"].strip()
        if not description:
            raise bad_request("command description must be non-empty")
        if len(description) > 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": name, "description": description})
    return result


def visible_commands(bot: BotState, chat: ChatRecord, user: UserRecord) -> list[dict[str, str]]:
    """The command menu `user` sees in `chat`, following Telegram's scope priority."""
    if chat.type == "private":
        scopes = [f"chat:{chat.id}", "all_private_chats", "default"]
    else:
        scopes = [f"chat_member:{chat.id}:{user.id}", f"chat:{chat.id}", "all_group_chats", "default"]
    language = user.language_code or ""
    for scope in scopes:
        for key in ((scope, language), (scope, "")):
            commands = bot.commands.get(key)
            if commands:
                return [dict(c) for c in commands]
    return []
