"""What the webhook accepts as an update: a JSON object shaped the way Telegram sends one.

Anything else is refused with 400 before it reaches the inbox: a body that parses as JSON but
nests deeper than any update, carries numbers no Telegram field can hold (they would overflow the
inbox's BIGINT columns or a handler's), or that PTB cannot read as an Update. Refusing here is
cheap and leaves no traceback; storing it would fail later, in the processor.
"""

from __future__ import annotations

import json
from typing import Any

from telegram import Bot, Update

# The Bot API's "Integer" is 32 bits unless a field says it may be longer; update_id does not.
MAX_UPDATE_ID = 2**31 - 1
# Ids that may be longer have "at most 52 significant bits"; no field of an update goes beyond
# a signed 64-bit integer, which is also what the database stores.
MAX_INTEGER = 2**63 - 1
# A message quoting a reply to a pinned message with an inline keyboard is about 10 levels deep.
MAX_DEPTH = 32


def _constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON Telegram sends")


def _within_limits(value: object) -> bool:
    """No container deeper than MAX_DEPTH and no integer beyond 64 bits (walked without recursion)."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: list[Any] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            if isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_INTEGER:
                return False
            continue
        if depth > MAX_DEPTH:
            return False
        pending.extend((child, depth + 1) for child in children)
    return True


def parse(body: bytes, bot: Bot) -> dict[str, Any] | None:
    """The update in `body`, or None if it is not one Telegram could have sent."""
    try:
        # ValueError covers malformed JSON, bytes that are not UTF-8 and integers of more than
        # 4,300 digits; RecursionError a document nested thousands deep.
        update = json.loads(body, parse_constant=_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(update, dict):
        return None
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id <= MAX_UPDATE_ID:
        return None
    if not _within_limits(update):
        return None
    try:
        Update.de_json(update, bot)
    except Exception:  # PTB raises what a field's conversion raises: TypeError, KeyError, OSError…
        return None
    return update
