"""How a transfer request reads to the managers, with Approve and Refuse, and how a refusal reads to
the rep who asked. The request is plain text (no HTML): names are shown as typed."""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.i18n import Translator
from bot.outbox import payloads
from bot.runtime.pushes import render_with
from bot.services.transfers import TransferAsked, TransferRefused
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.transfer.callbacks import XFER_APPROVE, XFER_REFUSE


def asked_text(t: Translator, asked: TransferAsked) -> str:
    rep, customer, owner = asked.requester, asked.customer_name, asked.owner
    if asked.company:
        if owner:
            return t.gettext(
                "{rep} asks to take over {customer} ({company}), who is now with {owner}. "
                "Approve to make {rep} the owner."
            ).format(rep=rep, customer=customer, company=asked.company, owner=owner)
        return t.gettext(
            "{rep} asks to take over {customer} ({company}), who has no owner. "
            "Approve to make {rep} the owner."
        ).format(rep=rep, customer=customer, company=asked.company)
    if owner:
        return t.gettext(
            "{rep} asks to take over {customer}, who is now with {owner}. Approve to make {rep} the owner."
        ).format(rep=rep, customer=customer, owner=owner)
    return t.gettext(
        "{rep} asks to take over {customer}, who has no owner. Approve to make {rep} the owner."
    ).format(rep=rep, customer=customer)


def customer_button(t: Translator, customer_id: int) -> InlineKeyboardButton:
    """The request's customer: on the request, and kept under it once a manager decided."""
    return InlineKeyboardButton(
        t.gettext("Open card"), callback_data=OPEN_CUSTOMER.data(customer_id=customer_id)
    )


def asked_keyboard(t: Translator, asked: TransferAsked) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [customer_button(t, asked.customer_id)],
            [
                InlineKeyboardButton(
                    t.gettext("✅ Approve"), callback_data=XFER_APPROVE.data(request_id=asked.request_id)
                ),
                InlineKeyboardButton(
                    t.gettext("✖ Refuse"), callback_data=XFER_REFUSE.data(request_id=asked.request_id)
                ),
            ],
        ]
    )


def asked_payload(asked: TransferAsked, t: Translator) -> dict[str, Any]:
    params = {"text": asked_text(t, asked), "reply_markup": asked_keyboard(t, asked).to_dict()}
    return {"method": "sendMessage", "params": params}


def refused_payload(refused: TransferRefused, t: Translator) -> dict[str, Any]:
    text = t.gettext("✖ {manager} declined your request to take over {customer}.").format(
        manager=escape(refused.manager), customer=f"<b>{escape(refused.customer_name)}</b>"
    )
    return payloads.message(text)


def register(application: Application) -> None:  # type: ignore[type-arg]
    render_with(application, TransferAsked, asked_payload)
    render_with(application, TransferRefused, refused_payload)
