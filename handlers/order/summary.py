"""The end of /order: the summary, Edit and Save (once per summary message), and the draft the steps share.

The draft lives in user_data["order"] as JSON (the amount as a string), so a restart resumes it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.i18n import Translator
from bot.runtime.context import CrmContext
from bot.services import orders
from bot.services.orders import OrderDraft
from bot.services.visibility import NotVisible
from handlers.card.card import open_card_markup
from handlers.common import dialogs
from handlers.order import callbacks
from storage.db import utcnow

CUSTOMER, AMOUNT, CURRENCY, PRODUCT, DATE, SUMMARY = range(6)
DRAFT = "order"


def draft_of(context: CrmContext) -> dict[str, Any]:
    return dialogs.draft_in(context, DRAFT)


def cancel_row(t: Translator) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.ORDER_CANCEL.data())]


def _summary_text(draft: dict[str, Any], t: Translator) -> str:
    lines = [
        t.gettext("Order from {customer}").format(customer=draft["customer_name"]),
        t.gettext("Amount: {amount}").format(amount=t.money(Decimal(draft["amount"]), draft["currency"])),
    ]
    if draft.get("product"):
        lines.append(t.gettext("Product: {product}").format(product=draft["product"]))
    lines.append(t.gettext("Date: {date}").format(date=t.date(datetime.fromisoformat(draft["ordered_at"]))))
    return "\n".join(lines)


async def show_summary(update: Update, context: CrmContext) -> int:
    t = context.t
    draft = draft_of(context)
    draft["editing"] = True
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("✅ Save"), callback_data=callbacks.ORDER_SAVE.data()),
                InlineKeyboardButton(t.gettext("✏️ Edit"), callback_data=callbacks.ORDER_EDIT.data()),
            ],
            cancel_row(t),
        ]
    )
    await dialogs.say(update, _summary_text(draft, t), markup)
    return SUMMARY


async def edit(update: Update, context: CrmContext) -> int:
    t = context.t
    steps = {
        "amount": t.gettext("Amount"),
        "currency": t.gettext("Currency"),
        "product": t.gettext("Product"),
        "date": t.gettext("Date"),
    }
    buttons = [
        InlineKeyboardButton(text, callback_data=callbacks.ORDER_GOTO.data(step=key))
        for key, text in steps.items()
    ]
    await dialogs.say(
        update, t.gettext("What would you like to change?"), InlineKeyboardMarkup([buttons[:2], buttons[2:]])
    )
    return SUMMARY


def client_ref(chat_id: int, message_id: int) -> str:
    """The idempotency key of a Save press: one summary message saves at most one order."""
    return f"order:{chat_id}:{message_id}"


async def save(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    assert context.viewer is not None
    assert context.user_data is not None
    t = context.t
    draft = draft_of(context)
    if not {"customer_id", "amount", "currency", "ordered_at"} <= draft.keys():
        await query.answer(t.gettext("This button is no longer active."))
        return ConversationHandler.END
    order = OrderDraft(
        customer_id=int(draft["customer_id"]),
        amount=Decimal(draft["amount"]),
        currency=draft["currency"],
        ordered_at=datetime.fromisoformat(draft["ordered_at"]),
        product=draft.get("product") or None,
    )
    ref = client_ref(query.message.chat.id, query.message.message_id)
    try:
        async with context.db.begin() as session:
            saved = await orders.save_order(
                session, viewer=context.viewer, draft=order, client_ref=ref, now=utcnow()
            )
    except NotVisible:
        return await dialogs.save_refused(update, context, DRAFT)
    context.user_data.pop(DRAFT, None)
    await query.answer()
    await query.edit_message_text(
        t.gettext("Order of {amount} from {customer} saved.").format(
            amount=t.money(saved.amount, saved.currency), customer=saved.customer_name
        ),
        reply_markup=open_card_markup(t, order.customer_id),
    )
    return ConversationHandler.END
