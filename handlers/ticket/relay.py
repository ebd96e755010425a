"""The relay: a Reply (or Note) press asks for one message, which goes to the ticket; the customer's
Confirm and Reopen buttons under a resolved complaint.

Staff write here and the customer receives it from the bot, signed with the staff member's first
name; the customer's replies land in the same ticket. The presser's rights are checked when the
button is pressed and again when the message arrives.
"""

from __future__ import annotations

from functools import partial

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import tickets
from bot.services.errors import ServiceError
from bot.services.tickets import MAX_REPLY
from handlers.common import dialogs
from handlers.common.buttons import Button
from handlers.ticket import callbacks
from handlers.ticket.render import number_text, reply_button
from handlers.ticket.tickets import refusal

# Which message a write button asks for: the customer's, a reply to the customer, an internal note.
WRITE_MODES: dict[str, Button] = {
    "ans": callbacks.WRITE_TO_TICKET,
    "reply": callbacks.REPLY_TO_TICKET,
    "note": callbacks.NOTE_ON_TICKET,
}
DRAFT = "ticket_reply"
WRITING = 0
TIMEOUT_SECONDS = 15 * 60


class RelayDraft(dialogs.Draft):
    """The ticket the one message is for, and which kind of message it is (a WRITE_MODES key)."""

    KEY = DRAFT
    ticket: int | None = None
    mode: str | None = None


def too_long_text(t: Translator, length: int) -> str:
    return t.gettext("That message is {length} characters long; please keep it within {limit}.").format(
        length=t.number(length), limit=t.number(MAX_REPLY)
    )


async def start(mode: str, update: Update, context: CrmContext) -> int:
    """Ask for the one message; refuse at once when the ticket is not the presser's or is closed.

    `mode` (a WRITE_MODES key) is bound where the handler is registered. The guard lets only
    customers press "ans" and only staff "reply" and "note"."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    ticket_id = WRITE_MODES[mode].parse(query.data)["ticket_id"]
    t = context.t
    customer = context.me.effective_role is Role.CUSTOMER
    try:
        async with context.work() as work:
            ticket = await tickets.writable(work.session, viewer=work.viewer, ticket_id=ticket_id)
    except ServiceError as error:
        await query.answer(refusal(t, error), show_alert=True)
        return ConversationHandler.END
    dialogs.keep(context, RelayDraft(ticket=ticket.id, mode=mode))
    await query.answer()
    name = number_text(t, ticket.number)
    if mode == "note":
        prompt = t.gettext("Write an internal note for {ticket} (the customer never sees it), or /cancel.")
    elif customer:
        prompt = t.gettext("Write your message about {ticket} in one message, or /cancel.")
    else:
        prompt = t.gettext(
            "Write your reply to the customer about {ticket}; the bot will pass it on. Or /cancel."
        )
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, prompt.format(ticket=name))
    return WRITING


async def written(update: Update, context: CrmContext) -> int | None:
    message = update.message
    assert message is not None
    t = context.t
    text = await dialogs.typed_text(
        message,
        t,
        limit=MAX_REPLY,
        empty=N_("Please write something, or send /cancel."),
        too_long=too_long_text,
    )
    if text is None:
        return None
    draft = dialogs.load(context, RelayDraft)
    dialogs.forget(context, DRAFT)
    ticket_id, mode = draft.ticket, draft.mode
    if ticket_id is None:
        await message.reply_text(t.gettext("This reply was put aside. Please press Reply again."))
        return ConversationHandler.END
    ref = dialogs.message_ref(update)
    try:
        async with context.work() as work:
            if mode == "note":
                done = await tickets.note(
                    work.session,
                    viewer=work.viewer,
                    ticket_id=ticket_id,
                    text=text,
                    now=work.now,
                    client_ref=ref,
                )
            else:
                done = await tickets.reply(
                    work.session,
                    viewer=work.viewer,
                    ticket_id=ticket_id,
                    text=text,
                    now=work.now,
                    from_customer=mode == "ans",
                    client_ref=ref,
                )
                await work.push(done.pushes)
    except ServiceError as error:
        await message.reply_text(refusal(t, error))
        return ConversationHandler.END
    name = number_text(t, done.number)
    if mode == "note":
        answer = t.gettext("📝 Note added to {ticket}.")
    elif mode == "ans":
        answer = added_text(t, reopened=done.reopened)
    elif done.delivered:
        answer = t.gettext("✉️ Sent to the customer and added to {ticket}.")
    else:
        answer = t.gettext(
            "Added to {ticket}, but the customer is not connected to the bot, so they were not told."
        )
    await message.reply_text(answer.format(ticket=name))
    return ConversationHandler.END


def added_text(t: Translator, *, reopened: bool) -> str:
    """What the customer reads after a message of theirs landed in a ticket ({ticket} to fill)."""
    if reopened:
        return t.gettext("✉️ Added to {ticket}; it is open again and we will get back to you.")
    return t.gettext("✉️ Added to {ticket}. We will get back to you.")


async def answered(button: Button, update: Update, context: CrmContext) -> None:
    """The customer's Yes (settled: close it) or No (reopen it) under a resolved complaint; `button`,
    which of the two, is bound where the handler is registered."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    settled = button is callbacks.TICKET_SETTLED
    ticket_id = button.parse(query.data)["ticket_id"]
    t = context.t
    try:
        async with context.work() as work:
            act = tickets.confirm if settled else tickets.reopen
            done = await act(work.session, viewer=work.viewer, ticket_id=ticket_id, now=work.now)
            await work.push(done.pushes)
    except ServiceError as error:
        await query.answer(refusal(t, error), show_alert=True)
        return
    name = number_text(t, done.number)
    if settled:
        text = t.gettext("👍 Thank you! {ticket} is closed.")
        markup = None
    else:
        text = t.gettext("🔁 {ticket} is open again. Tell us what is still wrong:")
        markup = reply_button(t, done.ticket_id)
    await query.answer()
    await query.edit_message_text(text.format(ticket=name), reply_markup=markup)


def _timeout_text(t: Translator) -> str:
    return t.gettext(
        "Your reply was put aside after a while without a message. Press Reply again to write it."
    )


cancel = dialogs.canceller(N_("Cancelled. Nothing was sent."), DRAFT)
text_only = dialogs.nudge(N_("Please send your message as text, or /cancel."), WRITING)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(
        dialogs.conversation(
            "ticket_reply",
            entry_points=[
                CallbackQueryHandler(partial(start, mode), pattern=button)
                for mode, button in WRITE_MODES.items()
            ],
            states={
                WRITING: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, written),
                    MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, text_only),
                ]
            },
            cancel=cancel,
            timed_out=dialogs.timeout_note(_timeout_text, DRAFT),
            timeout=TIMEOUT_SECONDS,
        )
    )
    for button in (callbacks.TICKET_SETTLED, callbacks.TICKET_NOT_SETTLED):
        application.add_handler(CallbackQueryHandler(partial(answered, button), pattern=button))
