"""/find and plain typed text: customers matching a name, company, pinyin, phone digits or #tag.

Results are buttons that open the card; page buttons carry the search text when it fits in the
64 bytes of callback data, and otherwise find it in user_data.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.domain.roles import Role
from bot.domain.text import clip
from bot.i18n import Translator
from bot.runtime.context import CrmContext
from bot.services import customers
from bot.services.customers import CustomerHit
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.common import fallback
from handlers.search import callbacks

PER_PAGE = 8
MAX_QUERY = 100
LABEL_LIMIT = 60
QUERY_KEY = "find_query"
FIELD_ROLES = (Role.REP, Role.MANAGER)


def hit_label(hit: CustomerHit) -> str:
    """name · company · masked phone, shortened to fit a button."""
    parts = [hit.name, hit.company, hit.phone_masked]
    text = " · ".join(p for p in parts if p)
    return clip(text, LABEL_LIMIT)


async def results(context: CrmContext, text: str, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    t = context.t
    async with context.work() as work:
        found = await customers.search(
            work.session, viewer=work.viewer, text=text, page=page, per_page=PER_PAGE
        )
    if not found.hits:
        if page > 0:
            return t.gettext('No more customers match "{text}".').format(text=text), None
        return t.gettext('No customer matches "{text}". Try another spelling, or add them with /new.').format(
            text=text
        ), None
    rows = [
        [InlineKeyboardButton(hit_label(hit), callback_data=OPEN_CUSTOMER.data(customer_id=hit.id))]
        for hit in found.hits
    ]
    nav = []
    if found.page > 0:
        nav.append(InlineKeyboardButton(t.gettext("◀ Back"), callback_data=page_data(found.page - 1, text)))
    if found.has_more:
        nav.append(InlineKeyboardButton(t.gettext("More ▶"), callback_data=page_data(found.page + 1, text)))
    if nav:
        rows.append(nav)
    return _heading(t, text, found.page), InlineKeyboardMarkup(rows)


def page_data(page: int, text: str) -> str:
    """The page button carries its search when it fits, so an old result list still pages right."""
    try:
        return callbacks.FIND_PAGE.data(page=page, text=text)
    except ValueError:
        return callbacks.FIND_PAGE.data(page=page, text="")


def _heading(t: Translator, text: str, page: int) -> str:
    if page == 0:
        return t.gettext('Customers matching "{text}":').format(text=text)
    return t.gettext('Customers matching "{text}", page {page}:').format(text=text, page=page + 1)


async def _reply(update: Update, context: CrmContext, text: str) -> None:
    assert update.message is not None
    assert context.user_data is not None
    query = text.strip()[:MAX_QUERY]
    context.user_data[QUERY_KEY] = query
    reply, markup = await results(context, query, 0)
    await update.message.reply_text(reply, reply_markup=markup)


async def find(update: Update, context: CrmContext) -> None:
    """/find <text>; a bare /find asks what to look for."""
    assert update.message is not None
    text = " ".join(context.args or [])
    if not text.strip():
        await update.message.reply_text(
            context.t.gettext(
                "Who are you looking for? Send a name, company, pinyin (zhangsan or zs), "
                "the last 4 digits of a phone, or a #tag."
            )
        )
        return
    await _reply(update, context, text)


async def typed(update: Update, context: CrmContext) -> None:
    """Text sent outside any dialog: staff in the field search; everyone else gets the fallback."""
    assert update.message is not None
    assert update.message.text is not None
    viewer = context.viewer
    if viewer is None or viewer.effective_role not in FIELD_ROLES:
        await fallback.not_understood(update, context)
        return
    await _reply(update, context, update.message.text)


async def turn_page(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    assert context.user_data is not None
    args = callbacks.FIND_PAGE.parse(query.data)
    text = args["text"] or context.user_data.get(QUERY_KEY)
    if not isinstance(text, str):
        await query.answer(context.t.gettext("This button is no longer active."))
        return
    await query.answer()
    reply, markup = await results(context, text, args["page"])
    await query.edit_message_text(reply, reply_markup=markup)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """/find and its pages; plain text reaches `typed` via handlers/ticket/customer_text.py,
    after all dialogs."""
    application.add_handler(CommandHandler("find", find))
    application.add_handler(CallbackQueryHandler(turn_page, pattern=callbacks.FIND_PAGE))
