"""A whole /today section as a list, page by page: its heading with "page 2 of 3", one line per item,
each customer's card and visit buttons, and ◀/▶ to the neighbouring pages."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.services.paging import Page
from bot.services.today import Part
from handlers.common.paging import titled, turns
from handlers.today.callbacks import TODAY_PAGE, TODAY_SECTION
from handlers.today.items import Lines, customer_rows, heading

PER_PAGE = 10


def opener(t: Translator, part: Part, total: int) -> InlineKeyboardButton:
    """The button under /today that opens a section cut short there."""
    label = {
        Part.OVERDUE: t.ngettext("⚠️ All {n} overdue", "⚠️ All {n} overdue", total),
        Part.DUE_TODAY: t.ngettext("📌 All {n} due today", "📌 All {n} due today", total),
        Part.BIRTHDAYS: t.ngettext("🎂 All {n} birthdays", "🎂 All {n} birthdays", total),
        Part.AT_RISK: t.ngettext("🔥 All {n} at risk", "🔥 All {n} at risk", total),
        Part.REVISITS: t.ngettext("🚗 All {n} due a visit", "🚗 All {n} due a visit", total),
    }[part]
    return InlineKeyboardButton(label.format(n=t.number(total)), callback_data=TODAY_SECTION.data(part=part))


def text(t: Translator, part: Part, page: Page, lines: Lines) -> str:
    line = lines.of(part)
    return "\n".join(
        [titled(t, heading(t, part, page.total), page), *("• " + line(item) for item in page.rows)]
    )


def keyboard(t: Translator, part: Part, page: Page) -> InlineKeyboardMarkup | None:
    rows = customer_rows(t, page.rows)
    row = turns(t, page, lambda number: TODAY_PAGE.data(part=part, page=number))
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None
