"""/order: log an order — customer, amount, currency, product, date — then Save.

This module holds the steps up to the summary and wires the dialog; the summary and Save are in
order_summary.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.domain.dates import Refused, read_order_date
from bot.domain.money import CURRENCIES, MAX_AMOUNT, AmountProblem, parse_amount
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import orders, visits
from bot.services.orders import MAX_PRODUCT
from bot.services.visibility import NotVisible
from handlers.common import dialogs, pickers
from handlers.common.typed_dates import order_refusal
from handlers.order import callbacks
from handlers.order import summary as order_summary
from handlers.order.summary import (
    AMOUNT,
    CURRENCY,
    CUSTOMER,
    DATE,
    DRAFT,
    PRODUCT,
    SUMMARY,
    cancel_row,
    draft_of,
    show_summary,
)
from storage.db import utcnow

TIMEOUT_SECONDS = 15 * 60
PICKER = pickers.Picker("order", callbacks.ORDER_PICK, callbacks.ORDER_PAGE, callbacks.ORDER_CANCEL)


async def _use_customer(update: Update, context: CrmContext, customer_id: int, *, fresh: bool = False) -> int:
    assert context.viewer is not None
    assert context.user_data is not None
    t = context.t
    try:
        async with context.db.begin() as session:
            brief = await visits.customer_brief(session, viewer=context.viewer, customer_id=customer_id)
            currency = await orders.team_currency(session, viewer=context.viewer)
    except NotVisible:
        return await pickers.customer_refused(update, context, DRAFT)
    draft_of(context).update(customer_id=brief.id, customer_name=brief.name, currency=currency)
    await dialogs.say(
        update, _amount_question(t, brief.name), InlineKeyboardMarkup([cancel_row(t)]), fresh=fresh
    )
    return AMOUNT


start, start_for_customer, customer_picked = pickers.customer_entry(
    DRAFT,
    PICKER,
    callbacks.START_ORDER,
    N_("Which customer is the order from?"),
    _use_customer,
    asking=CUSTOMER,
)


def _amount_question(t: Translator, customer: str) -> str:
    return t.gettext(
        'Order from {customer}. How much is it? For example "1,234.50", "¥1234" or "1.2万".'
    ).format(customer=customer)


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
        await update.message.reply_text(text, reply_markup=InlineKeyboardMarkup([cancel_row(t)]))
        return AMOUNT
    draft = draft_of(context)
    draft["amount"] = str(parsed.amount)
    if draft.get("editing"):
        return await show_summary(update, context)
    return await _ask_currency(update, context)


async def amount_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    await update.message.reply_text(_amount_question(t, draft_of(context).get("customer_name", "")))
    return AMOUNT


def _currency_keyboard(t: Translator, default: str) -> InlineKeyboardMarkup:
    ordered = [default, *[c for c in CURRENCIES if c != default]]
    buttons = [
        InlineKeyboardButton(code, callback_data=callbacks.ORDER_CURRENCY.data(code=code)) for code in ordered
    ]
    return InlineKeyboardMarkup([buttons, cancel_row(t)])


async def _ask_currency(update: Update, context: CrmContext) -> int:
    t = context.t
    draft = draft_of(context)
    amount = Decimal(draft["amount"])
    await dialogs.say(
        update,
        t.gettext("Which currency is {amount} in?").format(amount=t.number(amount)),
        _currency_keyboard(t, draft.get("currency", "CNY")),
    )
    return CURRENCY


async def currency_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    code = callbacks.ORDER_CURRENCY.parse(query.data)["code"]
    draft = draft_of(context)
    draft["currency"] = code
    if draft.get("editing"):
        return await show_summary(update, context)
    return await _ask_product(update, context)


async def _ask_product(update: Update, context: CrmContext) -> int:
    t = context.t
    await dialogs.say(
        update,
        t.gettext("What was ordered? Type the product, or press Skip."),
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.gettext("Skip"), callback_data=callbacks.ORDER_SKIP_PRODUCT.data()
                    ),
                    *cancel_row(t),
                ]
            ]
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
    draft = draft_of(context)
    draft["product"] = text
    if draft.get("editing"):
        return await show_summary(update, context)
    return await _ask_date(update, context)


async def product_skipped(update: Update, context: CrmContext) -> int:
    draft = draft_of(context)
    draft.pop("product", None)
    if draft.get("editing"):
        return await show_summary(update, context)
    return await _ask_date(update, context)


def _date_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Today"), callback_data=callbacks.ORDER_DATE.data(day="today")
                ),
                InlineKeyboardButton(
                    t.gettext("Yesterday"), callback_data=callbacks.ORDER_DATE.data(day="yesterday")
                ),
            ],
            cancel_row(t),
        ]
    )


async def _ask_date(update: Update, context: CrmContext) -> int:
    t = context.t
    text = t.gettext('When was it ordered? Today, yesterday, or type a date such as "11/20" or "上周五".')
    await dialogs.say(update, text, _date_keyboard(t))
    return DATE


async def date_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    now = utcnow()
    choice = callbacks.ORDER_DATE.parse(query.data)["day"]
    when = now if choice == "today" else now - timedelta(days=1)
    draft_of(context)["ordered_at"] = when.isoformat()
    return await show_summary(update, context)


async def date_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    assert context.viewer is not None
    t = context.t
    now = utcnow()
    typed = update.message.text or ""
    when = read_order_date(typed, now=now, tz=context.viewer.timezone)
    if isinstance(when, Refused):
        await update.message.reply_text(order_refusal(t, when, typed), reply_markup=_date_keyboard(t))
        return DATE
    ordered_at = now if when.date() == now.astimezone(t.tz).date() else when
    draft_of(context)["ordered_at"] = ordered_at.isoformat()
    return await show_summary(update, context)


async def go_to_step(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    step = callbacks.ORDER_GOTO.parse(query.data)["step"]
    t = context.t
    if step == "amount":
        await dialogs.say(
            update,
            _amount_question(t, draft_of(context)["customer_name"]),
            InlineKeyboardMarkup([cancel_row(t)]),
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


cancel = dialogs.canceller(N_("Cancelled. No order was saved."), DRAFT, PICKER.query_key)
stale_save = dialogs.stale_save(
    orders.is_saved,
    order_summary.client_ref,
    saved_text=N_("This order is already saved."),
    inactive_text=N_("This button is no longer active. Please start again with /order."),
)


def _timeout_text(t: Translator) -> str:
    return t.ngettext(
        "Your unfinished order was put aside after {n} minute without an answer. /order starts again.",
        "Your unfinished order was put aside after {n} minutes without an answer. /order starts again.",
        round(TIMEOUT_SECONDS / 60),
    ).format(n=round(TIMEOUT_SECONDS / 60))


timed_out = dialogs.timeout_note(_timeout_text, DRAFT)


def register(application: Application) -> None:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    message = filters.UpdateType.MESSAGE & ~filters.COMMAND
    buttons_only = MessageHandler(message, dialogs.choose_with_buttons)
    application.add_handler(
        dialogs.conversation(
            "order",
            entry_points=[
                CommandHandler("order", start),
                CallbackQueryHandler(start_for_customer, pattern=callbacks.START_ORDER),
            ],
            states={
                CUSTOMER: [*pickers.customer_step(PICKER, customer_picked, stay=CUSTOMER), buttons_only],
                AMOUNT: [MessageHandler(text, amount_typed), MessageHandler(message, amount_unexpected)],
                CURRENCY: [
                    CallbackQueryHandler(currency_picked, pattern=callbacks.ORDER_CURRENCY),
                    buttons_only,
                ],
                PRODUCT: [
                    CallbackQueryHandler(product_skipped, pattern=callbacks.ORDER_SKIP_PRODUCT),
                    MessageHandler(text, product_typed),
                    buttons_only,
                ],
                DATE: [
                    CallbackQueryHandler(date_picked, pattern=callbacks.ORDER_DATE),
                    MessageHandler(text, date_typed),
                    buttons_only,
                ],
                SUMMARY: [
                    CallbackQueryHandler(order_summary.save, pattern=callbacks.ORDER_SAVE),
                    CallbackQueryHandler(order_summary.edit, pattern=callbacks.ORDER_EDIT),
                    CallbackQueryHandler(go_to_step, pattern=callbacks.ORDER_GOTO),
                    buttons_only,
                ],
            },
            cancel=cancel,
            cancel_data=callbacks.ORDER_CANCEL,
            timed_out=timed_out,
            timeout=TIMEOUT_SECONDS,
        )
    )
    application.add_handler(CallbackQueryHandler(stale_save, pattern=callbacks.ORDER_SAVE))
