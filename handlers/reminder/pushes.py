"""Reminder pushes: how a due reminder reads in its recipient's chat, and its Done/Snooze buttons.

The push is rendered here when the reminder job queues it through the outbox; the buttons are
re-checked against the database on every press, so a stale or forwarded push changes nothing. The
feature's other morning pushes read as revisits.py and greetings.py say.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.domain.enums import ReminderKind
from bot.domain.text import clip
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.runtime.pushes import render_with
from bot.services import reminders
from bot.services.reminders import AlreadyDone, Later, ReminderDue, ReminderGone, ReminderView
from bot.services.revisits import RevisitSummary
from handlers.card.links import open_customer_button, open_customer_markup
from handlers.common.refusals import Refusals
from handlers.reminder import callbacks, greetings, revisits

MAX_PUSH_NOTE = 1000


def note_line(note: str | None, limit: int = MAX_PUSH_NOTE) -> str:
    """The reminder's note on a line of its own under the headline, shortened to fit a message."""
    if not note:
        return ""
    return "\n" + clip(note, limit)


def later_labels(t: Translator) -> dict[Later, str]:
    """The snooze buttons' labels; /remind offers the same choices for "when"."""
    return {
        Later.HOUR: t.gettext("In 1 hour"),
        Later.TOMORROW: t.gettext("Tomorrow 09:00"),
        Later.NEXT_WEEK: t.gettext("Next week"),
    }


def _open_rows(t: Translator, customer_id: int | None) -> list[list[InlineKeyboardButton]]:
    """The Open customer row, when the reminder is about a customer."""
    return [] if customer_id is None else [[open_customer_button(t, customer_id)]]


def _done_button(t: Translator, reminder_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t.gettext("✅ Done"), callback_data=callbacks.REMINDER_DONE.data(reminder_id=reminder_id)
    )


def push_keyboard(t: Translator, reminder_id: int, customer_id: int | None) -> InlineKeyboardMarkup:
    snoozes = [
        InlineKeyboardButton(
            label, callback_data=callbacks.REMINDER_SNOOZE.data(reminder_id=reminder_id, choice=choice)
        )
        for choice, label in later_labels(t).items()
    ]
    return InlineKeyboardMarkup(
        [
            [_done_button(t, reminder_id)],
            snoozes,
            *_open_rows(t, customer_id),
        ]
    )


def push_text(t: Translator, *, kind: str, due_at: datetime, customer: str | None, note: str | None) -> str:
    when = t.day_time(due_at)
    if customer is None:
        head = t.gettext("⏰ Reminder for {when}.").format(when=when)
    elif kind == ReminderKind.FOLLOW_UP:
        head = t.gettext("⏰ Follow up with {customer}, due {when}.").format(customer=customer, when=when)
    else:
        head = t.gettext("⏰ Reminder about {customer}, due {when}.").format(customer=customer, when=when)
    return head + note_line(note)


def push_payload(due: ReminderDue, t: Translator) -> dict[str, Any]:
    """The push for a due reminder, in its recipient's language and time zone."""
    text = push_text(t, kind=due.kind, due_at=due.due_at, customer=due.customer_name, note=due.note)
    keyboard = push_keyboard(t, due.id, due.customer_id)
    return {"method": "sendMessage", "params": {"text": text, "reply_markup": keyboard.to_dict()}}


def _done_text(t: Translator, view: ReminderView) -> str:
    if view.customer_name is None:
        head = t.gettext("✅ Done.")
    else:
        head = t.gettext("✅ Done: {customer}.").format(customer=view.customer_name)
    return head + note_line(view.note)


def _snoozed_text(t: Translator, view: ReminderView) -> str:
    when = t.day_time(view.due_at)
    if view.customer_name is None:
        head = t.gettext("💤 Snoozed until {when}.").format(when=when)
    else:
        head = t.gettext("💤 {customer}: snoozed until {when}.").format(
            customer=view.customer_name, when=when
        )
    return head + note_line(view.note)


# Why a Done or Snooze press changed nothing.
_gone = Refusals(
    (AlreadyDone, N_("This reminder is already done.")),
    otherwise=N_("This reminder is no longer active."),
)


async def done_pressed(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    reminder_id = callbacks.REMINDER_DONE.parse(query.data)["reminder_id"]
    try:
        async with context.work() as work:
            view = await reminders.complete(
                work.session, viewer=work.viewer, reminder_id=reminder_id, now=work.now
            )
    except ReminderGone as error:
        await query.answer(_gone(t, error))
        return
    await query.answer(t.gettext("Marked as done."))
    keyboard = None if view.customer_id is None else open_customer_markup(t, view.customer_id)
    await query.edit_message_text(_done_text(t, view), reply_markup=keyboard)


async def snooze_pressed(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    args = callbacks.REMINDER_SNOOZE.parse(query.data)
    try:
        async with context.work() as work:
            view = await reminders.snooze(
                work.session,
                viewer=work.viewer,
                reminder_id=args["reminder_id"],
                choice=Later(args["choice"]),
                now=work.now,
            )
    except ReminderGone as error:
        await query.answer(_gone(t, error))
        return
    await query.answer(t.gettext("Snoozed until {when}.").format(when=t.day_time(view.due_at)))
    keyboard = [
        [_done_button(t, view.id)],
        *_open_rows(t, view.customer_id),
    ]
    await query.edit_message_text(_snoozed_text(t, view), reply_markup=InlineKeyboardMarkup(keyboard))


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CallbackQueryHandler(done_pressed, pattern=callbacks.REMINDER_DONE))
    application.add_handler(CallbackQueryHandler(snooze_pressed, pattern=callbacks.REMINDER_SNOOZE))
    render_with(application, ReminderDue, push_payload)
    render_with(application, RevisitSummary, revisits.summary_payload)
    greetings.register(application)
