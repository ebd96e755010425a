"""The end of /order: the summary, Edit and Save (once per summary message)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.i18n import Translator
from bot.runtime.context import CrmContext
from bot.services import orders
from bot.services.orders import NewOrder
from bot.services.visibility import NotVisible
from handlers.card.links import open_card_markup
from handlers.common import dialogs
from handlers.order import callbacks
from handlers.order.draft import OrderDraft

CUSTOMER, AMOUNT, CURRENCY, PRODUCT, DATE, SUMMARY = range(6)


def cancel_row(t: Translator) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.ORDER_CANCEL.data())]


def _summary_text(customer_name: str, order: NewOrder, t: Translator) -> str:
    lines = [
        t.gettext("Order from {customer}").format(customer=customer_name),
        t.gettext("Amount: {amount}").format(amount=t.money(order.amount, order.currency)),
    ]
    if order.product:
        lines.append(t.gettext("Product: {product}").format(product=order.product))
    lines.append(t.gettext("Date: {date}").format(date=t.day(order.ordered_at)))
    return "\n".join(lines)


async def show_summary(update: Update, context: CrmContext) -> int:
    t = context.t
    with dialogs.editing(context, OrderDraft) as draft:
        draft.editing = True
    # Every step before the summary is answered by now.
    order = draft.for_save()
    assert order is not None
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("✅ Save"), callback_data=callbacks.ORDER_SAVE.data()),
                InlineKeyboardButton(t.gettext("✏️ Edit"), callback_data=callbacks.ORDER_EDIT.data()),
            ],
            cancel_row(t),
        ]
    )
    await dialogs.say(update, _summary_text(draft.customer_name, order, t), markup)
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
    t = context.t
    order = dialogs.load(context, OrderDraft).for_save()
    if order is None:
        await query.answer(t.gettext("This button is no longer active."))
        return ConversationHandler.END
    ref = client_ref(query.message.chat.id, query.message.message_id)
    try:
        async with context.work() as work:
            saved = await orders.save_order(
                work.session, viewer=work.viewer, order=order, client_ref=ref, now=work.now
            )
    except NotVisible:
        return await dialogs.save_refused(update, context, OrderDraft.KEY)
    dialogs.forget(context, OrderDraft.KEY)
    await query.answer()
    await query.edit_message_text(
        t.gettext("Order of {amount} from {customer} saved.").format(
            amount=t.money(saved.amount, saved.currency), customer=saved.customer_name
        ),
        reply_markup=open_card_markup(t, order.customer_id),
    )
    return ConversationHandler.END
