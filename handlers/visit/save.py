"""The end of /visit: Save (once per summary message), Edit and going back to a step."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.runtime.context import CrmContext
from bot.services import visits
from bot.services.visibility import NotVisible
from handlers.card.links import open_card_markup
from handlers.common import dialogs
from handlers.visit import callbacks
from handlers.visit.draft import VisitDraft
from handlers.visit.prompts import (
    FOLLOW_UP,
    STEP_LABELS,
    SUMMARY,
    ask_checkin,
    ask_follow_up,
    ask_kind,
    ask_notes,
    ask_outcome,
    follow_up_keyboard,
)


async def save(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    t = context.t
    visit = dialogs.load(context, VisitDraft).for_save()
    if visit is None:
        await query.answer(t.gettext("This button is no longer active."))
        return ConversationHandler.END
    follow_up = visit.follow_up_at
    if follow_up is not None and follow_up <= context.now():
        await query.answer()
        await query.edit_message_text(
            t.gettext("{when} has already passed. Please pick a time in the future.").format(
                when=t.day_time(follow_up)
            ),
            reply_markup=follow_up_keyboard(t),
        )
        return FOLLOW_UP
    try:
        async with context.work() as work:
            saved = await visits.save_visit(
                work.session,
                viewer=work.viewer,
                visit=visit,
                client_ref=client_ref(query.message.chat.id, query.message.message_id),
                now=work.now,
            )
    except NotVisible:
        return await dialogs.save_refused(update, context, VisitDraft.KEY)
    dialogs.forget(context, VisitDraft.KEY)
    await query.answer()
    lines = [t.gettext("Visit to {customer} saved.").format(customer=saved.customer_name)]
    if saved.follow_up_at is not None:
        lines.append(t.gettext("Next follow-up: {when}").format(when=t.day_time(saved.follow_up_at)))
    await query.edit_message_text(
        "\n".join(lines),
        reply_markup=open_card_markup(t, visit.customer_id),
    )
    return ConversationHandler.END


def client_ref(chat_id: int, message_id: int) -> str:
    """The idempotency key of a Save press: one summary message saves at most one visit."""
    return f"visit:{chat_id}:{message_id}"


async def edit(update: Update, context: CrmContext) -> int:
    t = context.t
    steps = dict(STEP_LABELS)
    if not dialogs.load(context, VisitDraft).on_site:
        steps.pop("checkin")
    buttons = [
        InlineKeyboardButton(t.gettext(text), callback_data=callbacks.VISIT_GOTO.data(step=key))
        for key, text in steps.items()
    ]
    await dialogs.say(
        update,
        t.gettext("What would you like to change?"),
        InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)]),
    )
    return SUMMARY


async def go_to_step(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    step = callbacks.VISIT_GOTO.parse(query.data)["step"]
    if step == "kind":
        return await ask_kind(update, context)
    if step == "outcome":
        return await ask_outcome(update, context)
    if step == "notes":
        return await ask_notes(update, context)
    if step == "checkin" and dialogs.load(context, VisitDraft).on_site:
        await query.answer()
        await query.edit_message_reply_markup(None)
        return await ask_checkin(update, context)
    if step == "followup":
        return await ask_follow_up(update, context)
    await query.answer(context.t.gettext("This button is no longer active."))
    return SUMMARY
