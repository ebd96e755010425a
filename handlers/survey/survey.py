"""The customer's side of a survey: the score button, then an optional comment (or NPS reason).

Pressing a score starts a short dialog: the survey message turns into a thank-you asking for a
comment with a Skip button, and the next text the customer sends is kept with their answer. The
dialog ends on Skip, /cancel, the comment, or silently after an hour.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.domain.enums import SurveyKind
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import surveys
from bot.services.surveys import AlreadyAnswered, Answered, SurveyClosed, SurveyGone
from handlers.common import dialogs
from handlers.survey import callbacks, pushes

DRAFT = "survey_comment"
COMMENT = 0
TIMEOUT_SECONDS = 3600


class CommentDraft(dialogs.Draft):
    """The survey the customer's next text comments on."""

    KEY = DRAFT
    survey_id: int | None = None


def thanks_text(t: Translator, answered: Answered) -> str:
    """The survey message after a score: thanks, and the question that invites a comment."""
    if answered.kind is SurveyKind.NPS:
        head = t.gettext("Thank you! You gave us {score} out of 10.").format(score=answered.score)
        ask = t.gettext("What is the main reason for your score? Just write it here, or press Skip.")
    else:
        head = t.gettext("Thank you! You rated the visit {score} out of 5.").format(score=answered.score)
        if surveys.is_low(answered.kind, answered.score):
            ask = t.gettext(
                "We are sorry it was not better. What went wrong? Just write it here, or press Skip."
            )
        else:
            ask = t.gettext("Anything you would like to add? Just write it here, or press Skip.")
    return f"{head}\n{ask}"


def complaint_hint(t: Translator) -> str:
    """After a low score: the rating is not a complaint, and how to file one if they want it tracked."""
    return t.gettext("If you would like to file a complaint with a number to follow, send /complaint.")


def skip_keyboard(t: Translator, survey_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Skip"), callback_data=callbacks.SURVEY_SKIP.data(survey_id=survey_id)
                )
            ]
        ]
    )


async def scored(update: Update, context: CrmContext) -> int:
    """A score button: record it once, then ask for the optional comment."""
    query = update.callback_query
    assert query is not None
    t = context.t
    args = callbacks.SURVEY_SCORE.parse(query.data)
    survey_id, score = args["survey_id"], args["score"]
    try:
        async with context.work() as work:
            answered = await surveys.answer(
                work.session,
                viewer=work.viewer,
                survey_id=survey_id,
                score=score,
                now=work.now,
            )
            await work.push(answered.pushes)
    except AlreadyAnswered:
        await query.answer(t.gettext("Thank you, we already have your answer."), show_alert=True)
        return ConversationHandler.END
    except SurveyClosed:
        await query.answer()
        await query.edit_message_text(t.gettext("This survey has closed. Thank you all the same!"))
        return ConversationHandler.END
    except SurveyGone:
        await query.answer(t.gettext("This button is not available to you."), show_alert=True)
        return ConversationHandler.END
    dialogs.keep(context, CommentDraft(survey_id=survey_id))
    await query.answer()
    await query.edit_message_text(thanks_text(t, answered), reply_markup=skip_keyboard(t, survey_id))
    return COMMENT


async def commented(update: Update, context: CrmContext) -> int:
    """The customer's next text: kept with their answer (and passed on, for a low score)."""
    assert update.effective_message is not None
    message = update.effective_message
    survey_id = dialogs.load(context, CommentDraft).survey_id
    dialogs.forget(context, DRAFT)
    t = context.t
    if survey_id is None or not message.text:
        return ConversationHandler.END
    try:
        async with context.work() as work:
            kept = await surveys.add_comment(
                work.session,
                viewer=work.viewer,
                survey_id=survey_id,
                text=message.text,
                now=work.now,
            )
            if kept is not None:
                await work.push(kept.pushes)
    except SurveyGone:
        kept = None
    if kept is not None and kept.low:
        await message.reply_text(
            t.gettext("Thank you. Your sales contact will read your words and get in touch with you.")
            + "\n"
            + complaint_hint(t)
        )
    elif kept is not None:
        await message.reply_text(t.gettext("Thank you, we have passed your words on to the team."))
    else:
        await message.reply_text(t.gettext("Thank you! Your answer was saved already."))
    return ConversationHandler.END


async def skipped(update: Update, context: CrmContext) -> int:
    """Skip, inside the dialog or on an old message: the answer stands, no comment."""
    dialogs.forget(context, DRAFT)
    query = update.callback_query
    assert query is not None
    survey_id = callbacks.SURVEY_SKIP.parse(query.data)["survey_id"]
    t = context.t
    try:
        async with context.work() as work:
            released = await surveys.release_alert(work.session, viewer=work.viewer, survey_id=survey_id)
            await work.push(released.pushes)
    except SurveyGone:
        await query.answer(t.gettext("This button is not available to you."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    thanks = t.gettext("Thank you for your answer!")
    await query.edit_message_text(f"{thanks}\n{complaint_hint(t)}" if released.low else thanks)
    return ConversationHandler.END


async def silently_ended(update: object, context: CrmContext) -> None:
    """An hour without a comment: the answer stands; nothing to say."""
    dialogs.forget(context, DRAFT)


cancelled = dialogs.canceller(N_("All right, your answer stands without a comment."), DRAFT)
not_text = dialogs.nudge(N_("Please write your comment as a text message, or press Skip."), COMMENT)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(
        dialogs.conversation(
            "survey_comment",
            entry_points=[CallbackQueryHandler(scored, pattern=callbacks.SURVEY_SCORE)],
            states={
                COMMENT: [
                    CallbackQueryHandler(skipped, pattern=callbacks.SURVEY_SKIP),
                    MessageHandler(filters.TEXT & ~filters.COMMAND, commented),
                    MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, not_text),
                ],
            },
            cancel=cancelled,
            timed_out=silently_ended,
            timeout=TIMEOUT_SECONDS,
        )
    )
    application.add_handler(CallbackQueryHandler(skipped, pattern=callbacks.SURVEY_SKIP))
    pushes.register(application)
