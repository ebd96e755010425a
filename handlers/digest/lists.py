"""A page of a drill-down list: the lines behind a digest figure, a button to open each customer (or,
for an overdue ticket, the ticket), and ◀/▶ to the neighbouring pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.digest import Kind, Period, starting
from bot.domain.text import clip
from bot.i18n import N_, Translator
from bot.services.digest import Drill, Page
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.common.paging import titled, turns
from handlers.digest import callbacks
from handlers.digest.message import rep_line
from handlers.ticket.callbacks import OPEN_TICKET

NAME_LIMIT = 40
BUTTON_LIMIT = 28

Line = Callable[[Translator, Mapping[str, Any]], str]

TITLES = {
    Drill.RISK: N_("🔥 New high-risk customers: {n}"),
    Drill.TICKETS: N_("🎫 Overdue tickets: {n}"),
    Drill.FOLLOW_UPS: N_("⏰ Overdue follow-ups: {n}"),
    Drill.VISITS: N_("🚗 Visits: {n}"),
    Drill.NEW: N_("👤 New customers: {n}"),
    Drill.ORDERS: N_("💰 Orders: {n}"),
}


def _customer(row: Mapping[str, Any]) -> str:
    return escape(clip(str(row.get("customer_name") or ""), NAME_LIMIT))


def _owner(row: Mapping[str, Any]) -> str:
    return escape(str(row.get("owner_name") or "—"))


def _risk(t: Translator, row: Mapping[str, Any]) -> str:
    return t.gettext("• {customer} — health {score} · {owner}").format(
        customer=_customer(row), score=row["score"], owner=_owner(row)
    )


def _ticket(t: Translator, row: Mapping[str, Any]) -> str:
    return t.gettext("• #{number} {customer} — due {when}").format(
        number=row["number"], customer=_customer(row), when=t.day_time(row["due_at"])
    )


def _follow_up(t: Translator, row: Mapping[str, Any]) -> str:
    who = _customer(row) if row.get("customer_name") else escape(clip(str(row.get("note") or ""), NAME_LIMIT))
    return t.gettext("• {customer} — {owner}, due {when}").format(
        customer=who or t.gettext("Reminder"),
        owner=_owner(row),
        when=t.day_time(row["due_at"]),
    )


def _visit(t: Translator, row: Mapping[str, Any]) -> str:
    return t.gettext("• {time} {customer} — {owner}").format(
        time=t.time(row["at"]), customer=_customer(row), owner=_owner(row)
    )


def _new(t: Translator, row: Mapping[str, Any]) -> str:
    return t.gettext("• {customer} — {owner}").format(customer=_customer(row), owner=_owner(row))


def _order(t: Translator, row: Mapping[str, Any]) -> str:
    return t.gettext("• {customer} · {amount} — {owner}").format(
        customer=_customer(row), amount=t.money(row["amount"], row["currency"]), owner=_owner(row)
    )


def _rep(t: Translator, row: Mapping[str, Any]) -> str:
    return rep_line(t, str(row["name"]), int(row["visits"]), row["average"])


LINES: dict[Drill, Line] = {
    Drill.RISK: _risk,
    Drill.TICKETS: _ticket,
    Drill.FOLLOW_UPS: _follow_up,
    Drill.VISITS: _visit,
    Drill.NEW: _new,
    Drill.ORDERS: _order,
    Drill.REPS: _rep,
}


def _title(t: Translator, what: Drill, page: Page) -> str:
    n = t.number(page.total)
    if what is Drill.REPS:
        title = t.ngettext("🚗 Visits per rep: {n} rep", "🚗 Visits per rep: {n} reps", page.total).format(
            n=n
        )
    else:
        title = t.gettext(TITLES[what]).format(n=n)
    return titled(t, title, page)


def text(t: Translator, what: Drill, page: Page) -> str:
    """The list's title (with the page, when there are several), then one line per row."""
    return "\n".join([_title(t, what, page), *(LINES[what](t, row) for row in page.rows)])


def _record_buttons(what: Drill, page: Page) -> list[InlineKeyboardButton]:
    """A ticket button per overdue ticket; otherwise a button per customer named on the page."""
    if what is Drill.TICKETS:
        return [
            InlineKeyboardButton(
                f"#{row['number']} · {clip(str(row['customer_name'] or ''), BUTTON_LIMIT)}",
                callback_data=OPEN_TICKET.data(ticket_id=int(row["ticket_id"])),
            )
            for row in page.rows
        ]
    seen: dict[int, str] = {}
    for row in page.rows:
        if row.get("customer_id") is not None and row.get("customer_name"):
            seen.setdefault(int(row["customer_id"]), clip(str(row["customer_name"]), BUTTON_LIMIT))
    return [
        InlineKeyboardButton(name, callback_data=OPEN_CUSTOMER.data(customer_id=cid))
        for cid, name in seen.items()
    ]


def page_data(what: Drill, period: Period | None, number: int) -> str:
    """The button data of another page of the same list."""
    if period is None:
        return callbacks.DIGEST_NOW_PAGES[what].data(page=number)
    return callbacks.DIGEST_PERIOD_PAGES[what].data(period=period.kind, first=period.first, page=number)


def keyboard(t: Translator, what: Drill, period: Period | None, page: Page) -> InlineKeyboardMarkup | None:
    """The page's records two to a row, then ◀ Previous / Next ▶ where there is a page to go to."""
    buttons = _record_buttons(what, page)
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    row = turns(t, page, lambda number: page_data(what, period, number))
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None


def period_of(what: Drill, args: Mapping[str, Any]) -> Period | None:
    """The period a pressed list button names; the lists of what is overdue now have none."""
    if what not in callbacks.DIGEST_PERIOD_LISTS:
        return None
    first: date = args["first"]
    return starting(Kind(args["period"]), first)
