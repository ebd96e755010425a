"""The customer picker that dialogs share: recent customers as buttons, or type a name to search.

A dialog gives its own pick, page and cancel buttons (declared in its feature's callbacks.py); the
picker writes a pick button per hit for the dialog to handle, and pages through results itself.
The search text is kept in user_data (it may not fit in 64 bytes of callback data).
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.domain.text import clip
from bot.i18n import Translator
from bot.runtime.context import CrmContext
from bot.services import customers
from bot.services.customers import CustomerHit
from handlers.common.buttons import Button
from handlers.common.dialogs import Draft, Step, forget, keep
from handlers.common.refusals import not_visible_text

PER_PAGE = 8
MAX_QUERY = 100
LABEL_LIMIT = 40


@dataclass(frozen=True)
class Picker:
    """One dialog's use of the picker: its name (where the search is kept) and its buttons."""

    name: str
    pick: Button
    page: Button
    cancel: Button

    @property
    def query_key(self) -> str:
        return f"{self.name}_search"


def pressed_customer(update: Update, button: Button) -> int:
    """The customer id a pressed button carries, e.g. a card's start button or a picker hit."""
    assert update.callback_query is not None
    customer_id: int = button.parse(update.callback_query.data)["customer_id"]
    return customer_id


class UseCustomer(Protocol):
    """A dialog's own handling of the chosen customer id (`fresh`: reply in a new message)."""

    def __call__(
        self, update: Update, context: CrmContext, customer_id: int, *, fresh: bool = False
    ) -> Awaitable[int]: ...


def customer_entry(
    draft: type[Draft],
    picker: Picker,
    start_button: Button,
    question: str,
    use_customer: UseCustomer,
    *,
    asking: int,
) -> tuple[Step, Step, Step]:
    """A dialog's ways in: its command (ask which customer, `question` an N_ msgid), a card's start
    button (the customer is known, but still checked against the viewer) and a picked hit; the
    first two start the dialog's `draft` afresh."""

    async def start(update: Update, context: CrmContext) -> int:
        keep(context, draft())
        await ask_customer(update, context, picker, context.t.gettext(question))
        return asking

    async def start_for_customer(update: Update, context: CrmContext) -> int:
        keep(context, draft())
        return await use_customer(update, context, pressed_customer(update, start_button), fresh=True)

    async def customer_picked(update: Update, context: CrmContext) -> int:
        return await use_customer(update, context, pressed_customer(update, picker.pick))

    return start, start_for_customer, customer_picked


async def customer_refused(update: Update, context: CrmContext, draft: type[Draft]) -> int:
    """The chosen customer is not visible to the viewer: alert on the button, drop the draft, end."""
    if update.callback_query is not None:
        await update.callback_query.answer(not_visible_text(context.t), show_alert=True)
    forget(context, draft.KEY)
    return ConversationHandler.END


def hit_label(hit: CustomerHit) -> str:
    text = f"{hit.name} · {hit.company}" if hit.company else hit.name
    return clip(text, LABEL_LIMIT)


def _buttons(picker: Picker, hits: Sequence[CustomerHit]) -> list[list[InlineKeyboardButton]]:
    return [
        [InlineKeyboardButton(hit_label(hit), callback_data=picker.pick.data(customer_id=hit.id))]
        for hit in hits
    ]


def _cancel_row(picker: Picker, t: Translator) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(t.gettext("Cancel"), callback_data=picker.cancel.data())]


async def ask_customer(update: Update, context: CrmContext, picker: Picker, question: str) -> None:
    """Ask which customer, offering the viewer's recent customers as buttons."""
    assert context.user_data is not None
    assert update.effective_chat is not None
    t = context.t
    context.user_data.pop(picker.query_key, None)
    async with context.work() as work:
        hits = await customers.recent(work.session, viewer=work.viewer, now=work.now)
    hint = (
        t.gettext("Pick a recent customer or type a name, company or phone number to search.")
        if hits
        else t.gettext("Type a name, company or phone number to search.")
    )
    await context.bot.send_message(
        update.effective_chat.id,
        f"{question}\n{hint}",
        reply_markup=InlineKeyboardMarkup([*_buttons(picker, list(hits)), _cancel_row(picker, t)]),
    )


async def search_typed(update: Update, context: CrmContext, picker: Picker) -> None:
    """Typed text: the first page of matches as buttons."""
    assert update.message is not None
    assert update.message.text is not None
    assert context.user_data is not None
    text = update.message.text.strip()[:MAX_QUERY]
    context.user_data[picker.query_key] = text
    reply, markup = await _results(context, picker, text, page=0)
    await update.message.reply_text(reply, reply_markup=markup)


async def turn_page(update: Update, context: CrmContext, picker: Picker) -> None:
    """Another page of the last search."""
    query = update.callback_query
    assert query is not None
    assert context.user_data is not None
    page = picker.page.parse(query.data)["page"]
    text = context.user_data.get(picker.query_key)
    if not isinstance(text, str):
        await query.answer(context.t.gettext("This button is no longer active."))
        return
    await query.answer()
    reply, markup = await _results(context, picker, text, page=page)
    await query.edit_message_text(reply, reply_markup=markup)


def customer_step(picker: Picker, picked: Step, *, stay: object) -> list[BaseHandler[Any, Any, Any]]:
    """A dialog's customer step: `picked` handles a chosen hit; searching and paging stay on `stay`."""

    async def typed(update: Update, context: CrmContext) -> object:
        await search_typed(update, context, picker)
        return stay

    async def paged(update: Update, context: CrmContext) -> object:
        await turn_page(update, context, picker)
        return stay

    return [
        CallbackQueryHandler(picked, pattern=picker.pick),
        CallbackQueryHandler(paged, pattern=picker.page),
        MessageHandler(filters.TEXT & ~filters.COMMAND, typed),
    ]


async def _results(
    context: CrmContext, picker: Picker, text: str, *, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    async with context.work() as work:
        found = await customers.search(
            work.session, viewer=work.viewer, text=text, page=page, per_page=PER_PAGE
        )
    if not found.hits:
        reply = t.gettext(
            'No customer matches "{text}". Try another spelling, or add them with /new.'
        ).format(text=text)
        return reply, InlineKeyboardMarkup([_cancel_row(picker, t)])
    nav = []
    if found.page > 0:
        nav.append(
            InlineKeyboardButton(t.gettext("◀ Back"), callback_data=picker.page.data(page=found.page - 1))
        )
    if found.has_more:
        nav.append(
            InlineKeyboardButton(t.gettext("More ▶"), callback_data=picker.page.data(page=found.page + 1))
        )
    rows = _buttons(picker, list(found.hits))
    if nav:
        rows.append(nav)
    rows.append(_cancel_row(picker, t))
    reply = t.gettext('Customers matching "{text}" — pick one, or type another name:').format(text=text)
    return reply, InlineKeyboardMarkup(rows)
