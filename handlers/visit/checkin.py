"""The check-in step of an on-site visit: share a location (maybe adopt it), or skip."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ConversationHandler

from bot.runtime.context import CrmContext
from bot.services import visits
from bot.services.visibility import NotVisible
from handlers.common import dialogs
from handlers.common.refusals import not_visible_text
from handlers.visit import callbacks
from handlers.visit.draft import VisitDraft
from handlers.visit.prompts import (
    ADOPT,
    CHECKIN,
    ask_follow_up,
    checkin_keyboard,
    distance_text,
    show_summary,
)


async def location_shared(update: Update, context: CrmContext) -> int:
    message = update.message
    assert message is not None
    assert message.location is not None
    t = context.t
    draft = dialogs.load(context, VisitDraft)
    location = message.location
    try:
        async with context.work() as work:
            checked = await visits.check_in(
                work.session,
                viewer=work.viewer,
                customer_id=draft.customer_id or 0,
                latitude=location.latitude,
                longitude=location.longitude,
                accuracy_m=location.horizontal_accuracy,
            )
    except NotVisible:
        await message.reply_text(not_visible_text(t), reply_markup=ReplyKeyboardRemove())
        dialogs.forget(context, VisitDraft.KEY)
        return ConversationHandler.END
    draft.checked_in(checked)
    dialogs.keep(context, draft)
    if checked.distance_m is None:
        await message.reply_text(t.gettext("Location received."), reply_markup=ReplyKeyboardRemove())
        await message.reply_text(
            t.gettext("{customer} has no stored location yet. Save this check-in as their location?").format(
                customer=draft.customer_name
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            t.gettext("Yes, save it"), callback_data=callbacks.VISIT_ADOPT.data(answer="yes")
                        ),
                        InlineKeyboardButton(
                            t.gettext("No"), callback_data=callbacks.VISIT_ADOPT.data(answer="no")
                        ),
                    ]
                ]
            ),
        )
        return ADOPT
    await message.reply_text(
        t.gettext("Checked in {distance} from {customer}.").format(
            distance=distance_text(t, checked.distance_m), customer=draft.customer_name
        ),
        reply_markup=ReplyKeyboardRemove(),
    )
    return await _after_checkin(update, context, draft)


async def adopt_answered(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    with dialogs.editing(context, VisitDraft) as draft:
        draft.adopt = callbacks.VISIT_ADOPT.parse(query.data)["answer"] == "yes"
    return await _after_checkin(update, context, draft)


async def checkin_skipped(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    with dialogs.editing(context, VisitDraft) as draft:
        draft.drop_checkin()
        draft.checkin_skipped = True
    await update.message.reply_text(
        context.t.gettext("Check-in skipped."), reply_markup=ReplyKeyboardRemove()
    )
    return await _after_checkin(update, context, draft)


async def checkin_unexpected(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    skip = t.gettext("Skip check-in")
    if is_skip_checkin(update, context):
        return await checkin_skipped(update, context)
    await update.message.reply_text(
        t.gettext('Please share your location with the button below, or press "{skip}".').format(skip=skip),
        reply_markup=checkin_keyboard(t),
    )
    return CHECKIN


async def location_again(update: Update, context: CrmContext) -> None:
    """A location (or the skip button's text) after the check-in step: it changes nothing."""
    assert update.message is not None
    t = context.t
    if dialogs.load(context, VisitDraft).on_site:
        text = t.gettext("The check-in step is already done for this visit.")
    else:
        text = t.gettext("A location is only needed for on-site visits.")
    await update.message.reply_text(text, reply_markup=ReplyKeyboardRemove())


def is_skip_checkin(update: Update, context: CrmContext) -> bool:
    """Whether the message is the check-in keyboard's Skip button, in the reader's language."""
    assert update.message is not None
    return (update.message.text or "").strip() == context.t.gettext("Skip check-in")


async def _after_checkin(update: Update, context: CrmContext, draft: VisitDraft) -> int:
    if draft.editing:
        return await show_summary(update, context)
    return await ask_follow_up(update, context)
