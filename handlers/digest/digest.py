"""/digest for managers, and the drill-down buttons listing the customers behind a figure."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from functools import partial
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.domain.digest import Kind, Period, starting
from bot.domain.text import clip
from bot.i18n import N_, Translator
from bot.present.charts import render_png
from bot.runtime.context import CrmContext
from bot.services import digest
from bot.services.digest import Drill, Listing
from bot.services.errors import NotAllowed, NoTeam
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.common.refusals import Refusals
from handlers.digest import callbacks, message, pushes

LIST_LIMIT = 10
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


LINES: dict[Drill, Line] = {
    Drill.RISK: _risk,
    Drill.TICKETS: _ticket,
    Drill.FOLLOW_UPS: _follow_up,
    Drill.VISITS: _visit,
    Drill.NEW: _new,
    Drill.ORDERS: _order,
}


def render_listing(t: Translator, what: Drill, listing: Listing) -> tuple[str, InlineKeyboardMarkup | None]:
    """The list behind a figure, with a button to open each customer's card."""
    lines = [t.gettext(TITLES[what]).format(n=t.number(listing.total))]
    lines += [LINES[what](t, row) for row in listing.rows]
    hidden = listing.total - len(listing.rows)
    if hidden > 0:
        lines.append(t.ngettext("+{n} more", "+{n} more", hidden).format(n=hidden))
    seen: dict[int, str] = {}
    for row in listing.rows:
        if row.get("customer_id") is not None and row.get("customer_name"):
            seen.setdefault(int(row["customer_id"]), clip(str(row["customer_name"]), BUTTON_LIMIT))
    buttons = [
        InlineKeyboardButton(name, callback_data=OPEN_CUSTOMER.data(customer_id=cid))
        for cid, name in seen.items()
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def period_of(what: Drill, data: str | None) -> Period | None:
    """The period a pressed drill-down button names; the lists of what is overdue now have none."""
    button = callbacks.DIGEST_PERIOD_LISTS.get(what)
    if button is None:
        return None
    args = button.parse(data)
    return starting(Kind(args["period"]), args["first"])


_refusal = Refusals(
    (NoTeam, N_("The digest is for a team: join or create one first.")),
    otherwise=N_("The digest is for managers."),
)


async def show_digest(update: Update, context: CrmContext) -> None:
    """Today's digest so far, then its chart."""
    assert update.message is not None
    t = context.t
    try:
        async with context.work() as work:
            found = await digest.for_viewer(work.session, viewer=work.viewer, now=work.now)
    except (NoTeam, NotAllowed) as error:
        await update.message.reply_text(_refusal(t, error))
        return
    text, keyboard = message.render(t, found)
    await update.message.reply_text(text, reply_markup=keyboard, parse_mode=ParseMode.HTML)
    png = await asyncio.to_thread(render_png, message.chart_data(found), message.chart_labels(t, found))
    await update.message.reply_photo(png, caption=message.caption(t, found), filename="digest.png")


async def drill_down(what: Drill, update: Update, context: CrmContext) -> None:
    """Answer a digest button with the list behind it (`what`, bound where the handler is registered),
    as a new message under the digest."""
    query = update.callback_query
    assert query is not None
    t = context.t
    if query.message is None:
        await query.answer(
            t.gettext("This button is out of date. Send /digest for a fresh one."), show_alert=True
        )
        return
    period = period_of(what, query.data)
    try:
        async with context.work() as work:
            listing = await digest.drill(
                work.session, viewer=work.viewer, what=what, period=period, now=work.now, limit=LIST_LIMIT
            )
    except (NoTeam, NotAllowed):
        await query.answer(t.gettext("This button is not available to you."), show_alert=True)
        return
    if not listing.total:
        await query.answer(t.gettext("Nothing on this list any more."), show_alert=True)
        return
    await query.answer()
    text, keyboard = render_listing(t, what, listing)
    await context.bot.send_message(
        query.message.chat.id, text, reply_markup=keyboard, parse_mode=ParseMode.HTML
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("digest", show_digest))
    for what, button in (*callbacks.DIGEST_PERIOD_LISTS.items(), *callbacks.DIGEST_NOW_LISTS.items()):
        application.add_handler(CallbackQueryHandler(partial(drill_down, what), pattern=button))
    pushes.register(application)
