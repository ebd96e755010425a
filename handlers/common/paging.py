"""What every paged list shares: the page in its title, ◀/▶ to the neighbouring pages, and the answer
to a press whose page is gone (the list shrank since its buttons were sent, or the press was forged)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.services.paging import Page


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


async def deliver_page(
    query: CallbackQuery,
    t: Translator,
    page: Page,
    render: Callable[[Page], tuple[str, InlineKeyboardMarkup | None]],
    *,
    fresh: bool,
    parse_mode: str | None = None,
) -> None:
    """Answer the press and show `page`: as a new message under the one pressed when the list is
    first opened (`fresh`), else in place of the page it was turned from."""
    if not await answer_page(query, t, page):
        return
    text, keyboard = render(page)
    if fresh:
        assert query.message is not None
        await query.get_bot().send_message(
            query.message.chat.id, text, reply_markup=keyboard, parse_mode=parse_mode
        )
        return
    await query.edit_message_text(text, reply_markup=keyboard, parse_mode=parse_mode)
