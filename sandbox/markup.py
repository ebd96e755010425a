"""Reply markup validation with Telegram's error descriptions."""

from __future__ import annotations

from typing import Any

from sandbox.errors import bad_request
from sandbox.text import check_link

INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
MAX_BUTTONS = 100
MAX_CALLBACK_DATA_BYTES = 64


def parse_reply_markup(value: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Validated markup in canonical form (reply keyboard buttons always objects)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        return {"inline_keyboard": _inline_rows(value["inline_keyboard"])}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in value:
        return _reply_keyboard(value)
    if "remove_keyboard" in value:
        markup: dict[str, Any] = {"remove_keyboard": True}
        if value.get("selective"):
            markup["selective"] = True
        return markup
    if "force_reply" in value:
        markup = {"force_reply": True}
        placeholder = value.get("input_field_placeholder")
        if placeholder:
            _check_placeholder(placeholder)
            markup["input_field_placeholder"] = placeholder
        if value.get("selective"):
            markup["selective"] = True
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _inline_rows(rows: Any) -> list[list[dict[str, Any]]]:
    if not isinstance(rows, list):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    result: list[list[dict[str, Any]]] = []
    count = 0
    for row in rows:
        if not isinstance(row, list):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        buttons = [_inline_button(button) for button in row]
        count += len(buttons)
        if buttons:
            result.append(buttons)
    if count > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return result


def _inline_button(button: Any) -> dict[str, Any]:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in INLINE_ACTIONS if button.get(name) not in (None, "")]
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    if "callback_data" in actions:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in actions and (not isinstance(button["url"], str) or not check_link(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")
    return {key: value for key, value in button.items() if value is not None}


def _reply_keyboard(value: dict[str, Any]) -> dict[str, Any]:
    rows = value["keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    keyboard: list[list[dict[str, Any]]] = []
    count = 0
    for row in rows:
        buttons: list[dict[str, Any]] = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse keyboard button: KeyboardButton must be a String or an Object")
            if not button["text"]:
                raise bad_request("keyboard button text must be non-empty")
            buttons.append({k: v for k, v in button.items() if v is not None})
        count += len(buttons)
        if buttons:
            keyboard.append(buttons)
    if count > 300:
        raise bad_request("reply markup is too long")
    markup: dict[str, Any] = {"keyboard": keyboard}
    for option in ("is_persistent", "resize_keyboard", "one_time_keyboard", "selective"):
        if value.get(option):
            markup[option] = True
    placeholder = value.get("input_field_placeholder")
    if placeholder:
        _check_placeholder(placeholder)
        markup["input_field_placeholder"] = placeholder
    return markup


def _check_placeholder(placeholder: Any) -> None:
    if not isinstance(placeholder, str) or len(placeholder) > 64:
        raise bad_request("input field placeholder is too long")


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [button for row in markup["inline_keyboard"] for button in row]
