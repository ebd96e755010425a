"""How the morning's revisit summary reads: the customers due a visit by the owner's visit plan,
the first few as buttons to their cards."""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.text import clip, one_line
from bot.i18n import Translator
from bot.outbox import payloads
from bot.services.revisits import DueRevisit, RevisitSummary
from handlers.card.callbacks import OPEN_CUSTOMER

LISTED = 10
BUTTONS = 5
MAX_NAME = 40


def summary_text(t: Translator, summary: RevisitSummary) -> str:
    due = summary.due
    lines = [
        t.ngettext(
            "🚗 {n} customer is due a visit by your visit plan:",
            "🚗 {n} customers are due a visit by your visit plan:",
            len(due),
        ).format(n=len(due))
    ]
    for row in due[:LISTED]:
        name = escape(one_line(row.customer_name, MAX_NAME))
        if row.last_visit_at is None:
            line = t.gettext("{customer} ({tier}) — never visited").format(customer=name, tier=row.tier)
        else:
            line = t.gettext("{customer} ({tier}) — last visit {ago}").format(
                customer=name, tier=row.tier, ago=t.relative(row.last_visit_at - summary.as_of)
            )
        lines.append(f"• {line}")
    if len(due) > LISTED:
        lines.append(t.gettext("…and {n} more in /today.").format(n=len(due) - LISTED))
    return "\n".join(lines)


def summary_keyboard(due: list[DueRevisit]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    clip(row.customer_name, MAX_NAME),
                    callback_data=OPEN_CUSTOMER.data(customer_id=row.customer_id),
                )
            ]
            for row in due[:BUTTONS]
        ]
    )


def summary_payload(summary: RevisitSummary, t: Translator) -> dict[str, Any]:
    return payloads.message(summary_text(t, summary), summary_keyboard(summary.due))
