"""What every paged list shares: the page in its title, ◀/▶ to the neighbouring pages, the answer to a
press whose page is gone (the list shrank since its buttons were sent, or the press was forged), and
the press itself: load the page in one unit of work, answer, then show it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.i18n import Translator
from bot.runtime.context import CrmContext, Work
from bot.services.errors import NoTeam
from bot.services.paging import Page

# How a loaded page reads: its text and its keyboard.
Render = Callable[[Page], tuple[str, InlineKeyboardMarkup | None]]


def titled(t: Translator, title: str, page: Page) -> str:
    """The list's title, with "page 2 of 3" when there are several pages."""
    if page.pages == 1:
        return title
    return t.gettext("{title} · page {page} of {pages}").format(
        title=title, page=t.number(page.number + 1), pages=t.number(page.pages)
    )


def turns(t: Translator, page: Page, data_of: Callable[[int], str]) -> list[InlineKeyboardButton]:
    """◀ Previous / Next ▶, each only where there is a page to go to; `data_of(n)` is page n's data."""
    row = []
    if page.number > 0:
        row.append(InlineKeyboardButton(t.gettext("◀ Previous"), callback_data=data_of(page.number - 1)))
    if page.number + 1 < page.pages:
        row.append(InlineKeyboardButton(t.gettext("Next ▶"), callback_data=data_of(page.number + 1)))
    return row


async def answer_page(query: CallbackQuery, t: Translator, page: Page) -> bool:
    """Answer the press that asked for `page`; False when the list is empty now and nothing is shown."""
    if not page.total:
        await query.answer(t.gettext("Nothing on this list any more."), show_alert=True)
        return False
    if page.moved:
        await query.answer(
            t.ngettext(
                "This list has only one page now; here it is.",
                "This list has {pages} pages now; here is the last one.",
                page.pages,
            ).format(pages=t.number(page.pages)),
            show_alert=True,
        )
    else:
        await query.answer()
    return True


async def show_list(
    update: Update,
    context: CrmContext,
    load: Callable[[Work], Awaitable[tuple[Page, Render]]],
    *,
    fresh: bool,
    out_of_date: str,
    refused: tuple[type[Exception], ...] = (NoTeam,),
    parse_mode: str | None = None,
) -> None:
    """A press that opens a list (`fresh`: as a new message under the one pressed) or turns its page
    (in place). `load` reads the page in one unit of work and says how it reads; a press on a message
    too old to have one is answered with `out_of_date` (a msgid), one the service refuses with the
    refusal every button gives."""
    query = update.callback_query
    assert query is not None
    t = context.t
    if query.message is None:
        await query.answer(t.gettext(out_of_date), show_alert=True)
        return
    try:
        async with context.work() as work:
            page, render = await load(work)
    except refused:
        await query.answer(t.gettext("This button is not available to you."), show_alert=True)
        return
    if not await answer_page(query, t, page):
        return
    text, keyboard = render(page)
    if fresh:
        await context.bot.send_message(
            query.message.chat.id, text, reply_markup=keyboard, parse_mode=parse_mode
        )
        return
    await query.edit_message_text(text, reply_markup=keyboard, parse_mode=parse_mode)
