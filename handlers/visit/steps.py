"""The answers of /visit: choosing the customer, kind, outcome, notes and the next follow-up."""

from __future__ import annotations

from telegram import Update

from bot.domain.dates import QuickChoice, Refused, quick_choice, read_ahead
from bot.i18n import N_
from bot.runtime.context import CrmContext
from bot.services import customers
from bot.services.visibility import NotVisible
from bot.services.visits import MAX_NOTES, read_notes
from handlers.common import dialogs, pickers
from handlers.common.typed_dates import ahead_examples, ahead_refusal
from handlers.visit import callbacks
from handlers.visit.checkin import is_skip_checkin, location_again
from handlers.visit.draft import VisitDraft
from handlers.visit.prompts import (
    CUSTOMER,
    FOLLOW_UP,
    NOTES,
    PICKER,
    ask_checkin,
    ask_follow_up,
    ask_kind,
    ask_notes,
    ask_outcome,
    follow_up_keyboard,
    notes_keyboard,
    show_summary,
)


async def _use_customer(update: Update, context: CrmContext, customer_id: int, *, fresh: bool = False) -> int:
    try:
        async with context.work() as work:
            brief = await customers.brief(work.session, viewer=work.viewer, customer_id=customer_id)
    except NotVisible:
        return await pickers.customer_refused(update, context, VisitDraft)
    with dialogs.editing(context, VisitDraft) as draft:
        draft.customer_id, draft.customer_name = brief.id, brief.name
    return await ask_kind(update, context, fresh=fresh)


# /visit, the card's "Log visit" button (customer known, still checked) and a picked hit.
start, start_for_customer, customer_picked = pickers.customer_entry(
    VisitDraft,
    PICKER,
    callbacks.START_VISIT,
    N_("Which customer did you visit?"),
    _use_customer,
    asking=CUSTOMER,
)


async def kind_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    with dialogs.editing(context, VisitDraft) as draft:
        draft.kind = callbacks.VISIT_KIND.parse(query.data)["kind"]
        if not draft.on_site:
            draft.drop_checkin()
    if draft.editing:
        if draft.needs_checkin:
            await query.answer()
            return await ask_checkin(update, context)
        return await show_summary(update, context)
    return await ask_outcome(update, context)


async def outcome_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    with dialogs.editing(context, VisitDraft) as draft:
        draft.outcome = callbacks.VISIT_OUTCOME.parse(query.data)["outcome"]
    if draft.editing:
        return await show_summary(update, context)
    return await ask_notes(update, context)


async def notes_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    notes = read_notes(update.message.text or "")
    t = context.t
    if notes.too_long:
        await update.message.reply_text(
            t.gettext(
                "Notes can be at most {limit} characters; yours have {length}. Please shorten them."
            ).format(limit=MAX_NOTES, length=notes.length),
            reply_markup=notes_keyboard(t),
        )
        return NOTES
    with dialogs.editing(context, VisitDraft) as draft:
        draft.notes = notes.text
    return await _after_notes(update, context, draft)


async def notes_media(update: Update, context: CrmContext) -> int:
    """A photo or a voice note is kept by its file_id; a photo's caption becomes the notes."""
    message = update.message
    assert message is not None
    with dialogs.editing(context, VisitDraft) as draft:
        if message.photo:
            draft.photo = message.photo[-1].file_id
        if message.voice:
            draft.voice = message.voice.file_id
        if message.caption:
            draft.notes = read_notes(message.caption).text
    return await _after_notes(update, context, draft)


async def notes_skipped(update: Update, context: CrmContext) -> int:
    with dialogs.editing(context, VisitDraft) as draft:
        draft.notes = draft.photo = draft.voice = None
    return await _after_notes(update, context, draft)


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


async def _after_notes(update: Update, context: CrmContext, draft: VisitDraft) -> int:
    if draft.on_site and (not draft.editing or draft.needs_checkin):
        if update.callback_query is not None:
            await update.callback_query.answer()
            await update.callback_query.edit_message_reply_markup(None)
        return await ask_checkin(update, context)
    if draft.editing:
        return await show_summary(update, context)
    return await ask_follow_up(update, context)


async def follow_up_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    choice = callbacks.VISIT_FOLLOW_UP.parse(query.data)["choice"]
    with dialogs.editing(context, VisitDraft) as draft:
        draft.follow_up = (
            None
            if choice == "none"
            else quick_choice(QuickChoice(choice), now=context.now(), tz=context.me.timezone)
        )
    return await show_summary(update, context)


async def follow_up_typed(update: Update, context: CrmContext) -> int | None:
    assert update.message is not None
    t = context.t
    if is_skip_checkin(update, context):
        await location_again(update, context)
        return None
    typed = update.message.text or ""
    when = read_ahead(typed, now=context.now(), tz=context.me.timezone)
    if isinstance(when, Refused):
        await update.message.reply_text(ahead_refusal(t, when, typed), reply_markup=follow_up_keyboard(t))
        return FOLLOW_UP
    with dialogs.editing(context, VisitDraft) as draft:
        draft.follow_up = when
    return await show_summary(update, context)


async def follow_up_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    await update.message.reply_text(
        t.gettext("Please pick a follow-up above or type a date.") + "\n" + ahead_examples(t),
        reply_markup=follow_up_keyboard(t),
    )
    return FOLLOW_UP
