"""🗑 Erase data on a manager's card: two confirmations naming the customer, then the erasure.

The second step hands out a one-time code kept in user_data; only the button carrying it erases,
so neither a stale nor a forged button can skip the confirmation.
"""

from __future__ import annotations

import secrets
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler

from bot.domain.text import clip
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import erase
from bot.services.erase import AlreadyErased
from bot.services.errors import NotAllowed, NotFound
from handlers.card.erased import render_erased
from handlers.common.dialogs import Draft, forget, keep, load
from handlers.common.refusals import NOT_VISIBLE_TEXT, Refusals
from handlers.customer import callbacks

BUTTON_NAME = 24


class EraseDraft(Draft):
    """The confirmation handed out last: whom it erases and the code its button carries."""

    KEY = "erase"
    customer: int = 0
    code: str = ""


refusal = Refusals(
    (AlreadyErased, N_("This customer's personal data has already been erased.")),
    (NotAllowed, N_("Only a manager of the customer's team can erase their data.")),
    otherwise=NOT_VISIBLE_TEXT,
)


def _cancel_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.ERASE_CANCEL.data())


async def _name_of(update: Update, context: CrmContext, customer_id: int) -> str | None:
    """The customer's name if the viewer may erase it; None after alerting why not."""
    assert update.callback_query is not None
    try:
        async with context.work() as work:
            name = await erase.erasable(work.session, viewer=work.viewer, customer_id=customer_id)
    except (NotFound, NotAllowed, AlreadyErased) as error:
        forget(context, EraseDraft.KEY)
        await update.callback_query.answer(refusal(context.t, error), show_alert=True)
        return None
    return name


async def asked(update: Update, context: CrmContext) -> None:
    """Step one: what erasing means, for this customer."""
    query = update.callback_query
    assert query is not None
    assert update.effective_chat is not None
    customer_id = callbacks.ERASE_ASK.parse(query.data)["customer_id"]
    name = await _name_of(update, context, customer_id)
    if name is None:
        return
    t = context.t
    await query.answer()
    text = t.gettext(
        "🗑 Erase the personal data of {customer}?\n\n"
        "Do this when the customer asks to be forgotten. Their name is replaced by a neutral label; "
        "phone, contacts, addresses, location, birthday, notes, photos and written feedback are removed, "
        "and their Telegram link is cut. Visits, orders and amounts stay for the statistics.\n\n"
        "This cannot be undone."
    ).format(customer=f"<b>{escape(name)}</b>")
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Continue ▶"), callback_data=callbacks.ERASE_SURE.data(customer_id=customer_id)
                )
            ],
            [_cancel_button(t)],
        ]
    )
    await context.bot.send_message(
        update.effective_chat.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def sure(update: Update, context: CrmContext) -> None:
    """Step two: the last check, with a button only this confirmation carries."""
    query = update.callback_query
    assert query is not None
    customer_id = callbacks.ERASE_SURE.parse(query.data)["customer_id"]
    name = await _name_of(update, context, customer_id)
    if name is None:
        return
    t = context.t
    code = secrets.token_hex(4)
    keep(context, EraseDraft(customer=customer_id, code=code))
    await query.answer()
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("🗑 Erase {customer} for good").format(customer=clip(name, BUTTON_NAME)),
                    callback_data=callbacks.ERASE_DO.data(customer_id=customer_id, code=code),
                )
            ],
            [_cancel_button(t)],
        ]
    )
    await query.edit_message_text(
        t.gettext(
            "⚠️ Last check: erase the personal data of {customer} for good? There is no way back."
        ).format(customer=f"<b>{escape(name)}</b>"),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
    )


async def erased(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    assert update.effective_chat is not None
    t = context.t
    args = callbacks.ERASE_DO.parse(query.data)
    customer_id, code = args["customer_id"], args["code"]
    draft = load(context, EraseDraft)
    if draft.customer != customer_id or draft.code != code:
        await query.answer(
            t.gettext("This confirmation is no longer valid. Open the card and start again."), show_alert=True
        )
        return
    forget(context, EraseDraft.KEY)
    try:
        async with context.work() as work:
            erasure = await erase.erase(
                work.session, viewer=work.viewer, customer_id=customer_id, now=work.now
            )
    except (NotFound, NotAllowed, AlreadyErased) as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    _forget_in_memory(context.application, erasure)
    await query.answer(t.gettext("Done."))
    await query.edit_message_text(
        t.gettext("✅ The customer's personal data is erased. This is what remains:")
    )
    await context.bot.send_message(
        update.effective_chat.id, render_erased(erasure.card, t), parse_mode=ParseMode.HTML
    )


def _forget_in_memory(application: Application, erasure: erase.Erasure) -> None:  # type: ignore[type-arg]
    """The rows are gone; what the bot holds in memory must not be written back: the person's own
    dialog data, and entries of anyone's (a search typed, a draft) that mention them."""
    if erasure.account is not None:
        application.drop_user_data(erasure.account.telegram_id)
        if erasure.account.chat_id is not None:
            application.drop_chat_data(erasure.account.chat_id)
    for store in (application.user_data, application.chat_data):
        for data in store.values():
            for key in erasure.traces.keys_in(data):
                del data[key]


async def cancelled(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    forget(context, EraseDraft.KEY)
    await query.answer()
    await query.edit_message_text(context.t.gettext("Cancelled. Nothing was erased."))


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CallbackQueryHandler(asked, pattern=callbacks.ERASE_ASK))
    application.add_handler(CallbackQueryHandler(sure, pattern=callbacks.ERASE_SURE))
    application.add_handler(CallbackQueryHandler(erased, pattern=callbacks.ERASE_DO))
    application.add_handler(CallbackQueryHandler(cancelled, pattern=callbacks.ERASE_CANCEL))
