"""How a churn-risk alert reads: headline, score, up to three reasons, and the answers as buttons;
and the note to a rep who was handed a customer from an alert."""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.domain.enums import RiskLevel
from bot.domain.text import clip
from bot.i18n import Translator
from bot.outbox import payloads
from bot.present.explain import reason_texts, risk_label
from bot.runtime.pushes import render_with
from bot.services.risk_alerts import ChurnAlert, HandedToYou
from handlers.card.links import open_customer_button, open_customer_markup
from handlers.risk.callbacks import RISK_FINE, RISK_MOVE, RISK_SNOOZE, RISK_VISIT

MAX_NAME = 80


def alert_text(t: Translator, alert: ChurnAlert) -> str:
    """Headline, score and up to three reasons; a manager also reads whose customer it is."""
    name = escape(clip(alert.name, MAX_NAME))
    if alert.company:
        name += f" · {escape(clip(alert.company, MAX_NAME))}"
    if alert.level == RiskLevel.HIGH:
        head = t.gettext("🔴 {customer} is now at high risk of churning.")
    else:
        head = t.gettext("🟠 {customer} is now at medium risk of churning.")
    lines = [head.format(customer=f"<b>{name}</b>")]
    lines.append(
        t.gettext("Health {score}/100, {risk}.").format(
            score=alert.score or 0, risk=risk_label(t, alert.level)
        )
    )
    if alert.for_manager:
        owner = escape(alert.owner_name) if alert.owner_name else t.gettext("nobody")
        lines.append(t.gettext("Owner: {owner}").format(owner=owner))
    lines.extend(f"• {escape(text)}" for text in reason_texts(t, alert.reasons))
    return "\n".join(lines)


def alert_keyboard(
    t: Translator, alert_id: int, customer_id: int, *, for_manager: bool
) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                t.gettext("📅 Schedule visit"), callback_data=RISK_VISIT.data(alert_id=alert_id)
            )
        ],
        [
            InlineKeyboardButton(
                t.gettext("💤 Snooze 7 days"), callback_data=RISK_SNOOZE.data(alert_id=alert_id)
            ),
            InlineKeyboardButton(t.gettext("👍 Not a risk"), callback_data=RISK_FINE.data(alert_id=alert_id)),
        ],
    ]
    if for_manager:
        rows.append(
            [InlineKeyboardButton(t.gettext("🔁 Reassign"), callback_data=RISK_MOVE.data(alert_id=alert_id))]
        )
    rows.append([open_customer_button(t, customer_id)])
    return InlineKeyboardMarkup(rows)


def alert_payload(alert: ChurnAlert, t: Translator) -> dict[str, Any]:
    keyboard = alert_keyboard(t, alert.alert_id, alert.customer_id, for_manager=alert.for_manager)
    return payloads.message(alert_text(t, alert), keyboard)


def handed_payload(handed: HandedToYou, t: Translator) -> dict[str, Any]:
    text = t.gettext(
        "🔁 {customer} is now your customer: it was at {risk} when it was handed to you."
    ).format(customer=f"<b>{escape(clip(handed.name, MAX_NAME))}</b>", risk=risk_label(t, handed.level))
    lines = [text, *(f"• {escape(reason)}" for reason in reason_texts(t, handed.reasons))]
    return payloads.message("\n".join(lines), open_customer_markup(t, handed.customer_id))


def register(application: Application) -> None:  # type: ignore[type-arg]
    render_with(application, ChurnAlert, alert_payload)
    render_with(application, HandedToYou, handed_payload)
