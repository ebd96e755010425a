"""/visit: log a visit in a few taps — customer, kind, outcome, notes, check-in, next follow-up.

The steps live in steps, checkin and save, their questions in prompts and the answers so far in
draft; this module wires them into one dialog and says what happens when it is cancelled or left idle.
"""

from __future__ import annotations

from telegram import ReplyKeyboardRemove
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.i18n import N_, Translator
from bot.services import visits
from handlers.common import dialogs, pickers
from handlers.visit import callbacks, checkin, save
from handlers.visit import steps as visit_steps
from handlers.visit.draft import VisitDraft
from handlers.visit.prompts import (
    ADOPT,
    CHECKIN,
    CUSTOMER,
    FOLLOW_UP,
    KIND,
    NOTES,
    OUTCOME,
    PICKER,
    SUMMARY,
)

TIMEOUT_SECONDS = 15 * 60

cancel = dialogs.canceller(
    N_("Cancelled. No visit was saved."), VisitDraft.KEY, PICKER.query_key, reply_markup=ReplyKeyboardRemove()
)
adopt_unexpected = dialogs.nudge(N_("Please press Yes or No above, or send /cancel."), ADOPT)
summary_unexpected = dialogs.nudge(N_("Please press Save, Edit or Cancel above, or send /cancel."), SUMMARY)
stale_save = dialogs.stale_save(
    visits.is_saved,
    save.client_ref,
    saved_text=N_("This visit is already saved."),
    inactive_text=N_("This button is no longer active. Please start again with /visit."),
)


def _timeout_text(t: Translator) -> str:
    return t.ngettext(
        "Your unfinished visit was put aside after {n} minute without an answer. /visit starts again.",
        "Your unfinished visit was put aside after {n} minutes without an answer. /visit starts again.",
        round(TIMEOUT_SECONDS / 60),
    ).format(n=round(TIMEOUT_SECONDS / 60))


timed_out = dialogs.timeout_note(_timeout_text, VisitDraft.KEY, reply_markup=ReplyKeyboardRemove())


def register(application: Application) -> None:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    message = filters.UpdateType.MESSAGE & ~filters.COMMAND
    buttons_only = MessageHandler(message, dialogs.choose_with_buttons)
    located_again = MessageHandler(filters.LOCATION, checkin.location_again)
    application.add_handler(
        dialogs.conversation(
            "visit",
            entry_points=[
                CommandHandler("visit", visit_steps.start),
                CallbackQueryHandler(visit_steps.start_for_customer, pattern=callbacks.START_VISIT),
            ],
            states={
                CUSTOMER: [
                    *pickers.customer_step(PICKER, visit_steps.customer_picked, stay=CUSTOMER),
                    buttons_only,
                ],
                KIND: [
                    CallbackQueryHandler(visit_steps.kind_picked, pattern=callbacks.VISIT_KIND),
                    buttons_only,
                ],
                OUTCOME: [
                    CallbackQueryHandler(visit_steps.outcome_picked, pattern=callbacks.VISIT_OUTCOME),
                    buttons_only,
                ],
                NOTES: [
                    CallbackQueryHandler(visit_steps.notes_skipped, pattern=callbacks.VISIT_SKIP_NOTES),
                    MessageHandler(text, visit_steps.notes_typed),
                    MessageHandler(filters.PHOTO | filters.VOICE, visit_steps.notes_media),
                    MessageHandler(message, visit_steps.notes_unexpected),
                ],
                CHECKIN: [
                    MessageHandler(filters.LOCATION, checkin.location_shared),
                    MessageHandler(message, checkin.checkin_unexpected),
                ],
                ADOPT: [
                    CallbackQueryHandler(checkin.adopt_answered, pattern=callbacks.VISIT_ADOPT),
                    located_again,
                    MessageHandler(message, adopt_unexpected),
                ],
                FOLLOW_UP: [
                    CallbackQueryHandler(visit_steps.follow_up_picked, pattern=callbacks.VISIT_FOLLOW_UP),
                    located_again,
                    MessageHandler(text, visit_steps.follow_up_typed),
                    MessageHandler(message, visit_steps.follow_up_unexpected),
                ],
                SUMMARY: [
                    CallbackQueryHandler(save.save, pattern=callbacks.VISIT_SAVE),
                    CallbackQueryHandler(save.edit, pattern=callbacks.VISIT_EDIT),
                    CallbackQueryHandler(save.go_to_step, pattern=callbacks.VISIT_GOTO),
                    located_again,
                    MessageHandler(message, summary_unexpected),
                ],
            },
            cancel=cancel,
            cancel_data=callbacks.VISIT_CANCEL,
            timed_out=timed_out,
            timeout=TIMEOUT_SECONDS,
            closed_note=N_("Your unfinished visit draft was closed; nothing was saved."),
        )
    )
    application.add_handler(CallbackQueryHandler(stale_save, pattern=callbacks.VISIT_SAVE))
