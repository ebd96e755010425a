"""/visit: log a visit in a few taps — customer, kind, outcome, notes, check-in, next follow-up.

The draft lives in user_data["visit"] as JSON (ISO strings for times), so a restart resumes it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import CrmContext
from bot.domain.dates import QuickChoice, parse_when, quick_choice
from bot.i18n import N_, Translator
from bot.services import visits
from bot.services.visibility import NotVisible
from bot.services.visits import MAX_NOTES, VisitDraft
from handlers import pickers
from handlers.card import KIND_LABELS, OUTCOME_LABELS, label, not_visible_text, short_datetime
from storage.db import utcnow

CUSTOMER, KIND, OUTCOME, NOTES, CHECKIN, ADOPT, FOLLOW_UP, SUMMARY = range(8)
TIMEOUT_SECONDS = 15 * 60
PICKER = pickers.Picker("visit")
START_PATTERN = re.compile(r"^visit:start:(\d+)$")
DRAFT = "visit"

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


def _draft(context: CrmContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft = context.user_data.get(DRAFT)
    if not isinstance(draft, dict):
        draft = {}
        context.user_data[DRAFT] = draft
    return draft


async def _say(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None, *, fresh: bool = False
) -> None:
    """Answer a press by editing its message (unless `fresh`), or a message with a new one."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        if not fresh:
            await query.edit_message_text(text, reply_markup=markup)
            return
    assert update.effective_chat is not None
    await update.get_bot().send_message(update.effective_chat.id, text, reply_markup=markup)


def _cancel_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("Cancel"), callback_data="visit:cancel")


def _choices(t: Translator, prefix: str, labels: dict[str, str], *, per_row: int = 2) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(t.gettext(text), callback_data=f"visit:{prefix}:{key}")
        for key, text in labels.items()
    ]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup([*rows, [_cancel_button(t)]])


async def start(update: Update, context: CrmContext) -> int:
    assert context.user_data is not None
    context.user_data[DRAFT] = {}
    await pickers.ask_customer(update, context, PICKER, context.t.gettext("Which customer did you visit?"))
    return CUSTOMER


async def start_for_customer(update: Update, context: CrmContext) -> int:
    """The card's "Log visit" button: the customer is known, but still checked against the viewer."""
    assert context.user_data is not None
    query = update.callback_query
    assert query is not None
    match = START_PATTERN.match(query.data or "")
    assert match is not None
    context.user_data[DRAFT] = {}
    return await _use_customer(update, context, int(match.group(1)), fresh=True)


async def customer_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    customer_id = PICKER.picked(query.data)
    assert customer_id is not None
    return await _use_customer(update, context, customer_id)


async def _use_customer(update: Update, context: CrmContext, customer_id: int, *, fresh: bool = False) -> int:
    assert context.viewer is not None
    assert context.user_data is not None
    t = context.t
    try:
        async with context.db.begin() as session:
            brief = await visits.customer_brief(session, viewer=context.viewer, customer_id=customer_id)
    except NotVisible:
        if update.callback_query is not None:
            await update.callback_query.answer(not_visible_text(t), show_alert=True)
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    draft = _draft(context)
    draft.update(customer_id=brief.id, customer_name=brief.name)
    return await _ask_kind(update, context, fresh=fresh)


async def search_typed(update: Update, context: CrmContext) -> int:
    await pickers.search_typed(update, context, PICKER)
    return CUSTOMER


async def turn_page(update: Update, context: CrmContext) -> int:
    await pickers.turn_page(update, context, PICKER)
    return CUSTOMER


async def _ask_kind(update: Update, context: CrmContext, *, fresh: bool = False) -> int:
    t = context.t
    await _say(
        update,
        t.gettext("Visit to {customer}. How did you meet?").format(customer=_draft(context)["customer_name"]),
        _choices(t, "kind", KIND_LABELS),
        fresh=fresh,
    )
    return KIND


async def kind_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    kind = (query.data or "").removeprefix("visit:kind:")
    if kind not in KIND_LABELS:
        await query.answer(context.t.gettext("This button is no longer active."))
        return KIND
    draft = _draft(context)
    draft["kind"] = kind
    if kind != "on_site":
        for key in ("lat", "lon", "acc", "distance", "adopt"):
            draft.pop(key, None)
    if draft.get("editing"):
        if kind == "on_site" and "lat" not in draft and not draft.get("checkin_skipped"):
            await query.answer()
            return await _ask_checkin(update, context)
        return await _summary(update, context)
    return await _ask_outcome(update, context)


async def _ask_outcome(update: Update, context: CrmContext) -> int:
    t = context.t
    await _say(update, t.gettext("How did it go?"), _choices(t, "out", OUTCOME_LABELS))
    return OUTCOME


async def outcome_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    outcome = (query.data or "").removeprefix("visit:out:")
    if outcome not in OUTCOME_LABELS:
        await query.answer(context.t.gettext("This button is no longer active."))
        return OUTCOME
    draft = _draft(context)
    draft["outcome"] = outcome
    if draft.get("editing"):
        return await _summary(update, context)
    return await _ask_notes(update, context)


def _notes_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t.gettext("Skip"), callback_data="visit:notes:skip"), _cancel_button(t)]]
    )


async def _ask_notes(update: Update, context: CrmContext) -> int:
    t = context.t
    await _say(
        update,
        t.gettext(
            "Any notes? Type them, or send a voice note or a photo. Press Skip if there is nothing to add."
        ),
        _notes_keyboard(t),
    )
    return NOTES


async def notes_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    text = (update.message.text or "").strip()
    t = context.t
    if len(text) > MAX_NOTES:
        await update.message.reply_text(
            t.gettext(
                "Notes can be at most {limit} characters; yours have {length}. Please shorten them."
            ).format(limit=MAX_NOTES, length=len(text)),
            reply_markup=_notes_keyboard(t),
        )
        return NOTES
    _draft(context)["notes"] = text
    return await _after_notes(update, context)


async def notes_media(update: Update, context: CrmContext) -> int:
    """A photo or a voice note is kept by its file_id; a photo's caption becomes the notes."""
    message = update.message
    assert message is not None
    draft = _draft(context)
    if message.photo:
        draft["photo"] = message.photo[-1].file_id
    if message.voice:
        draft["voice"] = message.voice.file_id
    if message.caption:
        draft["notes"] = message.caption.strip()[:MAX_NOTES]
    return await _after_notes(update, context)


async def notes_skipped(update: Update, context: CrmContext) -> int:
    draft = _draft(context)
    for key in ("notes", "photo", "voice"):
        draft.pop(key, None)
    return await _after_notes(update, context)


async def notes_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    if update.message.location is not None:
        text = t.gettext(
            "A location is only needed for on-site visits. Please type your notes or press Skip."
        )
    else:
        text = t.gettext("Please type your notes, send a voice note or a photo, or press Skip.")
    await update.message.reply_text(text, reply_markup=_notes_keyboard(t))
    return NOTES


async def _after_notes(update: Update, context: CrmContext) -> int:
    draft = _draft(context)
    needs_checkin = "lat" not in draft and not draft.get("checkin_skipped")
    if draft.get("kind") == "on_site" and (not draft.get("editing") or needs_checkin):
        if update.callback_query is not None:
            await update.callback_query.answer()
            await update.callback_query.edit_message_reply_markup(None)
        return await _ask_checkin(update, context)
    if draft.get("editing"):
        return await _summary(update, context)
    return await _ask_follow_up(update, context)


def _checkin_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(t.gettext("📍 Share my location"), request_location=True)],
            [t.gettext("Skip check-in")],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def _ask_checkin(update: Update, context: CrmContext) -> int:
    assert update.effective_chat is not None
    t = context.t
    await context.bot.send_message(
        update.effective_chat.id,
        t.gettext("Check in: share your location with the button below, or skip."),
        reply_markup=_checkin_keyboard(t),
    )
    return CHECKIN


async def location_shared(update: Update, context: CrmContext) -> int:
    message = update.message
    assert message is not None
    assert message.location is not None
    assert context.viewer is not None
    assert context.user_data is not None
    t = context.t
    draft = _draft(context)
    location = message.location
    try:
        async with context.db.begin() as session:
            checked = await visits.check_in(
                session,
                viewer=context.viewer,
                customer_id=int(draft["customer_id"]),
                latitude=location.latitude,
                longitude=location.longitude,
            )
    except NotVisible:
        await message.reply_text(not_visible_text(t), reply_markup=ReplyKeyboardRemove())
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    draft.update(lat=location.latitude, lon=location.longitude, acc=location.horizontal_accuracy)
    draft.pop("checkin_skipped", None)
    if checked.distance_m is None:
        draft["distance"] = None
        await message.reply_text(t.gettext("Location received."), reply_markup=ReplyKeyboardRemove())
        await message.reply_text(
            t.gettext("{customer} has no stored location yet. Save this check-in as their location?").format(
                customer=draft["customer_name"]
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(t.gettext("Yes, save it"), callback_data="visit:adopt:yes"),
                        InlineKeyboardButton(t.gettext("No"), callback_data="visit:adopt:no"),
                    ]
                ]
            ),
        )
        return ADOPT
    draft["distance"] = round(checked.distance_m)
    await message.reply_text(
        t.gettext("Checked in {distance} from {customer}.").format(
            distance=_distance_text(t, checked.distance_m), customer=draft["customer_name"]
        ),
        reply_markup=ReplyKeyboardRemove(),
    )
    return await _after_checkin(update, context)


def _distance_text(t: Translator, metres: float) -> str:
    if metres >= 1000:
        return t.gettext("{km} km").format(km=t.number(round(metres / 1000, 1)))
    return t.gettext("{m} m").format(m=t.number(round(metres)))


async def adopt_answered(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    _draft(context)["adopt"] = query.data == "visit:adopt:yes"
    return await _after_checkin(update, context)


async def adopt_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    await update.message.reply_text(context.t.gettext("Please press Yes or No above, or send /cancel."))
    return ADOPT


async def checkin_skipped(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    draft = _draft(context)
    for key in ("lat", "lon", "acc", "distance", "adopt"):
        draft.pop(key, None)
    draft["checkin_skipped"] = True
    await update.message.reply_text(
        context.t.gettext("Check-in skipped."), reply_markup=ReplyKeyboardRemove()
    )
    return await _after_checkin(update, context)


async def checkin_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    skip = t.gettext("Skip check-in")
    if (update.message.text or "").strip() == skip:
        return await checkin_skipped(update, context)
    await update.message.reply_text(
        t.gettext('Please share your location with the button below, or press "{skip}".').format(skip=skip),
        reply_markup=_checkin_keyboard(t),
    )
    return CHECKIN


async def _after_checkin(update: Update, context: CrmContext) -> int:
    if _draft(context).get("editing"):
        return await _summary(update, context)
    return await _ask_follow_up(update, context)


def _follow_up_keyboard(t: Translator) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(t.gettext(text), callback_data=f"visit:fu:{choice.value}")
        for choice, text in FOLLOW_UP_LABELS.items()
    ]
    buttons.append(InlineKeyboardButton(t.gettext("No follow-up"), callback_data="visit:fu:none"))
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    return InlineKeyboardMarkup([*rows, [_cancel_button(t)]])


def _date_examples(t: Translator) -> str:
    return t.gettext(
        'For example: "tomorrow 3pm", "next friday", "2026-12-01 14:00", "明天下午3点", "下周二", "3天后".'
    )


async def _ask_follow_up(update: Update, context: CrmContext) -> int:
    t = context.t
    text = (
        t.gettext("When is the next follow-up? Pick one or type a date and time.") + "\n" + _date_examples(t)
    )
    if update.callback_query is not None and update.callback_query.message is not None:
        await _say(update, text, _follow_up_keyboard(t))
    else:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=_follow_up_keyboard(t))
    return FOLLOW_UP


async def follow_up_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    assert context.viewer is not None
    choice = (query.data or "").removeprefix("visit:fu:")
    draft = _draft(context)
    if choice == "none":
        draft["follow_up"] = None
    elif choice in {c.value for c in QuickChoice}:
        when = quick_choice(QuickChoice(choice), now=utcnow(), tz=context.viewer.timezone)
        draft["follow_up"] = when.isoformat()
    else:
        await query.answer(context.t.gettext("This button is no longer active."))
        return FOLLOW_UP
    return await _summary(update, context)


async def follow_up_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    assert context.viewer is not None
    t = context.t
    now = utcnow()
    when = parse_when(update.message.text or "", now=now, tz=context.viewer.timezone, locale=t.locale)
    if when is None:
        await update.message.reply_text(
            t.gettext("I couldn't read that date.") + "\n" + _date_examples(t),
            reply_markup=_follow_up_keyboard(t),
        )
        return FOLLOW_UP
    if when <= now:
        await update.message.reply_text(
            t.gettext("{when} has already passed. Please pick a time in the future.").format(
                when=short_datetime(t, when)
            ),
            reply_markup=_follow_up_keyboard(t),
        )
        return FOLLOW_UP
    _draft(context)["follow_up"] = when.isoformat()
    return await _summary(update, context)


async def follow_up_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    await update.message.reply_text(
        t.gettext("Please pick a follow-up above or type a date.") + "\n" + _date_examples(t),
        reply_markup=_follow_up_keyboard(t),
    )
    return FOLLOW_UP


def _summary_text(draft: dict[str, Any], t: Translator) -> str:
    lines = [
        t.gettext("Visit to {customer}").format(customer=draft["customer_name"]),
        t.gettext("Kind: {kind}").format(kind=label(t, KIND_LABELS, draft["kind"])),
        t.gettext("Outcome: {outcome}").format(outcome=label(t, OUTCOME_LABELS, draft["outcome"])),
    ]
    if draft.get("notes"):
        lines.append(t.gettext("Notes: {notes}").format(notes=draft["notes"]))
    if draft.get("photo"):
        lines.append(t.gettext("Photo attached"))
    if draft.get("voice"):
        lines.append(t.gettext("Voice note attached"))
    if draft.get("kind") == "on_site":
        if "lat" not in draft:
            lines.append(t.gettext("Check-in: skipped"))
        elif draft.get("distance") is not None:
            lines.append(
                t.gettext("Check-in: {distance} from the customer").format(
                    distance=_distance_text(t, float(draft["distance"]))
                )
            )
        elif draft.get("adopt"):
            lines.append(t.gettext("Check-in: saved as the customer's location"))
        else:
            lines.append(t.gettext("Check-in: location recorded"))
    follow_up = draft.get("follow_up")
    if follow_up:
        lines.append(
            t.gettext("Next follow-up: {when}").format(
                when=short_datetime(t, datetime.fromisoformat(follow_up))
            )
        )
    else:
        lines.append(t.gettext("Next follow-up: none"))
    return "\n".join(lines)


def _summary_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("✅ Save"), callback_data="visit:save"),
                InlineKeyboardButton(t.gettext("✏️ Edit"), callback_data="visit:edit"),
            ],
            [_cancel_button(t)],
        ]
    )


async def _summary(update: Update, context: CrmContext) -> int:
    t = context.t
    draft = _draft(context)
    draft["editing"] = True
    text = _summary_text(draft, t)
    query = update.callback_query
    if query is not None and query.message is not None:
        await _say(update, text, _summary_keyboard(t))
    else:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=_summary_keyboard(t))
    return SUMMARY


async def save(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    assert context.viewer is not None
    assert context.user_data is not None
    t = context.t
    draft = _draft(context)
    if not {"customer_id", "kind", "outcome"} <= draft.keys():
        await query.answer(t.gettext("This button is no longer active."))
        return ConversationHandler.END
    follow_up = datetime.fromisoformat(draft["follow_up"]) if draft.get("follow_up") else None
    now = utcnow()
    if follow_up is not None and follow_up <= now:
        await query.answer()
        await query.edit_message_text(
            t.gettext("{when} has already passed. Please pick a time in the future.").format(
                when=short_datetime(t, follow_up)
            ),
            reply_markup=_follow_up_keyboard(t),
        )
        return FOLLOW_UP
    visit = VisitDraft(
        customer_id=int(draft["customer_id"]),
        kind=draft["kind"],
        outcome=draft["outcome"],
        notes=draft.get("notes") or None,
        photo_file_id=draft.get("photo"),
        voice_file_id=draft.get("voice"),
        latitude=draft.get("lat"),
        longitude=draft.get("lon"),
        accuracy_m=draft.get("acc"),
        adopt_location=bool(draft.get("adopt")),
        follow_up_at=follow_up,
    )
    try:
        async with context.db.begin() as session:
            saved = await visits.save_visit(
                session,
                viewer=context.viewer,
                draft=visit,
                client_ref=client_ref(query.message.chat.id, query.message.message_id),
                now=now,
            )
    except NotVisible:
        context.user_data.pop(DRAFT, None)
        await query.answer(not_visible_text(t), show_alert=True)
        await query.edit_message_text(t.gettext("Nothing was saved."))
        return ConversationHandler.END
    context.user_data.pop(DRAFT, None)
    await query.answer()
    lines = [t.gettext("Visit to {customer} saved.").format(customer=saved.customer_name)]
    if saved.follow_up_at is not None:
        lines.append(t.gettext("Next follow-up: {when}").format(when=short_datetime(t, saved.follow_up_at)))
    await query.edit_message_text(
        "\n".join(lines),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.gettext("Open the card"), callback_data=f"cust:open:{visit.customer_id}"
                    )
                ]
            ]
        ),
    )
    return ConversationHandler.END


def client_ref(chat_id: int, message_id: int) -> str:
    """The idempotency key of a Save press: one summary message saves at most one visit."""
    return f"visit:{chat_id}:{message_id}"


async def edit(update: Update, context: CrmContext) -> int:
    t = context.t
    steps = dict(STEP_LABELS)
    if _draft(context).get("kind") != "on_site":
        steps.pop("checkin")
    buttons = [
        InlineKeyboardButton(t.gettext(text), callback_data=f"visit:goto:{key}")
        for key, text in steps.items()
    ]
    await _say(
        update,
        t.gettext("What would you like to change?"),
        InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)]),
    )
    return SUMMARY


async def go_to_step(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    step = (query.data or "").removeprefix("visit:goto:")
    if step == "kind":
        return await _ask_kind(update, context)
    if step == "outcome":
        return await _ask_outcome(update, context)
    if step == "notes":
        return await _ask_notes(update, context)
    if step == "checkin" and _draft(context).get("kind") == "on_site":
        await query.answer()
        await query.edit_message_reply_markup(None)
        return await _ask_checkin(update, context)
    if step == "followup":
        return await _ask_follow_up(update, context)
    await query.answer(context.t.gettext("This button is no longer active."))
    return SUMMARY


async def summary_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    await update.message.reply_text(
        context.t.gettext("Please press Save, Edit or Cancel above, or send /cancel.")
    )
    return SUMMARY


async def choose_with_buttons(update: Update, context: CrmContext) -> int | None:
    """Typed text where a button is expected: say so and stay on the step."""
    assert update.message is not None
    await update.message.reply_text(
        context.t.gettext("Please pick one of the buttons above, or send /cancel.")
    )
    return None


async def cancel(update: Update, context: CrmContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    context.user_data.pop(PICKER.query_key, None)
    text = context.t.gettext("Cancelled. No visit was saved.")
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=ReplyKeyboardRemove())
    return ConversationHandler.END


async def timed_out(update: Update, context: CrmContext) -> None:
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    if update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id,
            context.t.ngettext(
                "Your unfinished visit was put aside after {n} minute without an answer. "
                "/visit starts again.",
                "Your unfinished visit was put aside after {n} minutes without an answer. "
                "/visit starts again.",
                round(TIMEOUT_SECONDS / 60),
            ).format(n=round(TIMEOUT_SECONDS / 60)),
            reply_markup=ReplyKeyboardRemove(),
        )


async def stale_save(update: Update, context: CrmContext) -> None:
    """A Save press outside the dialog: already saved (say so), or from a dialog that ended."""
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    async with context.db.begin() as session:
        saved = await visits.is_saved(
            session, client_ref=client_ref(query.message.chat.id, query.message.message_id)
        )
    t = context.t
    if saved:
        await query.answer(t.gettext("This visit is already saved."), show_alert=True)
    else:
        await query.answer(
            t.gettext("This button is no longer active. Please start again with /visit."), show_alert=True
        )


def register(application: Application) -> None:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    message = filters.UpdateType.MESSAGE & ~filters.COMMAND
    application.add_handler(
        ConversationHandler(
            entry_points=[
                CommandHandler("visit", start),
                CallbackQueryHandler(start_for_customer, pattern=START_PATTERN),
            ],
            states={
                CUSTOMER: [
                    CallbackQueryHandler(customer_picked, pattern=PICKER.pick_pattern),
                    CallbackQueryHandler(turn_page, pattern=PICKER.page_pattern),
                    MessageHandler(text, search_typed),
                    MessageHandler(message, choose_with_buttons),
                ],
                KIND: [
                    CallbackQueryHandler(kind_picked, pattern=r"^visit:kind:"),
                    MessageHandler(message, choose_with_buttons),
                ],
                OUTCOME: [
                    CallbackQueryHandler(outcome_picked, pattern=r"^visit:out:"),
                    MessageHandler(message, choose_with_buttons),
                ],
                NOTES: [
                    CallbackQueryHandler(notes_skipped, pattern=r"^visit:notes:skip$"),
                    MessageHandler(text, notes_typed),
                    MessageHandler(filters.PHOTO | filters.VOICE, notes_media),
                    MessageHandler(message, notes_unexpected),
                ],
                CHECKIN: [
                    MessageHandler(filters.LOCATION, location_shared),
                    MessageHandler(message, checkin_unexpected),
                ],
                ADOPT: [
                    CallbackQueryHandler(adopt_answered, pattern=r"^visit:adopt:(yes|no)$"),
                    MessageHandler(message, adopt_unexpected),
                ],
                FOLLOW_UP: [
                    CallbackQueryHandler(follow_up_picked, pattern=r"^visit:fu:"),
                    MessageHandler(text, follow_up_typed),
                    MessageHandler(message, follow_up_unexpected),
                ],
                SUMMARY: [
                    CallbackQueryHandler(save, pattern=r"^visit:save$"),
                    CallbackQueryHandler(edit, pattern=r"^visit:edit$"),
                    CallbackQueryHandler(go_to_step, pattern=r"^visit:goto:"),
                    MessageHandler(message, summary_unexpected),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[
                CommandHandler("cancel", cancel),
                CallbackQueryHandler(cancel, pattern=r"^visit:cancel$"),
            ],
            name="visit",
            persistent=True,
            allow_reentry=True,
            conversation_timeout=TIMEOUT_SECONDS,
        )
    )
    application.add_handler(CallbackQueryHandler(stale_save, pattern=r"^visit:save$"))
