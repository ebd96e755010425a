"""/tickets and the ticket card: staff see their open tickets (overdue first) and act on one;
a customer sees their own complaints with the last message of each.

Every press goes back to the service, which checks the presser's rights on that ticket again.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.domain.enums import TicketSeverity, TicketStatus
from bot.domain.roles import Role
from bot.domain.text import clip, one_line
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import tickets
from bot.services.errors import NotAllowed, NotFound, ServiceError
from bot.services.ticket_notices import TicketView
from bot.services.tickets import NotLinked, TicketGone, WrongState
from handlers.common.buttons import Button
from handlers.common.labels import label
from handlers.common.refusals import REP_GONE_TEXT, Refusals
from handlers.ticket import callbacks, pushes
from handlers.ticket.render import (
    SEVERITY_LABELS,
    STATUS_LABELS,
    bold_number,
    card_text,
    history_text,
    number_text,
    open_ticket_button,
    staff_keyboard,
)

MAX_NAME = 30
MAX_LAST = 80
MAX_REPS = 20


def _wrong_state(t: Translator, error: WrongState) -> str:
    if error.status == TicketStatus.CLOSED:
        return t.gettext("This complaint is already closed.")
    if error.status == TicketStatus.RESOLVED:
        return t.gettext("This complaint is already resolved.")
    if error.status in (TicketStatus.IN_PROGRESS, TicketStatus.ANSWERED):
        return t.gettext("This complaint is already being handled.")
    return t.gettext("This button is out of date; the complaint has moved on.")


# Why a press or a message about a ticket did nothing, in the reader's words.
refusal = Refusals(
    (WrongState, _wrong_state),
    (
        NotLinked,
        N_("Your account is no longer connected to a customer record. Please ask your rep for a new link."),
    ),
    (TicketGone, N_("This ticket is not available to you (or no longer exists).")),
    (NotAllowed, N_("Only a manager can reassign a ticket.")),
    otherwise=REP_GONE_TEXT,
)


async def list_tickets(update: Update, context: CrmContext) -> None:
    """/tickets: a customer's own complaints, or the staff member's open tickets."""
    assert update.message is not None
    if context.me.effective_role is Role.CUSTOMER:
        await _customer_list(update, context)
        return
    t = context.t
    async with context.work() as work:
        lines = await tickets.staff_list(work.session, viewer=work.viewer, now=work.now)
    if not lines:
        await update.message.reply_text(t.gettext("No open tickets. 🎉"))
        return
    rows, buttons = [t.gettext("🎫 Open tickets, overdue first:")], []
    for line in lines:
        age = t.relative(line.created_at - work.now)
        mark = " ⚠️" if line.overdue else ""
        name = escape(clip(line.customer_name, MAX_NAME))
        rows.append(f"#{line.number} · {name} · {age}{mark}")
        buttons.append(
            [
                InlineKeyboardButton(
                    f"#{line.number} · {clip(line.customer_name, MAX_NAME)}{mark}",
                    callback_data=callbacks.OPEN_TICKET.data(ticket_id=line.ticket_id),
                )
            ]
        )
    await update.message.reply_text(
        "\n".join(rows), parse_mode=ParseMode.HTML, reply_markup=InlineKeyboardMarkup(buttons)
    )


async def _customer_list(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    t = context.t
    try:
        async with context.work() as work:
            rows = await tickets.customer_list(work.session, viewer=work.viewer)
    except NotLinked as error:
        await update.message.reply_text(refusal(t, error))
        return
    if not rows:
        await update.message.reply_text(t.gettext("You have no complaints. /complaint raises one."))
        return
    lines, buttons = [t.gettext("Your complaints:")], []
    for ticket, last in rows:
        status = label(t, STATUS_LABELS, ticket.status)
        lines.append(f"{bold_number(t, ticket.number)} · {status}")
        if last is not None and last.body:
            lines.append(f"   {escape(one_line(last.body, MAX_LAST))}")
        if ticket.status != TicketStatus.CLOSED:
            write = t.gettext("↩️ Write to complaint #{number}").format(number=ticket.number)
            buttons.append(
                [
                    InlineKeyboardButton(
                        write, callback_data=callbacks.WRITE_TO_TICKET.data(ticket_id=ticket.id)
                    )
                ]
            )
    await update.message.reply_text(
        "\n".join(lines),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(buttons) if buttons else None,
    )


def _ticket_id(update: Update, button: Button) -> int:
    """The ticket a press names; the service still checks that the presser may act on it."""
    assert update.callback_query is not None
    ticket_id: int = button.parse(update.callback_query.data)["ticket_id"]
    return ticket_id


async def show_card(update: Update, context: CrmContext) -> None:
    """The ticket card as a new message, from a list or a push."""
    query = update.callback_query
    assert query is not None
    ticket_id = _ticket_id(update, callbacks.OPEN_TICKET)
    try:
        async with context.work() as work:
            view = await tickets.card(work.session, viewer=work.viewer, ticket_id=ticket_id, now=work.now)
    except ServiceError as error:
        await query.answer(refusal(context.t, error), show_alert=True)
        return
    await query.answer()
    await _render(update, context, view, fresh=True)


async def _render(update: Update, context: CrmContext, view: TicketView, *, fresh: bool) -> None:
    t = context.t
    text = card_text(t, view)
    keyboard = staff_keyboard(t, view, manager=context.me.manages)
    query = update.callback_query
    if query is not None and not fresh:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        return
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def taken(update: Update, context: CrmContext) -> None:
    """✋ Take on a card."""
    await _acted(update, context, _ticket_id(update, callbacks.TAKE_TICKET), take=True)


async def resolved(update: Update, context: CrmContext) -> None:
    """✅ Resolve on a card."""
    await _acted(update, context, _ticket_id(update, callbacks.RESOLVE_TICKET), take=False)


async def _acted(update: Update, context: CrmContext, ticket_id: int, *, take: bool) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    try:
        async with context.work() as work:
            act = tickets.take if take else tickets.resolve
            done = await act(work.session, viewer=work.viewer, ticket_id=ticket_id, now=work.now)
            await work.push(done.pushes)
            view = await tickets.card(work.session, viewer=work.viewer, ticket_id=ticket_id, now=work.now)
    except ServiceError as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    if not done.delivered:
        toast = t.gettext("Saved. The customer is not connected to the bot, so they were not told.")
    elif take:
        toast = t.gettext("Taken. The customer has been told.")
    else:
        toast = t.gettext("Resolved. The customer has been asked to confirm.")
    await query.answer(toast)
    await _render(update, context, view, fresh=False)


async def show_history(update: Update, context: CrmContext) -> None:
    """History: the ticket's whole history as a new message."""
    query = update.callback_query
    assert query is not None
    ticket_id = _ticket_id(update, callbacks.TICKET_HISTORY)
    try:
        async with context.work() as work:
            view = await tickets.card(
                work.session, viewer=work.viewer, ticket_id=ticket_id, now=work.now, limit=None
            )
    except ServiceError as error:
        await query.answer(refusal(context.t, error), show_alert=True)
        return
    await query.answer()
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id, clip(history_text(context.t, view), 4000), parse_mode=ParseMode.HTML
    )


async def severity_choices(update: Update, context: CrmContext) -> None:
    """Severity: the four levels in place of the card's buttons."""
    query = update.callback_query
    assert query is not None
    ticket_id = _ticket_id(update, callbacks.TICKET_SEVERITY)
    t = context.t
    try:
        async with context.work() as work:
            await tickets.writable(work.session, viewer=work.viewer, ticket_id=ticket_id)
    except ServiceError as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    await query.answer()
    buttons = [
        InlineKeyboardButton(
            label(t, SEVERITY_LABELS, level),
            callback_data=callbacks.SET_TICKET_SEVERITY.data(ticket_id=ticket_id, severity=level),
        )
        for level in TicketSeverity
    ]
    await query.edit_message_reply_markup(
        InlineKeyboardMarkup(
            [
                buttons[:2],
                buttons[2:],
                [
                    InlineKeyboardButton(
                        t.gettext("« Back"), callback_data=callbacks.OPEN_TICKET.data(ticket_id=ticket_id)
                    )
                ],
            ]
        )
    )


async def severity_set(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    args = callbacks.SET_TICKET_SEVERITY.parse(query.data)
    ticket_id, level = args["ticket_id"], TicketSeverity(args["severity"])
    try:
        async with context.work() as work:
            await tickets.set_severity(
                work.session, viewer=work.viewer, ticket_id=ticket_id, severity=level, now=work.now
            )
            view = await tickets.card(work.session, viewer=work.viewer, ticket_id=ticket_id, now=work.now)
    except ServiceError as error:
        await query.answer(refusal(context.t, error), show_alert=True)
        return
    await query.answer(context.t.gettext("Severity changed; the deadlines were recalculated."))
    await _render(update, context, view, fresh=False)


async def choose_rep(update: Update, context: CrmContext) -> None:
    """🔁 Reassign: the team's other reps, for a manager."""
    query = update.callback_query
    assert query is not None
    ticket_id = _ticket_id(update, callbacks.REASSIGN_TICKET)
    t = context.t
    try:
        async with context.work() as work:
            ticket, reps = await tickets.reassign_choices(
                work.session, viewer=work.viewer, ticket_id=ticket_id
            )
    except ServiceError as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    await query.answer()
    assert update.effective_chat is not None
    if not reps:
        await context.bot.send_message(
            update.effective_chat.id, t.gettext("There is no other rep in the team to hand this ticket to.")
        )
        return
    buttons = [
        [
            InlineKeyboardButton(
                clip(rep.full_name, MAX_NAME),
                callback_data=callbacks.REASSIGN_TICKET_TO.data(ticket_id=ticket_id, rep_id=rep.id),
            )
        ]
        for rep in reps[:MAX_REPS]
    ]
    await context.bot.send_message(
        update.effective_chat.id,
        t.gettext("Who should take over {ticket}?").format(ticket=number_text(t, ticket.number)),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def moved(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    args = callbacks.REASSIGN_TICKET_TO.parse(query.data)
    t = context.t
    try:
        async with context.work() as work:
            done, name = await tickets.reassign(
                work.session,
                viewer=work.viewer,
                ticket_id=args["ticket_id"],
                to_user_id=args["rep_id"],
                now=work.now,
            )
            await work.push(done.pushes)
    except (NotFound, NotAllowed, WrongState) as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    await query.answer(t.gettext("Done."))
    await query.edit_message_text(
        t.gettext("🔁 {ticket} now belongs to {rep}; they have been told.").format(
            ticket=number_text(t, done.number), rep=name
        ),
        reply_markup=InlineKeyboardMarkup([[open_ticket_button(t, done.ticket_id)]]),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("tickets", list_tickets))
    for handler, button in (
        (show_card, callbacks.OPEN_TICKET),
        (taken, callbacks.TAKE_TICKET),
        (resolved, callbacks.RESOLVE_TICKET),
        (show_history, callbacks.TICKET_HISTORY),
        (severity_choices, callbacks.TICKET_SEVERITY),
        (severity_set, callbacks.SET_TICKET_SEVERITY),
        (choose_rep, callbacks.REASSIGN_TICKET),
        (moved, callbacks.REASSIGN_TICKET_TO),
    ):
        application.add_handler(CallbackQueryHandler(handler, pattern=button))
    pushes.register(application)
