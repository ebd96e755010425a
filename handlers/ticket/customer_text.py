"""Plain text from a customer outside any dialog: it belongs to their complaint if there is just one
being worked on; with several they pick which; with none they learn about /complaint and /feedback.

Staff text goes on to the search as before.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.domain.roles import Role
from bot.runtime.context import CrmContext, Work
from bot.services import tickets
from bot.services.errors import ServiceError
from bot.services.tickets import MAX_REPLY, Done
from handlers.common import dialogs
from handlers.common.labels import label
from handlers.search import find
from handlers.ticket import callbacks
from handlers.ticket.relay import added_text, too_long_text
from handlers.ticket.render import CATEGORY_LABELS, number_text
from handlers.ticket.tickets import refusal

PENDING = "ticket_pending_text"
MAX_PICK = 10


async def typed(update: Update, context: CrmContext) -> None:
    message = update.message
    assert message is not None
    assert message.text is not None
    if context.me.effective_role is not Role.CUSTOMER:
        await find.typed(update, context)
        return
    t = context.t
    text = message.text.strip()
    if len(text) > MAX_REPLY:
        await message.reply_text(too_long_text(t, len(text)))
        return
    try:
        async with context.work() as work:
            open_ones = await tickets.unresolved(work.session, viewer=work.viewer)
            # One complaint being worked on: the words go to it in the same transaction.
            done: Done | None = None
            if len(open_ones) == 1:
                done = await _add_to(work, update, context, open_ones[0].id, text)
    except ServiceError as error:
        await message.reply_text(refusal(t, error))
        return
    if done is not None:
        await _added(update, context, done)
        return
    if not open_ones:
        await message.reply_text(
            t.gettext("To report a problem, send /complaint. To tell us anything else, send /feedback.")
        )
        return
    assert context.user_data is not None
    context.user_data[PENDING] = text
    buttons = [
        [
            InlineKeyboardButton(
                f"{number_text(t, ticket.number)} · {label(t, CATEGORY_LABELS, ticket.category)}",
                callback_data=callbacks.ADD_TO_TICKET.data(ticket_id=ticket.id),
            )
        ]
        for ticket in open_ones[:MAX_PICK]
    ]
    await message.reply_text(
        t.gettext("Which complaint is this about? (For something new, send /complaint.)"),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def picked(update: Update, context: CrmContext) -> None:
    """The customer chose the complaint their last message belongs to."""
    query = update.callback_query
    assert query is not None
    assert context.user_data is not None
    ticket_id = callbacks.ADD_TO_TICKET.parse(query.data)["ticket_id"]
    text = context.user_data.pop(PENDING, None)
    if not isinstance(text, str):
        await query.answer(context.t.gettext("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await _add(update, context, ticket_id, text)


async def _add(update: Update, context: CrmContext, ticket_id: int, text: str) -> None:
    assert update.effective_chat is not None
    try:
        async with context.work() as work:
            done = await _add_to(work, update, context, ticket_id, text)
    except ServiceError as error:
        await context.bot.send_message(update.effective_chat.id, refusal(context.t, error))
        return
    await _added(update, context, done)


async def _add_to(work: Work, update: Update, context: CrmContext, ticket_id: int, text: str) -> Done:
    """The customer's words into the ticket, and the pushes that tell its holder, in `work`."""
    done = await tickets.reply(
        work.session,
        viewer=work.viewer,
        ticket_id=ticket_id,
        text=text,
        now=work.now,
        from_customer=True,
        client_ref=dialogs.message_ref(update),
    )
    await work.push(done.pushes)
    return done


async def _added(update: Update, context: CrmContext, done: Done) -> None:
    assert update.effective_chat is not None
    t = context.t
    await context.bot.send_message(
        update.effective_chat.id,
        added_text(t, reopened=done.reopened).format(ticket=number_text(t, done.number)),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Registered after every feature (handlers/registry.py), as every dialog waiting for text goes first."""
    application.add_handler(CallbackQueryHandler(picked, pattern=callbacks.ADD_TO_TICKET))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, typed))
