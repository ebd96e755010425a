"""The questions of /visit and the summary it ends on, with their keyboards.

Every step module asks the next question through here; what the answers so far are is the
draft (handlers/visit/draft.py).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, Update

from bot.domain.dates import QuickChoice
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from handlers.common import dialogs, pickers
from handlers.common.buttons import Button
from handlers.common.labels import KIND_LABELS, OUTCOME_LABELS, label
from handlers.common.typed_dates import ahead_examples
from handlers.visit import callbacks
from handlers.visit.draft import VisitDraft

CUSTOMER, KIND, OUTCOME, NOTES, CHECKIN, ADOPT, FOLLOW_UP, SUMMARY = range(8)
PICKER = pickers.Picker("visit", callbacks.VISIT_PICK, callbacks.VISIT_PAGE, callbacks.VISIT_CANCEL)

FOLLOW_UP_LABELS = {
    QuickChoice.TOMORROW: N_("Tomorrow"),
    QuickChoice.IN_3_DAYS: N_("In 3 days"),
    QuickChoice.NEXT_WEEK: N_("Next week"),
    QuickChoice.IN_2_WEEKS: N_("In 2 weeks"),
    QuickChoice.NEXT_MONTH: N_("Next month"),
}
STEP_LABELS = {
    "kind": N_("Kind"),
    "outcome": N_("Outcome"),
    "notes": N_("Notes"),
    "checkin": N_("Check-in"),
    "followup": N_("Follow-up"),
}


def cancel_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.VISIT_CANCEL.data())


def _choices(
    t: Translator, button: Button, field: str, labels: dict[str, str], *, per_row: int = 2
) -> InlineKeyboardMarkup:
    """One `button` per label, its `field` set to the label's key."""
    buttons = [
        InlineKeyboardButton(t.gettext(text), callback_data=button.data(**{field: key}))
        for key, text in labels.items()
    ]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup([*rows, [cancel_button(t)]])


def notes_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("Skip"), callback_data=callbacks.VISIT_SKIP_NOTES.data()),
                cancel_button(t),
            ]
        ]
    )


def checkin_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(t.gettext("📍 Share my location"), request_location=True)],
            [t.gettext("Skip check-in")],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def follow_up_keyboard(t: Translator) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(t.gettext(text), callback_data=callbacks.VISIT_FOLLOW_UP.data(choice=choice))
        for choice, text in FOLLOW_UP_LABELS.items()
    ]
    buttons.append(
        InlineKeyboardButton(
            t.gettext("No follow-up"), callback_data=callbacks.VISIT_FOLLOW_UP.data(choice="none")
        )
    )
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    return InlineKeyboardMarkup([*rows, [cancel_button(t)]])


def distance_text(t: Translator, metres: float) -> str:
    if metres >= 1000:
        return t.gettext("{km} km").format(km=t.number(round(metres / 1000, 1)))
    return t.gettext("{m} m").format(m=t.number(round(metres)))


async def ask_kind(update: Update, context: CrmContext, *, fresh: bool = False) -> int:
    t = context.t
    await dialogs.say(
        update,
        t.gettext("Visit to {customer}. How did you meet?").format(
            customer=dialogs.load(context, VisitDraft).customer_name
        ),
        _choices(t, callbacks.VISIT_KIND, "kind", KIND_LABELS),
        fresh=fresh,
    )
    return KIND


async def ask_outcome(update: Update, context: CrmContext) -> int:
    t = context.t
    await dialogs.say(
        update, t.gettext("How did it go?"), _choices(t, callbacks.VISIT_OUTCOME, "outcome", OUTCOME_LABELS)
    )
    return OUTCOME


async def ask_notes(update: Update, context: CrmContext) -> int:
    t = context.t
    await dialogs.say(
        update,
        t.gettext(
            "Any notes? Type them, or send a voice note or a photo. Press Skip if there is nothing to add."
        ),
        notes_keyboard(t),
    )
    return NOTES


async def ask_checkin(update: Update, context: CrmContext) -> int:
    assert update.effective_chat is not None
    t = context.t
    await context.bot.send_message(
        update.effective_chat.id,
        t.gettext("Check in: share your location with the button below, or skip."),
        reply_markup=checkin_keyboard(t),
    )
    return CHECKIN


async def ask_follow_up(update: Update, context: CrmContext) -> int:
    t = context.t
    text = (
        t.gettext("When is the next follow-up? Pick one or type a date and time.") + "\n" + ahead_examples(t)
    )
    if update.callback_query is not None and update.callback_query.message is not None:
        await dialogs.say(update, text, follow_up_keyboard(t))
    else:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=follow_up_keyboard(t))
    return FOLLOW_UP


def _summary_text(draft: VisitDraft, t: Translator) -> str:
    lines = [
        t.gettext("Visit to {customer}").format(customer=draft.customer_name),
        t.gettext("Kind: {kind}").format(kind=label(t, KIND_LABELS, draft.kind)),
        t.gettext("Outcome: {outcome}").format(outcome=label(t, OUTCOME_LABELS, draft.outcome)),
    ]
    if draft.notes:
        lines.append(t.gettext("Notes: {notes}").format(notes=draft.notes))
    if draft.photo:
        lines.append(t.gettext("Photo attached"))
    if draft.voice:
        lines.append(t.gettext("Voice note attached"))
    if draft.on_site:
        if draft.lat is None:
            lines.append(t.gettext("Check-in: skipped"))
        elif draft.distance is not None:
            lines.append(
                t.gettext("Check-in: {distance} from the customer").format(
                    distance=distance_text(t, draft.distance)
                )
            )
        elif draft.adopt:
            lines.append(t.gettext("Check-in: saved as the customer's location"))
        else:
            lines.append(t.gettext("Check-in: location recorded"))
    if draft.follow_up is not None:
        lines.append(t.gettext("Next follow-up: {when}").format(when=t.day_time(draft.follow_up)))
    else:
        lines.append(t.gettext("Next follow-up: none"))
    return "\n".join(lines)


def _summary_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("✅ Save"), callback_data=callbacks.VISIT_SAVE.data()),
                InlineKeyboardButton(t.gettext("✏️ Edit"), callback_data=callbacks.VISIT_EDIT.data()),
            ],
            [cancel_button(t)],
        ]
    )


async def show_summary(update: Update, context: CrmContext) -> int:
    t = context.t
    with dialogs.editing(context, VisitDraft) as draft:
        draft.editing = True
    text = _summary_text(draft, t)
    query = update.callback_query
    if query is not None and query.message is not None:
        await dialogs.say(update, text, _summary_keyboard(t))
    else:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=_summary_keyboard(t))
    return SUMMARY
