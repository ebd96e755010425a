"""/remind: the dialog that sets a reminder.

About a customer (picker, or the card's ⏰ Set reminder button) or just for me → what → when (quick
buttons or a typed date) → saved and confirmed in the rep's time zone. The push it leads to lives
in handlers/reminder/pushes.py.
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.dates import Refused, read_ahead
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import customers, reminders
from bot.services.errors import NoTeam
from bot.services.reminders import MAX_NOTE, Later
from bot.services.visibility import NotVisible
from handlers.common import dialogs, pickers
from handlers.common.typed_dates import ahead_refusal
from handlers.reminder import callbacks
from handlers.reminder.pushes import later_labels, note_line

TARGET, CUSTOMER, NOTE, WHEN = range(4)
TIMEOUT_SECONDS = 15 * 60
PICKER = pickers.Picker("rem", callbacks.REMIND_PICK, callbacks.REMIND_PAGE, callbacks.REMIND_CANCEL)


class ReminderDraft(dialogs.Draft):
    """Whom the reminder is about (None: just for me) and what it says; the field names are the
    JSON keys earlier releases wrote."""

    KEY = "remind_draft"

    customer_id: int | None = None
    note: str | None = None


def _cancel_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_cancel_button(t)]])


def _cancel_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.REMIND_CANCEL.data())


async def start_remind(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    dialogs.keep(context, ReminderDraft())
    await update.message.reply_text(
        t.gettext("What is the reminder about?\n\n/cancel stops."),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.gettext("👤 About a customer"), callback_data=callbacks.REMIND_ABOUT_CUSTOMER.data()
                    ),
                    InlineKeyboardButton(
                        t.gettext("🙋 Just for me"), callback_data=callbacks.REMIND_FOR_ME.data()
                    ),
                ]
            ]
        ),
    )
    return TARGET


async def from_card(update: Update, context: CrmContext) -> int:
    """The card's "Remind me" button: the customer is already chosen."""
    dialogs.keep(context, ReminderDraft())
    customer_id = pickers.pressed_customer(update, callbacks.NEW_REMINDER)
    return await _customer_chosen(update, context, customer_id, refused=ConversationHandler.END)


async def for_customer(update: Update, context: CrmContext) -> int:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    await pickers.ask_customer(update, context, PICKER, context.t.gettext("Which customer is it about?"))
    return CUSTOMER


async def for_me(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    await query.answer()
    with dialogs.editing(context, ReminderDraft) as draft:
        draft.customer_id = None
    await query.edit_message_text(
        context.t.gettext("What should I remind you of? Send it as one message."),
        reply_markup=_cancel_keyboard(context.t),
    )
    return NOTE


target_not_chosen = dialogs.nudge(N_("Please press one of the buttons above, or send /cancel."), TARGET)


async def customer_picked(update: Update, context: CrmContext) -> int:
    return await _customer_chosen(
        update, context, pickers.pressed_customer(update, PICKER.pick), refused=CUSTOMER
    )


async def _customer_chosen(update: Update, context: CrmContext, customer_id: int, *, refused: int) -> int:
    query = update.callback_query
    assert query is not None
    t = context.t
    try:
        async with context.work() as work:
            customer = await customers.brief(work.session, viewer=work.viewer, customer_id=customer_id)
    except NotVisible:
        await query.answer(t.gettext("This customer is not in your list."), show_alert=True)
        return refused
    await query.answer()
    with dialogs.editing(context, ReminderDraft) as draft:
        draft.customer_id = customer.id
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id,
        t.gettext("What should I remind you of about {customer}? Send it as one message.").format(
            customer=customer.name
        ),
        reply_markup=_cancel_keyboard(t),
    )
    return NOTE


not_a_customer_search = dialogs.nudge(
    N_("Please type a customer's name, or pick one of the buttons above."), CUSTOMER
)


async def note_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    assert update.message.text is not None
    t = context.t
    note = update.message.text.strip()
    if not note:
        await not_a_note(update, context)
        return NOTE
    if len(note) > MAX_NOTE:
        await update.message.reply_text(
            t.gettext("That is too long: at most {limit} characters, please.").format(limit=MAX_NOTE)
        )
        return NOTE
    with dialogs.editing(context, ReminderDraft) as draft:
        draft.note = note
    await update.message.reply_text(
        t.gettext(
            "When should I remind you? Pick one, or type a day and time, "
            "for example: tomorrow 15:00, Friday 10:30, 12/1 9:00."
        ),
        reply_markup=_when_keyboard(t),
    )
    return WHEN


not_a_note = dialogs.nudge(N_("Please send what to remind you of as a text message."), NOTE)


def _when_keyboard(t: Translator) -> InlineKeyboardMarkup:
    quick = [
        InlineKeyboardButton(label, callback_data=callbacks.REMIND_WHEN.data(choice=choice))
        for choice, label in later_labels(t).items()
    ]
    return InlineKeyboardMarkup([quick, [_cancel_button(t)]])


async def when_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    choice = Later(callbacks.REMIND_WHEN.parse(query.data)["choice"])
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _save(update, context, reminders.later(choice, now=context.now(), tz=context.me.timezone))


async def when_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    assert update.message.text is not None
    t = context.t
    due = read_ahead(update.message.text, now=context.now(), tz=context.me.timezone)
    if isinstance(due, Refused):
        await update.message.reply_text(
            ahead_refusal(t, due, update.message.text), reply_markup=_when_keyboard(t)
        )
        return WHEN
    return await _save(update, context, due)


not_a_time = dialogs.nudge(N_("Please pick a button or type a day and time."), WHEN, markup=_when_keyboard)


async def _save(update: Update, context: CrmContext, due: datetime) -> int:
    assert update.effective_chat is not None
    t = context.t
    draft = dialogs.load(context, ReminderDraft)
    dialogs.forget(context, ReminderDraft.KEY)
    if draft.note is None:
        await context.bot.send_message(update.effective_chat.id, t.gettext("Let's start again: /remind"))
        return ConversationHandler.END
    try:
        async with context.work() as work:
            view = await reminders.create(
                work.session,
                viewer=work.viewer,
                customer_id=draft.customer_id,
                note=draft.note,
                due_at=due,
                now=work.now,
            )
    except (NotVisible, NoTeam):
        await context.bot.send_message(
            update.effective_chat.id, t.gettext("This customer is no longer in your list. Nothing was saved.")
        )
        return ConversationHandler.END
    when = t.day_time(view.due_at)
    if view.customer_name is None:
        text = t.gettext("✅ Reminder set for {when}.").format(when=when)
    else:
        text = t.gettext("✅ Reminder about {customer} set for {when}.").format(
            customer=view.customer_name, when=when
        )
    await context.bot.send_message(update.effective_chat.id, text + note_line(view.note))
    return ConversationHandler.END


cancelled = dialogs.canceller(N_("Cancelled. No reminder was saved."), ReminderDraft.KEY, PICKER.query_key)


def _timeout_text(t: Translator) -> str:
    return t.gettext("The reminder was not saved: no answer for a while. /remind starts again.")


timed_out = dialogs.timeout_note(_timeout_text, ReminderDraft.KEY)


def register(application: Application) -> None:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    application.add_handler(
        dialogs.conversation(
            "remind",
            entry_points=[
                CommandHandler("remind", start_remind),
                CallbackQueryHandler(from_card, pattern=callbacks.NEW_REMINDER),
            ],
            states={
                TARGET: [
                    CallbackQueryHandler(for_customer, pattern=callbacks.REMIND_ABOUT_CUSTOMER),
                    CallbackQueryHandler(for_me, pattern=callbacks.REMIND_FOR_ME),
                    MessageHandler(other, target_not_chosen),
                ],
                CUSTOMER: [
                    *pickers.customer_step(PICKER, customer_picked, stay=CUSTOMER),
                    CallbackQueryHandler(cancelled, pattern=callbacks.REMIND_CANCEL),
                    MessageHandler(other, not_a_customer_search),
                ],
                NOTE: [
                    CallbackQueryHandler(cancelled, pattern=callbacks.REMIND_CANCEL),
                    MessageHandler(text, note_typed),
                    MessageHandler(other, not_a_note),
                ],
                WHEN: [
                    CallbackQueryHandler(when_picked, pattern=callbacks.REMIND_WHEN),
                    CallbackQueryHandler(cancelled, pattern=callbacks.REMIND_CANCEL),
                    MessageHandler(text, when_typed),
                    MessageHandler(other, not_a_time),
                ],
            },
            cancel=cancelled,
            cancel_data=callbacks.REMIND_CANCEL,
            timed_out=timed_out,
            timeout=TIMEOUT_SECONDS,
        )
    )
