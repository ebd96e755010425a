"""/order: log an order — customer, amount, product, date — then Save.

The currency is the team's unless the rep taps another under the product question, where the amount
is echoed as the reader writes money. This module holds the steps up to the summary and wires the
dialog; the summary and Save are in summary, the answers so far in draft, amount wording in amounts.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.domain.dates import Refused, read_order_date
from bot.domain.money import CURRENCIES, AmountProblem, parse_amount
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import customers, orders
from bot.services.orders import MAX_PRODUCT
from bot.services.visibility import NotVisible
from handlers.common import dialogs, pickers
from handlers.common.typed_dates import order_refusal
from handlers.order import amounts, callbacks
from handlers.order import summary as order_summary
from handlers.order.draft import OrderDraft
from handlers.order.summary import (
    AMOUNT,
    CURRENCY,
    CUSTOMER,
    DATE,
    PRODUCT,
    SUMMARY,
    cancel_row,
    show_summary,
)

TIMEOUT_SECONDS = 15 * 60
PICKER = pickers.Picker("order", callbacks.ORDER_PICK, callbacks.ORDER_PAGE, callbacks.ORDER_CANCEL)


async def _use_customer(update: Update, context: CrmContext, customer_id: int, *, fresh: bool = False) -> int:
    t = context.t
    try:
        async with context.work() as work:
            brief = await customers.brief(work.session, viewer=work.viewer, customer_id=customer_id)
            currency = await orders.team_currency(work.session, viewer=work.viewer)
    except NotVisible:
        return await pickers.customer_refused(update, context, OrderDraft)
    with dialogs.editing(context, OrderDraft) as draft:
        draft.customer_id, draft.customer_name = brief.id, brief.name
        draft.currency = draft.team_currency = currency
    await dialogs.say(
        update, _amount_question(t, brief.name), InlineKeyboardMarkup([cancel_row(t)]), fresh=fresh
    )
    return AMOUNT


start, start_for_customer, customer_picked = pickers.customer_entry(
    OrderDraft,
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
    typed = update.message.text or ""
    parsed = parse_amount(typed, locale=t.locale)
    if parsed.amount is None:
        draft = dialogs.load(context, OrderDraft)
        text = amounts.refusal(parsed, typed, currency=draft.currency or orders.DEFAULT_CURRENCY, t=t)
        if parsed.problem is AmountProblem.NOT_POSITIVE:
            text += "\n" + _amount_question(t, draft.customer_name)
        await update.message.reply_text(text, reply_markup=InlineKeyboardMarkup([cancel_row(t)]))
        return AMOUNT
    with dialogs.editing(context, OrderDraft) as draft:
        draft.amount = parsed.amount
    if draft.editing:
        return await show_summary(update, context)
    return await _ask_product(update, context)


async def amount_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    await update.message.reply_text(_amount_question(t, dialogs.load(context, OrderDraft).customer_name))
    return AMOUNT


def _currency_row(draft: OrderDraft) -> list[InlineKeyboardButton]:
    """The team's currency first, then the others; one that is not among CURRENCIES gets a button
    of its own, since a press may only carry a declared code."""
    team = draft.team_currency or orders.DEFAULT_CURRENCY
    row = (
        []
        if team in CURRENCIES
        else [InlineKeyboardButton(team, callback_data=callbacks.ORDER_TEAM_CURRENCY.data())]
    )
    ordered = sorted(CURRENCIES, key=lambda code: code != team)
    row += [
        InlineKeyboardButton(code, callback_data=callbacks.ORDER_CURRENCY.data(code=code)) for code in ordered
    ]
    return row


def _pressed_currency(query_data: str | None, draft: OrderDraft) -> str:
    if callbacks.ORDER_TEAM_CURRENCY(query_data):
        return draft.team_currency or orders.DEFAULT_CURRENCY
    return str(callbacks.ORDER_CURRENCY.parse(query_data)["code"])


async def _ask_currency(update: Update, context: CrmContext) -> int:
    """From the summary's Edit: the currency alone."""
    t = context.t
    draft = dialogs.load(context, OrderDraft)
    assert draft.amount is not None
    await dialogs.say(
        update,
        t.gettext("Which currency is {amount} in?").format(amount=amounts.digits(draft.amount, t)),
        InlineKeyboardMarkup([_currency_row(draft), cancel_row(t)]),
    )
    return CURRENCY


async def currency_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    with dialogs.editing(context, OrderDraft) as draft:
        draft.currency = _pressed_currency(query.data, draft)
    if draft.editing:
        return await show_summary(update, context)
    return await _ask_product(update, context)


def _product_question(draft: OrderDraft, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The amount as it will be saved, its currency with one tap to change it, and the product."""
    assert draft.amount is not None
    currency = draft.currency or orders.DEFAULT_CURRENCY
    text = "\n".join(
        (
            t.gettext("Amount: {amount}").format(amount=t.money(draft.amount, currency)),
            t.gettext("Currency: {currency}. Tap another one below to change it.").format(currency=currency),
            "",
            t.gettext("What was ordered? Type the product, or press Skip."),
        )
    )
    skip = InlineKeyboardButton(t.gettext("Skip"), callback_data=callbacks.ORDER_SKIP_PRODUCT.data())
    return text, InlineKeyboardMarkup([_currency_row(draft), [skip, *cancel_row(t)]])


async def _ask_product(update: Update, context: CrmContext) -> int:
    text, markup = _product_question(dialogs.load(context, OrderDraft), context.t)
    await dialogs.say(update, text, markup)
    return PRODUCT


async def currency_changed(update: Update, context: CrmContext) -> int:
    """A currency tapped under the product question: the echo follows, the question stays."""
    query = update.callback_query
    assert query is not None
    draft = dialogs.load(context, OrderDraft)
    code = _pressed_currency(query.data, draft)
    if code == draft.currency or draft.amount is None:
        await query.answer()
        return PRODUCT
    with dialogs.editing(context, OrderDraft) as draft:
        draft.currency = code
    text, markup = _product_question(draft, context.t)
    await dialogs.say(update, text, markup)
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
    with dialogs.editing(context, OrderDraft) as draft:
        draft.product = text
    if draft.editing:
        return await show_summary(update, context)
    return await _ask_date(update, context)


async def product_skipped(update: Update, context: CrmContext) -> int:
    with dialogs.editing(context, OrderDraft) as draft:
        draft.product = None
    if draft.editing:
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
    now = context.now()
    choice = callbacks.ORDER_DATE.parse(query.data)["day"]
    with dialogs.editing(context, OrderDraft) as draft:
        draft.ordered_at = now if choice == "today" else now - timedelta(days=1)
    return await show_summary(update, context)


async def date_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    now = context.now()
    typed = update.message.text or ""
    when = read_order_date(typed, now=now, tz=context.me.timezone)
    if isinstance(when, Refused):
        await update.message.reply_text(order_refusal(t, when, typed), reply_markup=_date_keyboard(t))
        return DATE
    with dialogs.editing(context, OrderDraft) as draft:
        draft.ordered_at = now if when.date() == now.astimezone(t.tz).date() else when
    return await show_summary(update, context)


async def go_to_step(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    step = callbacks.ORDER_GOTO.parse(query.data)["step"]
    t = context.t
    if step == "amount":
        await dialogs.say(
            update,
            _amount_question(t, dialogs.load(context, OrderDraft).customer_name),
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


cancel = dialogs.canceller(N_("Cancelled. No order was saved."), OrderDraft.KEY, PICKER.query_key)
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


timed_out = dialogs.timeout_note(_timeout_text, OrderDraft.KEY)


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
                    CallbackQueryHandler(currency_picked, pattern=callbacks.ORDER_TEAM_CURRENCY),
                    buttons_only,
                ],
                PRODUCT: [
                    CallbackQueryHandler(currency_changed, pattern=callbacks.ORDER_CURRENCY),
                    CallbackQueryHandler(currency_changed, pattern=callbacks.ORDER_TEAM_CURRENCY),
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
