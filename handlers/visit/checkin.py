"""The check-in step of an on-site visit: share a location (maybe adopt it), or skip."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ConversationHandler

from bot.runtime.context import CrmContext
from bot.services import visits
from bot.services.visibility import NotVisible
from handlers.common.refusals import not_visible_text
from handlers.visit import callbacks
from handlers.visit.prompts import (
    ADOPT,
    CHECKIN,
    DRAFT,
    ask_follow_up,
    checkin_keyboard,
    distance_text,
    draft_of,
    show_summary,
)


async def location_shared(update: Update, context: CrmContext) -> int:
    message = update.message
    assert message is not None
    assert message.location is not None
    assert context.viewer is not None
    assert context.user_data is not None
    t = context.t
    draft = draft_of(context)
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
    draft["distance"] = round(checked.distance_m)
    await message.reply_text(
        t.gettext("Checked in {distance} from {customer}.").format(
            distance=distance_text(t, checked.distance_m), customer=draft["customer_name"]
        ),
        reply_markup=ReplyKeyboardRemove(),
    )
    return await _after_checkin(update, context)


async def adopt_answered(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    draft_of(context)["adopt"] = callbacks.VISIT_ADOPT.parse(query.data)["answer"] == "yes"
    return await _after_checkin(update, context)


async def checkin_skipped(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    draft = draft_of(context)
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
        reply_markup=checkin_keyboard(t),
    )
    return CHECKIN


async def _after_checkin(update: Update, context: CrmContext) -> int:
    if draft_of(context).get("editing"):
        return await show_summary(update, context)
    return await ask_follow_up(update, context)
