"""A holiday greeting's "+N more" opened: every customer the reader owns, ten a page, each a button to
their card, with ◀/▶ in place."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler

from bot.domain.text import clip
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext, Work
from bot.services.greeting_list import owned_page
from bot.services.paging import Page
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.common.paging import Render, show_list, titled, turns
from handlers.reminder.callbacks import GREET_LIST, GREET_PAGE

PER_PAGE = 10
NAME_LIMIT = 60
BUTTON_LIMIT = 28


def opener(t: Translator, total: int) -> InlineKeyboardButton:
    """The button under a holiday greeting that lists all the reader's customers."""
    label = t.ngettext("👥 All {n} customer", "👥 All {n} customers", total).format(n=t.number(total))
    return InlineKeyboardButton(label, callback_data=GREET_LIST.data())


def text(t: Translator, page: Page) -> str:
    title = t.ngettext("👥 Your {n} customer", "👥 Your {n} customers", page.total).format(
        n=t.number(page.total)
    )
    lines = [f"• {escape(clip(str(row['customer_name']), NAME_LIMIT))}" for row in page.rows]
    return "\n".join([titled(t, title, page), *lines])


def keyboard(t: Translator, page: Page) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            clip(str(row["customer_name"]), BUTTON_LIMIT),
            callback_data=OPEN_CUSTOMER.data(customer_id=int(row["customer_id"])),
        )
        for row in page.rows
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    row = turns(t, page, lambda number: GREET_PAGE.data(page=number))
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(rows)


async def open_list(update: Update, context: CrmContext) -> None:
    """The button under a holiday greeting: the first page, as a new message under it."""
    await _show(update, context, page=0, fresh=True)


async def turn_page(update: Update, context: CrmContext) -> None:
    """◀/▶ under the list: another page of it, in place."""
    assert update.callback_query is not None
    await _show(update, context, page=GREET_PAGE.parse(update.callback_query.data)["page"], fresh=False)


async def _show(update: Update, context: CrmContext, *, page: int, fresh: bool) -> None:
    t = context.t

    async def load(work: Work) -> tuple[Page, Render]:
        shown = await owned_page(work.session, viewer=work.viewer, page=page, per_page=PER_PAGE)
        return shown, lambda page: (text(t, page), keyboard(t, page))

    await show_list(
        update,
        context,
        load,
        fresh=fresh,
        out_of_date=N_("This button is out of date."),
        parse_mode=ParseMode.HTML,
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CallbackQueryHandler(open_list, pattern=GREET_LIST))
    application.add_handler(CallbackQueryHandler(turn_page, pattern=GREET_PAGE))
