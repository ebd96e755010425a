"""The customer card (360° profile), its history pages and "Show on map"."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler

from bot.domain.surveys import DETRACTOR_MAX, PROMOTER
from bot.domain.text import join_list, one_line
from bot.i18n import N_, Translator
from bot.present.explain import reason_texts, risk_label
from bot.runtime.context import CrmContext
from bot.services import card, erase, timeline
from bot.services.card import CustomerCard
from bot.services.erase import ErasedCard
from bot.services.timeline import HistoryPage, TimelineRow
from bot.services.visibility import NotVisible
from handlers.card import callbacks, erased
from handlers.common.buttons import Button
from handlers.common.labels import (
    KIND_LABELS,
    OUTCOME_LABELS,
    REMINDER_LABELS,
    TICKET_STATUS_LABELS,
    bold,
    label,
    owner_line,
)
from handlers.common.refusals import not_visible_text
from handlers.customer.callbacks import CUSTOMER_LINK, EDIT_CUSTOMER, ERASE_ASK
from handlers.order.callbacks import START_ORDER
from handlers.reminder.callbacks import NEW_REMINDER
from handlers.transfer.callbacks import XFER_PICK
from handlers.visit.callbacks import START_VISIT

MAX_MESSAGE = 4000
NOTE_PREVIEW = 80

NPS_GROUPS = {"promoter": N_("promoter"), "passive": N_("passive"), "detractor": N_("detractor")}


def nps_group(score: int) -> str:
    if score >= PROMOTER:
        return "promoter"
    return "detractor" if score <= DETRACTOR_MAX else "passive"


def survey_lines(t: Translator, view: CustomerCard) -> list[str]:
    """CSAT over 90 days with its latest answer, and the latest NPS with what it makes the customer."""
    lines = []
    if view.csat_90d is not None:
        n = view.csat_90d.answers
        average = view.csat_90d.average.quantize(Decimal("0.1"))
        lines.append(
            t.ngettext(
                "CSAT, last 90 days: {average}/5 from {n} answer",
                "CSAT, last 90 days: {average}/5 from {n} answers",
                n,
            ).format(average=t.number(average), n=t.number(n))
        )
    if view.csat is not None:
        lines.append(
            t.gettext("Latest CSAT: {score}/5 on {date}").format(
                score=view.csat.score, date=t.day(view.csat.at)
            )
        )
    if view.nps is not None:
        lines.append(
            t.gettext("Latest NPS: {score}/10 on {date} · {group}").format(
                score=view.nps.score,
                date=t.day(view.nps.at),
                group=t.gettext(NPS_GROUPS[nps_group(view.nps.score)]),
            )
        )
    return lines


def follow_up_line(t: Translator, view: CustomerCard) -> str:
    """The earliest open reminder; without one, the visit the tier's cadence asks for (maybe overdue)."""
    if view.next_reminder_at is not None:
        return t.gettext("Next follow-up: {when}").format(when=t.day_time(view.next_reminder_at))
    due = view.visit_due
    if due.at.astimezone(t.tz).date() < t.today():
        text = t.ngettext(
            "Next follow-up: a visit, overdue since {date} (tier {tier}: every {n} day)",
            "Next follow-up: a visit, overdue since {date} (tier {tier}: every {n} days)",
            due.days,
        )
    else:
        text = t.ngettext(
            "Next follow-up: a visit by {date} (tier {tier}: every {n} day)",
            "Next follow-up: a visit by {date} (tier {tier}: every {n} days)",
            due.days,
        )
    return text.format(date=t.day(due.at, weekday=True), tier=escape(view.tier), n=t.number(due.days))


def order_lines(t: Translator, view: CustomerCard) -> list[str]:
    """The last 90 days' total and orders; with none in that time, when the last one was."""
    if not view.totals_90d:
        last = view.last_order
        if last is None:
            return [t.gettext("No orders logged yet.")]
        return [
            t.gettext("No orders in the last 90 days; the last one, {amount}, on {date}.").format(
                amount=t.money(last.amount, last.currency), date=t.day(last.ordered_at, weekday=True)
            )
        ]
    totals = join_list((t.total(amount, currency) for currency, amount in view.totals_90d.items()), t.locale)
    lines = [t.gettext("Orders, last 90 days: {total}").format(total=totals)]
    for order in view.orders:
        note = f" — {escape(one_line(order.note, 40))}" if order.note else ""
        lines.append(f"  • {t.day(order.ordered_at)} · {t.money(order.amount, order.currency)}{note}")
    return lines


def render_card(view: CustomerCard, t: Translator) -> str:
    """The card as HTML; every stored text is escaped, the whole stays under one message."""
    lines = [f"<b>{escape(view.name)}</b>" + (f" · {escape(view.company)}" if view.company else "")]
    lines.append(owner_line(t, owner=view.owner_name, tier=view.tier, stage=view.stage))
    if view.phone:
        lines.append(t.gettext("Phone: {phone}").format(phone=escape(view.phone)))
    if view.health_score is None:
        lines.append(t.gettext("Health: not scored yet"))
    else:
        lines.append(
            t.gettext("Health: {score}/100, {risk}").format(
                score=view.health_score, risk=risk_label(t, view.risk_level)
            )
        )
        lines.extend(f"  • {escape(text)}" for text in reason_texts(t, view.health_reasons))
    if view.rfm is not None:
        r, f, m = view.rfm
        lines.append(t.gettext("RFM: R{r} F{f} M{m}").format(r=r, f=f, m=m))
    lines.append(follow_up_line(t, view))
    lines.append("")
    if view.visits:
        lines.append(bold(t.gettext("Last visits")))
        for visit in view.visits:
            entry = t.gettext("{date} · {kind} · {outcome}").format(
                date=t.day(visit.visited_at),
                kind=label(t, KIND_LABELS, visit.kind),
                outcome=label(t, OUTCOME_LABELS, visit.outcome) or "—",
            )
            note = f" — {escape(one_line(visit.notes, NOTE_PREVIEW))}" if visit.notes else ""
            lines.append(f"  • {entry}{note}")
    else:
        lines.append(t.gettext("No visits logged yet."))
    lines.extend(order_lines(t, view))
    lines.append("")
    if view.on_telegram:
        lines.append(t.gettext("📱 Connected on Telegram: surveys and replies reach them here."))
    if view.open_tickets:
        lines.append(
            t.ngettext("{n} open ticket", "{n} open tickets", view.open_tickets).format(n=view.open_tickets)
        )
    lines.extend(survey_lines(t, view))
    if view.contacts:
        lines.append(bold(t.gettext("Contacts")))
        for contact in view.contacts[:5]:
            parts = [escape(contact.name)]
            if contact.title:
                parts.append(escape(contact.title))
            if contact.phone:
                parts.append(escape(contact.phone))
            lines.append("  • " + join_list(parts, t.locale))
    if view.tags:
        lines.append(t.gettext("Tags: {tags}").format(tags=escape(join_list(view.tags, t.locale))))
    if view.note:
        lines.append(t.gettext("Note: {note}").format(note=escape(one_line(view.note, 300))))
    return fit("\n".join(lines))


def fit(text: str) -> str:
    """Keep a message under Telegram's limit by dropping whole trailing lines."""
    if len(text) <= MAX_MESSAGE:
        return text
    kept: list[str] = []
    size = 0
    for line in text.split("\n"):
        if size + len(line) + 1 > MAX_MESSAGE - 2:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept) + "\n…"


def card_keyboard(view: CustomerCard, t: Translator, *, manage: bool = False) -> InlineKeyboardMarkup:
    """The card's actions; a manager or admin (`manage`) also gets Transfer and Erase data."""
    cid = view.id
    managing = [
        [
            InlineKeyboardButton(t.gettext("🔁 Transfer"), callback_data=XFER_PICK.data(customer_id=cid)),
            InlineKeyboardButton(t.gettext("🗑 Erase data"), callback_data=ERASE_ASK.data(customer_id=cid)),
        ]
    ]
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("📝 Log visit"), callback_data=START_VISIT.data(customer_id=cid)
                ),
                InlineKeyboardButton(
                    t.gettext("💰 Log order"), callback_data=START_ORDER.data(customer_id=cid)
                ),
            ],
            [
                InlineKeyboardButton(
                    t.gettext("⏰ Set reminder"), callback_data=NEW_REMINDER.data(customer_id=cid)
                ),
                InlineKeyboardButton(
                    t.gettext("📍 Show on map"), callback_data=callbacks.CUSTOMER_MAP.data(customer_id=cid)
                ),
            ],
            [
                InlineKeyboardButton(t.gettext("✏️ Edit"), callback_data=EDIT_CUSTOMER.data(customer_id=cid)),
                InlineKeyboardButton(
                    t.gettext("🕘 History"),
                    callback_data=callbacks.CUSTOMER_HISTORY.data(customer_id=cid, page=0),
                ),
            ],
            [
                InlineKeyboardButton(
                    t.gettext("🔗 Customer's link to the bot"),
                    callback_data=CUSTOMER_LINK.data(customer_id=cid),
                )
            ],
            *(managing if manage else []),
        ]
    )


async def _load_card(context: CrmContext, customer_id: int) -> CustomerCard | ErasedCard | None:
    """The customer's card; else, to a manager of an erased customer's team, the erased card; None
    when the viewer may see neither."""
    view: CustomerCard | ErasedCard | None
    async with context.work() as work:
        try:
            view = await card.card_for(
                work.session, viewer=work.viewer, customer_id=customer_id, now=work.now
            )
        except NotVisible:
            try:
                view = await erase.erased_card(work.session, viewer=work.viewer, customer_id=customer_id)
            except NotVisible:
                view = None
    return view


async def send_card(update: Update, context: CrmContext, customer_id: int) -> None:
    """Send a customer's card as a new message; other handlers (search, /today, pushes) call this."""
    chat = update.effective_chat
    assert chat is not None
    t = context.t
    view = await _load_card(context, customer_id)
    if isinstance(view, ErasedCard):
        await erased.send_erased(update, context, view)
        return
    if view is None:
        await context.bot.send_message(chat.id, not_visible_text(t))
        return
    await context.bot.send_message(
        chat.id,
        render_card(view, t),
        parse_mode=ParseMode.HTML,
        reply_markup=card_keyboard(view, t, manage=context.me.manages),
    )


async def _pressed_card(update: Update, context: CrmContext, button: Button) -> CustomerCard | None:
    """The card of the customer a pressed button names, the press answered; None (after an alert)
    when the viewer may not see that customer."""
    query = update.callback_query
    assert query is not None
    customer_id = button.parse(query.data)["customer_id"]
    view = await _load_card(context, customer_id)
    if isinstance(view, ErasedCard):
        await erased.send_erased(update, context, view)
        return None
    if view is None:
        await query.answer(not_visible_text(context.t), show_alert=True)
        return None
    await query.answer()
    return view


async def open_card(update: Update, context: CrmContext) -> None:
    view = await _pressed_card(update, context, callbacks.OPEN_CUSTOMER)
    if view is None:
        return
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id,
        render_card(view, context.t),
        parse_mode=ParseMode.HTML,
        reply_markup=card_keyboard(view, context.t, manage=context.me.manages),
    )


async def back_to_card(update: Update, context: CrmContext) -> None:
    view = await _pressed_card(update, context, callbacks.BACK_TO_CARD)
    if view is None:
        return
    assert update.callback_query is not None
    await update.callback_query.edit_message_text(
        render_card(view, context.t),
        parse_mode=ParseMode.HTML,
        reply_markup=card_keyboard(view, context.t, manage=context.me.manages),
    )


def history_line(t: Translator, row: TimelineRow) -> str:
    when = t.day(row.at)
    detail = f" — {escape(one_line(row.detail, 60))}" if row.detail else ""
    if row.source == "visit":
        text = t.gettext("{date} · Visit ({kind}), {outcome}").format(
            date=when,
            kind=label(t, KIND_LABELS, row.label),
            outcome=label(t, OUTCOME_LABELS, row.extra) or "—",
        )
    elif row.source == "order":
        assert row.amount is not None
        assert row.currency is not None
        text = t.gettext("{date} · Order {amount}").format(
            date=when, amount=t.money(row.amount, row.currency)
        )
    elif row.source == "feedback":
        if row.label == "csat":
            text = t.gettext("{date} · CSAT {score}/5").format(date=when, score=row.number)
        elif row.label == "nps":
            text = t.gettext("{date} · NPS {score}").format(date=when, score=row.number)
        else:
            text = t.gettext("{date} · Feedback").format(date=when)
    elif row.source == "ticket":
        text = t.gettext("{date} · Ticket #{number} ({status})").format(
            date=when, number=row.number, status=label(t, TICKET_STATUS_LABELS, row.label)
        )
    else:
        text = t.gettext("{date} · {reminder}").format(
            date=when, reminder=label(t, REMINDER_LABELS, row.label)
        )
    return f"• {text}{detail}"


def render_history(page: HistoryPage, t: Translator) -> str:
    title = t.gettext("History of {name} · page {page}").format(name=page.customer_name, page=page.page + 1)
    lines = [bold(title)]
    if not page.entries:
        lines.append(t.gettext("Nothing recorded yet."))
    lines.extend(history_line(t, row) for row in page.entries)
    return fit("\n".join(lines))


def history_keyboard(page: HistoryPage, t: Translator) -> InlineKeyboardMarkup:
    cid = page.customer_id
    nav = []
    if page.page > 0:
        nav.append(
            InlineKeyboardButton(
                t.gettext("◀ Newer"),
                callback_data=callbacks.CUSTOMER_HISTORY.data(customer_id=cid, page=page.page - 1),
            )
        )
    if page.has_more:
        nav.append(
            InlineKeyboardButton(
                t.gettext("Older ▶"),
                callback_data=callbacks.CUSTOMER_HISTORY.data(customer_id=cid, page=page.page + 1),
            )
        )
    rows = [nav] if nav else []
    rows.append(
        [
            InlineKeyboardButton(
                t.gettext("Back to card"), callback_data=callbacks.BACK_TO_CARD.data(customer_id=cid)
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


async def show_history(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    args = callbacks.CUSTOMER_HISTORY.parse(query.data)
    try:
        async with context.work() as work:
            page = await timeline.history(
                work.session, viewer=work.viewer, customer_id=args["customer_id"], page=args["page"]
            )
    except NotVisible:
        await query.answer(not_visible_text(context.t), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(
        render_history(page, context.t),
        parse_mode=ParseMode.HTML,
        reply_markup=history_keyboard(page, context.t),
    )


async def show_on_map(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    assert update.effective_chat is not None
    customer_id = callbacks.CUSTOMER_MAP.parse(query.data)["customer_id"]
    t = context.t
    try:
        async with context.work() as work:
            place = await card.location_of(work.session, viewer=work.viewer, customer_id=customer_id)
    except NotVisible:
        await query.answer(not_visible_text(t), show_alert=True)
        return
    await query.answer()
    chat_id = update.effective_chat.id
    if place.latitude is None or place.longitude is None:
        await context.bot.send_message(
            chat_id,
            t.gettext(
                "No location is stored for {name} yet. "
                "It is saved from an on-site check-in when you log a visit."
            ).format(name=place.name),
        )
        return
    await context.bot.send_location(chat_id, latitude=place.latitude, longitude=place.longitude)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CallbackQueryHandler(open_card, pattern=callbacks.OPEN_CUSTOMER))
    application.add_handler(CallbackQueryHandler(back_to_card, pattern=callbacks.BACK_TO_CARD))
    application.add_handler(CallbackQueryHandler(show_history, pattern=callbacks.CUSTOMER_HISTORY))
    application.add_handler(CallbackQueryHandler(show_on_map, pattern=callbacks.CUSTOMER_MAP))
