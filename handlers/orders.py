"""/order: log an order — customer, amount, currency, product, date — then Save.

The draft lives in user_data["order"] as JSON (the amount as a string), so a restart resumes it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import CrmContext
from bot.domain.dates import parse_when
from bot.domain.money import CURRENCIES, MAX_AMOUNT, AmountProblem, parse_amount
from bot.i18n import Translator
from bot.services import orders, visits
from bot.services.orders import MAX_PRODUCT, OrderDraft
from bot.services.visibility import NotVisible
from handlers import pickers
from handlers.card import not_visible_text
from storage.db import utcnow

CUSTOMER, AMOUNT, CURRENCY, PRODUCT, DATE, SUMMARY = range(6)
TIMEOUT_SECONDS = 15 * 60
PICKER = pickers.Picker("order")
START_PATTERN = re.compile(r"^order:start:(\d+)$")
DRAFT = "order"


def _draft(context: CrmContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft = context.user_data.get(DRAFT)
    if not isinstance(draft, dict):
        draft = {}
        context.user_data[DRAFT] = draft
    return draft


def _cancel_row(t: Translator) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(t.gettext("Cancel"), callback_data="order:cancel")]


async def _say(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None, *, fresh: bool = False
) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer()
        if not fresh:
            await query.edit_message_text(text, reply_markup=markup)
            return
    assert update.effective_chat is not None
    await update.get_bot().send_message(update.effective_chat.id, text, reply_markup=markup)


async def start(update: Update, context: CrmContext) -> int:
    assert context.user_data is not None
    context.user_data[DRAFT] = {}
    await pickers.ask_customer(
        update, context, PICKER, context.t.gettext("Which customer is the order from?")
    )
    return CUSTOMER


async def start_for_customer(update: Update, context: CrmContext) -> int:
    assert context.user_data is not None
    query = update.callback_query
    assert query is not None
    match = START_PATTERN.match(query.data or "")
    assert match is not None
    context.user_data[DRAFT] = {}
    return await _use_customer(update, context, int(match.group(1)), fresh=True)


async def customer_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    customer_id = PICKER.picked(query.data)
    assert customer_id is not None
    return await _use_customer(update, context, customer_id)


async def _use_customer(update: Update, context: CrmContext, customer_id: int, *, fresh: bool = False) -> int:
    assert context.viewer is not None
    assert context.user_data is not None
    t = context.t
    try:
        async with context.db.begin() as session:
            brief = await visits.customer_brief(session, viewer=context.viewer, customer_id=customer_id)
            currency = await orders.team_currency(session, viewer=context.viewer)
    except NotVisible:
        if update.callback_query is not None:
            await update.callback_query.answer(not_visible_text(t), show_alert=True)
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    _draft(context).update(customer_id=brief.id, customer_name=brief.name, currency=currency)
    await _say(update, _amount_question(t, brief.name), InlineKeyboardMarkup([_cancel_row(t)]), fresh=fresh)
    return AMOUNT


def _amount_question(t: Translator, customer: str) -> str:
    return t.gettext(
        'Order from {customer}. How much is it? For example "1,234.50", "¥1234" or "1.2万".'
    ).format(customer=customer)


async def search_typed(update: Update, context: CrmContext) -> int:
    await pickers.search_typed(update, context, PICKER)
    return CUSTOMER


async def turn_page(update: Update, context: CrmContext) -> int:
    await pickers.turn_page(update, context, PICKER)
    return CUSTOMER


async def amount_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    parsed = parse_amount(update.message.text or "", locale=t.locale)
    if parsed.amount is None:
        if parsed.problem is AmountProblem.TOO_LARGE:
            text = t.gettext("That is more than {limit}. Please check the amount.").format(
                limit=t.number(MAX_AMOUNT)
            )
        elif parsed.problem is AmountProblem.NOT_POSITIVE:
            text = t.gettext("The amount must be more than zero.")
        elif parsed.problem is AmountProblem.TOO_PRECISE:
            text = t.gettext("Please use at most two decimal places.")
        else:
            text = t.gettext(
                'That is not an amount I can read. Please type a number such as "1,234.50" or "1.2万".'
            )
        await update.message.reply_text(text, reply_markup=InlineKeyboardMarkup([_cancel_row(t)]))
        return AMOUNT
    draft = _draft(context)
    draft["amount"] = str(parsed.amount)
    if draft.get("editing"):
        return await _summary(update, context)
    return await _ask_currency(update, context)


async def amount_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    await update.message.reply_text(_amount_question(t, _draft(context).get("customer_name", "")))
    return AMOUNT


def _currency_keyboard(t: Translator, default: str) -> InlineKeyboardMarkup:
    ordered = [default, *[c for c in CURRENCIES if c != default]]
    buttons = [InlineKeyboardButton(code, callback_data=f"order:cur:{code}") for code in ordered]
    return InlineKeyboardMarkup([buttons, _cancel_row(t)])


async def _ask_currency(update: Update, context: CrmContext) -> int:
    t = context.t
    draft = _draft(context)
    amount = Decimal(draft["amount"])
    await _say(
        update,
        t.gettext("Which currency is {amount} in?").format(amount=t.number(amount)),
        _currency_keyboard(t, draft.get("currency", "CNY")),
    )
    return CURRENCY


async def currency_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    code = (query.data or "").removeprefix("order:cur:")
    if code not in CURRENCIES:
        await query.answer(context.t.gettext("This button is no longer active."))
        return CURRENCY
    draft = _draft(context)
    draft["currency"] = code
    if draft.get("editing"):
        return await _summary(update, context)
    return await _ask_product(update, context)


async def _ask_product(update: Update, context: CrmContext) -> int:
    t = context.t
    await _say(
        update,
        t.gettext("What was ordered? Type the product, or press Skip."),
        InlineKeyboardMarkup(
            [[InlineKeyboardButton(t.gettext("Skip"), callback_data="order:prod:skip"), *_cancel_row(t)]]
        ),
    )
    return PRODUCT


async def product_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    text = (update.message.text or "").strip()
    if len(text) > MAX_PRODUCT:
        await update.message.reply_text(
            t.gettext("Please keep the product to {limit} characters; yours has {length}.").format(
                limit=MAX_PRODUCT, length=len(text)
            )
        )
        return PRODUCT
    draft = _draft(context)
    draft["product"] = text
    if draft.get("editing"):
        return await _summary(update, context)
    return await _ask_date(update, context)


async def product_skipped(update: Update, context: CrmContext) -> int:
    draft = _draft(context)
    draft.pop("product", None)
    if draft.get("editing"):
        return await _summary(update, context)
    return await _ask_date(update, context)


def _date_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("Today"), callback_data="order:date:today"),
                InlineKeyboardButton(t.gettext("Yesterday"), callback_data="order:date:yesterday"),
            ],
            _cancel_row(t),
        ]
    )


async def _ask_date(update: Update, context: CrmContext) -> int:
    t = context.t
    text = t.gettext('When was it ordered? Today, yesterday, or type a date such as "11/20" or "上周五".')
    await _say(update, text, _date_keyboard(t))
    return DATE


async def date_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    now = utcnow()
    choice = (query.data or "").removeprefix("order:date:")
    if choice not in ("today", "yesterday"):
        await query.answer(context.t.gettext("This button is no longer active."))
        return DATE
    when = now if choice == "today" else now - timedelta(days=1)
    _draft(context)["ordered_at"] = when.isoformat()
    return await _summary(update, context)


async def date_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    assert context.viewer is not None
    t = context.t
    now = utcnow()
    when = parse_when(
        update.message.text or "", now=now, tz=context.viewer.timezone, locale=t.locale, prefer_past=True
    )
    if when is None:
        await update.message.reply_text(
            t.gettext('I couldn\'t read that date. Try "today", "yesterday", "11/20", "昨天" or "上周五".'),
            reply_markup=_date_keyboard(t),
        )
        return DATE
    local_today = now.astimezone(t.tz).date()
    if when.date() > local_today:
        await update.message.reply_text(
            t.gettext("{date} is in the future. An order can only be logged once it is taken.").format(
                date=t.date(when)
            ),
            reply_markup=_date_keyboard(t),
        )
        return DATE
    ordered_at = now if when.date() == local_today else when
    _draft(context)["ordered_at"] = ordered_at.isoformat()
    return await _summary(update, context)


async def choose_with_buttons(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    await update.message.reply_text(
        context.t.gettext("Please pick one of the buttons above, or send /cancel.")
    )


def _summary_text(draft: dict[str, Any], t: Translator) -> str:
    lines = [
        t.gettext("Order from {customer}").format(customer=draft["customer_name"]),
        t.gettext("Amount: {amount}").format(amount=t.money(Decimal(draft["amount"]), draft["currency"])),
    ]
    if draft.get("product"):
        lines.append(t.gettext("Product: {product}").format(product=draft["product"]))
    lines.append(t.gettext("Date: {date}").format(date=t.date(datetime.fromisoformat(draft["ordered_at"]))))
    return "\n".join(lines)


async def _summary(update: Update, context: CrmContext) -> int:
    t = context.t
    draft = _draft(context)
    draft["editing"] = True
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("✅ Save"), callback_data="order:save"),
                InlineKeyboardButton(t.gettext("✏️ Edit"), callback_data="order:edit"),
            ],
            _cancel_row(t),
        ]
    )
    await _say(update, _summary_text(draft, t), markup)
    return SUMMARY


async def edit(update: Update, context: CrmContext) -> int:
    t = context.t
    steps = {
        "amount": t.gettext("Amount"),
        "currency": t.gettext("Currency"),
        "product": t.gettext("Product"),
        "date": t.gettext("Date"),
    }
    buttons = [InlineKeyboardButton(text, callback_data=f"order:goto:{key}") for key, text in steps.items()]
    await _say(
        update, t.gettext("What would you like to change?"), InlineKeyboardMarkup([buttons[:2], buttons[2:]])
    )
    return SUMMARY


async def go_to_step(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    step = (query.data or "").removeprefix("order:goto:")
    t = context.t
    if step == "amount":
        await _say(
            update,
            _amount_question(t, _draft(context)["customer_name"]),
            InlineKeyboardMarkup([_cancel_row(t)]),
        )
        return AMOUNT
    if step == "currency":
        return await _ask_currency(update, context)
    if step == "product":
        return await _ask_product(update, context)
    if step == "date":
        return await _ask_date(update, context)
    await query.answer(t.gettext("This button is no longer active."))
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
    draft = _draft(context)
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
        context.user_data.pop(DRAFT, None)
        await query.answer(not_visible_text(t), show_alert=True)
        await query.edit_message_text(t.gettext("Nothing was saved."))
        return ConversationHandler.END
    context.user_data.pop(DRAFT, None)
    await query.answer()
    await query.edit_message_text(
        t.gettext("Order of {amount} from {customer} saved.").format(
            amount=t.money(saved.amount, saved.currency), customer=saved.customer_name
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.gettext("Open the card"), callback_data=f"cust:open:{order.customer_id}"
                    )
                ]
            ]
        ),
    )
    return ConversationHandler.END


async def cancel(update: Update, context: CrmContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    context.user_data.pop(PICKER.query_key, None)
    text = context.t.gettext("Cancelled. No order was saved.")
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)
    return ConversationHandler.END


async def timed_out(update: Update, context: CrmContext) -> None:
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    if update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id,
            context.t.ngettext(
                "Your unfinished order was put aside after {n} minute without an answer. "
                "/order starts again.",
                "Your unfinished order was put aside after {n} minutes without an answer. "
                "/order starts again.",
                round(TIMEOUT_SECONDS / 60),
            ).format(n=round(TIMEOUT_SECONDS / 60)),
        )


async def stale_save(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    async with context.db.begin() as session:
        saved = await orders.is_saved(
            session, client_ref=client_ref(query.message.chat.id, query.message.message_id)
        )
    t = context.t
    if saved:
        await query.answer(t.gettext("This order is already saved."), show_alert=True)
    else:
        await query.answer(
            t.gettext("This button is no longer active. Please start again with /order."), show_alert=True
        )


def register(application: Application) -> None:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    message = filters.UpdateType.MESSAGE & ~filters.COMMAND
    application.add_handler(
        ConversationHandler(
            entry_points=[
                CommandHandler("order", start),
                CallbackQueryHandler(start_for_customer, pattern=START_PATTERN),
            ],
            states={
                CUSTOMER: [
                    CallbackQueryHandler(customer_picked, pattern=PICKER.pick_pattern),
                    CallbackQueryHandler(turn_page, pattern=PICKER.page_pattern),
                    MessageHandler(text, search_typed),
                    MessageHandler(message, choose_with_buttons),
                ],
                AMOUNT: [MessageHandler(text, amount_typed), MessageHandler(message, amount_unexpected)],
                CURRENCY: [
                    CallbackQueryHandler(currency_picked, pattern=r"^order:cur:"),
                    MessageHandler(message, choose_with_buttons),
                ],
                PRODUCT: [
                    CallbackQueryHandler(product_skipped, pattern=r"^order:prod:skip$"),
                    MessageHandler(text, product_typed),
                    MessageHandler(message, choose_with_buttons),
                ],
                DATE: [
                    CallbackQueryHandler(date_picked, pattern=r"^order:date:"),
                    MessageHandler(text, date_typed),
                    MessageHandler(message, choose_with_buttons),
                ],
                SUMMARY: [
                    CallbackQueryHandler(save, pattern=r"^order:save$"),
                    CallbackQueryHandler(edit, pattern=r"^order:edit$"),
                    CallbackQueryHandler(go_to_step, pattern=r"^order:goto:"),
                    MessageHandler(message, choose_with_buttons),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[
                CommandHandler("cancel", cancel),
                CallbackQueryHandler(cancel, pattern=r"^order:cancel$"),
            ],
            name="order",
            persistent=True,
            allow_reentry=True,
            conversation_timeout=TIMEOUT_SECONDS,
        )
    )
    application.add_handler(CallbackQueryHandler(stale_save, pattern=r"^order:save$"))
