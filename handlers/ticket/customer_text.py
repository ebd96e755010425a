"""Plain text (or a photo) from a customer outside any dialog: it belongs to their complaint if there
is just one being worked on; with several they pick which (a photo then goes to the newest); with
none it reaches their sales contact, as the welcome promises (bot/services/feedback.py `relay`,
a few a day).

Staff text goes on to the search as before.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.domain.roles import Role
from bot.i18n import Translator
from bot.runtime.context import CrmContext, Work
from bot.services import feedback, tickets
from bot.services.errors import ServiceError
from bot.services.feedback import RELAYS_PER_DAY, Route, Submitted
from bot.services.tickets import MAX_REPLY, Done
from handlers.common import dialogs, fallback
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
            relayed: Submitted | None = None
            if len(open_ones) == 1:
                done = await _add_to(work, update, context, open_ones[0].id, text)
            elif not open_ones:
                relayed = await _relay(work, update, text=text, photo=None)
    except ServiceError as error:
        await message.reply_text(refusal(t, error))
        return
    if done is not None:
        await _added(update, context, done)
        return
    if relayed is not None:
        await message.reply_text(relayed_text(t, relayed.route))
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


async def photographed(update: Update, context: CrmContext) -> None:
    """A customer's photo outside any dialog: into their complaint being worked on (the newest, if
    several), else to their sales contact; anyone else's is not understood, as before."""
    message = update.message
    assert message is not None
    assert message.photo
    if context.me.effective_role is not Role.CUSTOMER:
        await fallback.not_understood(update, context)
        return
    t = context.t
    caption = (message.caption or "").strip()
    if len(caption) > MAX_REPLY:
        await message.reply_text(too_long_text(t, len(caption)))
        return
    photo = message.photo[-1].file_id
    try:
        async with context.work() as work:
            open_ones = await tickets.unresolved(work.session, viewer=work.viewer)
            if open_ones:
                newest = max(open_ones, key=lambda ticket: ticket.created_at)
                done = await _add_to(work, update, context, newest.id, caption, photo=photo)
            else:
                relayed = await _relay(work, update, text=caption, photo=photo)
    except ServiceError as error:
        await message.reply_text(refusal(t, error))
        return
    if open_ones:
        await message.reply_text(
            t.gettext("📷 Photo added to {ticket}. We will get back to you.").format(
                ticket=number_text(t, done.number)
            )
        )
    else:
        await message.reply_text(relayed_text(t, relayed.route))


async def _relay(work: Work, update: Update, *, text: str, photo: str | None) -> Submitted:
    """The customer's message to their sales contact, with nothing open to add it to, in `work`."""
    relayed = await feedback.relay(
        work.session,
        viewer=work.viewer,
        text=text,
        photo_file_id=photo,
        now=work.now,
        client_ref=dialogs.message_ref(update),
    )
    await work.push(relayed.pushes)
    return relayed


def relayed_text(t: Translator, route: Route) -> str:
    """What the customer reads after a plain message with no complaint open."""
    if route is Route.CAPPED:
        return t.ngettext(
            "You have already sent {n} message to us today, and we will read it. "
            "For a problem that cannot wait, send /complaint.",
            "You have already sent {n} messages to us today, and we will read them. "
            "For a problem that cannot wait, send /complaint.",
            RELAYS_PER_DAY,
        ).format(n=RELAYS_PER_DAY)
    if route is Route.OWNER:
        head = t.gettext("✉️ Sent to your sales contact, who will get in touch with you.")
    else:
        head = t.gettext("✉️ Sent to our team, who will get in touch with you.")
    return head + "\n" + t.gettext("To report a problem with a number to follow, send /complaint.")


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


async def _add_to(
    work: Work, update: Update, context: CrmContext, ticket_id: int, text: str, *, photo: str | None = None
) -> Done:
    """The customer's words (or photo) into the ticket, and the pushes that tell its holder, in `work`."""
    done = await tickets.reply(
        work.session,
        viewer=work.viewer,
        ticket_id=ticket_id,
        text=text,
        now=work.now,
        from_customer=True,
        client_ref=dialogs.message_ref(update),
        photo_file_id=photo,
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
    application.add_handler(MessageHandler(filters.PHOTO, photographed))
