"""How the admins' notice of undelivered pushes reads."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from bot.outbox import payloads
from bot.services.dead_letters import Undelivered


def notice_payload(undelivered: Undelivered, t: Translator) -> dict[str, Any]:
    count = undelivered.count
    text = t.ngettext(
        "⚠️ {n} push could not be delivered. /outbox shows why and can send it again.",
        "⚠️ {n} pushes could not be delivered. /outbox shows why and can send them again.",
        count,
    ).format(n=t.number(count))
    return payloads.message(text)
