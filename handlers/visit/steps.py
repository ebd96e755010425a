"""The answers of /visit: choosing the customer, kind, outcome, notes and the next follow-up."""

from __future__ import annotations

from telegram import Update

from bot.domain.dates import QuickChoice, Refused, quick_choice, read_ahead
from bot.i18n import N_
from bot.runtime.context import CrmContext
from bot.services import visits
from bot.services.visibility import NotVisible
from bot.services.visits import MAX_NOTES
from handlers.common import pickers
from handlers.common.typed_dates import ahead_examples, ahead_refusal
from handlers.visit import callbacks
from handlers.visit.prompts import (
    CUSTOMER,
    DRAFT,
    FOLLOW_UP,
    NOTES,
    PICKER,
    ask_checkin,
    ask_follow_up,
    ask_kind,
    ask_notes,
    ask_outcome,
    draft_of,
    follow_up_keyboard,
    notes_keyboard,
    show_summary,
)
from storage.db import utcnow


async def _use_customer(update: Update, context: CrmContext, customer_id: int, *, fresh: bool = False) -> int:
    assert context.viewer is not None
    assert context.user_data is not None
    try:
        async with context.db.begin() as session:
            brief = await visits.customer_brief(session, viewer=context.viewer, customer_id=customer_id)
    except NotVisible:
        return await pickers.customer_refused(update, context, DRAFT)
    draft = draft_of(context)
    draft.update(customer_id=brief.id, customer_name=brief.name)
    return await ask_kind(update, context, fresh=fresh)


# /visit, the card's "Log visit" button (customer known, still checked) and a picked hit.
start, start_for_customer, customer_picked = pickers.customer_entry(
    DRAFT, PICKER, callbacks.START_VISIT, N_("Which customer did you visit?"), _use_customer, asking=CUSTOMER
)


async def kind_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    kind = callbacks.VISIT_KIND.parse(query.data)["kind"]
    draft = draft_of(context)
    draft["kind"] = kind
    if kind != "on_site":
        for key in ("lat", "lon", "acc", "distance", "adopt"):
            draft.pop(key, None)
    if draft.get("editing"):
        if kind == "on_site" and "lat" not in draft and not draft.get("checkin_skipped"):
            await query.answer()
            return await ask_checkin(update, context)
        return await show_summary(update, context)
    return await ask_outcome(update, context)


async def outcome_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    outcome = callbacks.VISIT_OUTCOME.parse(query.data)["outcome"]
    draft = draft_of(context)
    draft["outcome"] = outcome
    if draft.get("editing"):
        return await show_summary(update, context)
    return await ask_notes(update, context)


async def notes_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    text = (update.message.text or "").strip()
    t = context.t
    if len(text) > MAX_NOTES:
        await update.message.reply_text(
            t.gettext(
                "Notes can be at most {limit} characters; yours have {length}. Please shorten them."
            ).format(limit=MAX_NOTES, length=len(text)),
            reply_markup=notes_keyboard(t),
        )
        return NOTES
    draft_of(context)["notes"] = text
    return await _after_notes(update, context)


async def notes_media(update: Update, context: CrmContext) -> int:
    """A photo or a voice note is kept by its file_id; a photo's caption becomes the notes."""
    message = update.message
    assert message is not None
    draft = draft_of(context)
    if message.photo:
        draft["photo"] = message.photo[-1].file_id
    if message.voice:
        draft["voice"] = message.voice.file_id
    if message.caption:
        draft["notes"] = message.caption.strip()[:MAX_NOTES]
    return await _after_notes(update, context)


async def notes_skipped(update: Update, context: CrmContext) -> int:
    draft = draft_of(context)
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
    await update.message.reply_text(text, reply_markup=notes_keyboard(t))
    return NOTES


async def _after_notes(update: Update, context: CrmContext) -> int:
    draft = draft_of(context)
    needs_checkin = "lat" not in draft and not draft.get("checkin_skipped")
    if draft.get("kind") == "on_site" and (not draft.get("editing") or needs_checkin):
        if update.callback_query is not None:
            await update.callback_query.answer()
            await update.callback_query.edit_message_reply_markup(None)
        return await ask_checkin(update, context)
    if draft.get("editing"):
        return await show_summary(update, context)
    return await ask_follow_up(update, context)


async def follow_up_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    assert context.viewer is not None
    choice = callbacks.VISIT_FOLLOW_UP.parse(query.data)["choice"]
    draft = draft_of(context)
    if choice == "none":
        draft["follow_up"] = None
    else:
        when = quick_choice(QuickChoice(choice), now=utcnow(), tz=context.viewer.timezone)
        draft["follow_up"] = when.isoformat()
    return await show_summary(update, context)


async def follow_up_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    assert context.viewer is not None
    t = context.t
    now = utcnow()
    typed = update.message.text or ""
    when = read_ahead(typed, now=now, tz=context.viewer.timezone)
    if isinstance(when, Refused):
        await update.message.reply_text(ahead_refusal(t, when, typed), reply_markup=follow_up_keyboard(t))
        return FOLLOW_UP
    draft_of(context)["follow_up"] = when.isoformat()
    return await show_summary(update, context)


async def follow_up_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    await update.message.reply_text(
        t.gettext("Please pick a follow-up above or type a date.") + "\n" + ahead_examples(t),
        reply_markup=follow_up_keyboard(t),
    )
    return FOLLOW_UP
