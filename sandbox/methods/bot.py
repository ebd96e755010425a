"""The bot's own profile: getMe, commands, menu button, descriptions, getChat."""

from __future__ import annotations

from typing import Any

from sandbox.commands import language_key, scope_key, validate_commands
from sandbox.errors import bad_request
from sandbox.methods.base import Call, method
from sandbox.methods.common import resolve_chat

ACCEPTED_GIFT_TYPES = {
    "unlimited_gifts": True,
    "limited_gifts": True,
    "unique_gifts": True,
    "premium_subscription": True,
    "gifts_from_channels": True,
}


@method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    return {
        **call.bot.user.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": True,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("logOut", "close")
async def log_out(call: Call) -> bool:
    return True


def _command_key(call: Call) -> tuple[str, str]:
    scope = scope_key(call.bot, call.params.json("scope", what="bot command scope"))
    return scope, language_key(call.params.string("language_code"))


@method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = validate_commands(call.params.json("commands", what="bot commands") or [])
    key = _command_key(call)
    if commands:
        call.bot.commands[key] = commands
    else:
        call.bot.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, str]]:
    return [dict(c) for c in call.bot.commands.get(_command_key(call), [])]


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    call.bot.commands.pop(_command_key(call), None)
    return True


def _menu_chat(call: Call) -> int | None:
    if not call.params.has("chat_id"):
        return None
    return resolve_chat(call, check_blocked=False).id


@method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    button = call.params.json("menu_button", what="menu button")
    if button is None:
        button = {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button JSON object")
    call.bot.menu_buttons[_menu_chat(call)] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    chat = _menu_chat(call)
    button = call.bot.menu_buttons.get(chat) or call.bot.menu_buttons.get(None) or {"type": "commands"}
    if button.get("type") == "default":
        return {"type": "commands"}
    return dict(button)


def _text_setting(call: Call, kind: str, name: str, limit: int) -> bool:
    value = call.params.string(name) or ""
    if len(value) > limit:
        raise bad_request(f"{kind} is too long")
    key = (kind, language_key(call.params.string("language_code")))
    if value:
        call.bot.descriptions[key] = value
    else:
        call.bot.descriptions.pop(key, None)
    return True


def _text_setting_value(call: Call, kind: str) -> str:
    language = language_key(call.params.string("language_code"))
    return call.bot.descriptions.get((kind, language)) or call.bot.descriptions.get((kind, ""), "")


@method("setMyDescription")
async def set_my_description(call: Call) -> bool:
    return _text_setting(call, "description", "description", 512)


@method("getMyDescription")
async def get_my_description(call: Call) -> dict[str, str]:
    return {"description": _text_setting_value(call, "description")}


@method("setMyShortDescription")
async def set_my_short_description(call: Call) -> bool:
    return _text_setting(call, "short_description", "short_description", 120)


@method("getMyShortDescription")
async def get_my_short_description(call: Call) -> dict[str, str]:
    return {"short_description": _text_setting_value(call, "short_description")}


@method("setMyName")
async def set_my_name(call: Call) -> bool:
    return _text_setting(call, "name", "name", 64)


@method("getMyName")
async def get_my_name(call: Call) -> dict[str, str]:
    return {"name": _text_setting_value(call, "name") or call.bot.user.first_name}


@method("getChat")
async def get_chat(call: Call) -> dict[str, Any]:
    chat = resolve_chat(call, check_blocked=False)
    info: dict[str, Any] = {
        **chat.to_api(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": dict(ACCEPTED_GIFT_TYPES),
    }
    if chat.type != "private":
        info["permissions"] = {"can_send_messages": True}
    return info
