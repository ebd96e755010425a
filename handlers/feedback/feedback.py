"""/feedback: one message of free text, a photo if they like, and it reaches the staff.

Effortless on purpose: a photo with a caption is both at once; text alone offers "Add a photo"
or "Send"; a photo alone asks for a few words. Open to linked customers and to strangers (see
`bot.services.feedback` for where each goes).
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import feedback
from bot.services.feedback import Route, Sender, TooLong
from handlers.common import dialogs
from handlers.feedback import callbacks, pushes

DRAFT = "feedback_draft"
# When this person's last feedback went out (ISO times), for the strangers' daily cap.
SENT = "feedback_sent"
WRITING, READY, PHOTO = range(3)
TIMEOUT_SECONDS = 30 * 60


class FeedbackDraft(dialogs.Draft):
    """The words and the photo gathered so far; either may come first."""

    KEY = DRAFT
    OPEN_TO_STRANGERS = True
    text: str | None = None
    photo: str | None = None


cancel = dialogs.canceller(N_("Cancelled. Nothing was sent."), DRAFT)
not_text = dialogs.nudge(
    N_("Please write your feedback as a text message (a photo with a caption works too), or send /cancel."),
    WRITING,
)
not_photo = dialogs.nudge(
    N_("Please send a photo, or press Send to send your feedback without one."),
    PHOTO,
    markup=lambda t: _keyboard(t, with_photo=False),
)


def _timeout_text(t: Translator) -> str:
    minutes = round(TIMEOUT_SECONDS / 60)
    return t.ngettext(
        "Your unsent feedback was put aside after {n} minute without an answer. /feedback starts again.",
        "Your unsent feedback was put aside after {n} minutes without an answer. /feedback starts again.",
        minutes,
    ).format(n=minutes)


timed_out = dialogs.timeout_note(_timeout_text, DRAFT)


def _keyboard(t: Translator, *, with_photo: bool = True) -> InlineKeyboardMarkup:
    row = [InlineKeyboardButton(t.gettext("✅ Send"), callback_data=callbacks.SEND_FEEDBACK.data())]
    if with_photo:
        row.insert(
            0,
            InlineKeyboardButton(t.gettext("📷 Add a photo"), callback_data=callbacks.FEEDBACK_PHOTO.data()),
        )
    return InlineKeyboardMarkup(
        [row, [InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.CANCEL_FEEDBACK.data())]]
    )


def too_long_text(t: Translator, length: int) -> str:
    return t.gettext(
        "That is {length} characters; feedback can be up to {limit}. Please shorten it and send it again."
    ).format(length=t.number(length), limit=t.number(feedback.MAX_TEXT))


def _recent_sends(context: CrmContext) -> list[datetime]:
    """The stranger's sends in the last day, skipping anything in user_data that is not a time."""
    assert context.user_data is not None
    stored = context.user_data.get(SENT)
    times: list[datetime] = []
    for value in stored if isinstance(stored, list) else []:
        try:
            times.append(datetime.fromisoformat(value))
        except (TypeError, ValueError):
            continue
    return feedback.recent(times, now=context.now())


async def start(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    stranger = context.me.effective_role is None
    dialogs.forget(context, DRAFT)
    t = context.t
    if stranger and len(_recent_sends(context)) >= feedback.STRANGER_DAILY:
        await update.message.reply_text(
            t.ngettext(
                "You have already sent {n} message to the team today. Please try again tomorrow.",
                "You have already sent {n} messages to the team today. Please try again tomorrow.",
                feedback.STRANGER_DAILY,
            ).format(n=feedback.STRANGER_DAILY)
        )
        return ConversationHandler.END
    dialogs.keep(context, FeedbackDraft())
    text = t.gettext(
        "What would you like to tell us? Write it in one message (up to {limit} characters). "
        "To show us something, send a photo with your text as its caption."
    ).format(limit=t.number(feedback.MAX_TEXT))
    if stranger:
        text += "\n\n" + t.gettext("If you would like an answer, please include how we can reach you.")
    cancel_only = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.CANCEL_FEEDBACK.data())]]
    )
    await update.message.reply_text(text, reply_markup=cancel_only)
    return WRITING


async def wrote(update: Update, context: CrmContext) -> object:
    """Text: with a photo already there it goes at once; otherwise offer to add one."""
    message = update.message
    assert message is not None
    assert message.text is not None
    if not message.text.strip():
        return await not_text(update, context)
    if not await _fits(message, context, message.text):
        return None
    with dialogs.editing(context, FeedbackDraft) as draft:
        draft.text = message.text.strip()
    if draft.photo:
        return await _submit(update, context)
    await message.reply_text(
        context.t.gettext("Got it. Would you like to add a photo, or send it as it is?"),
        reply_markup=_keyboard(context.t),
    )
    return READY


async def photographed(update: Update, context: CrmContext) -> object:
    """A photo: its caption is the text (added to text already written); without any text, ask."""
    message = update.message
    assert message is not None
    assert message.photo
    draft = dialogs.load(context, FeedbackDraft)
    caption = (message.caption or "").strip()
    text = "\n\n".join(part for part in (draft.text or "", caption) if part)
    if text and not await _fits(message, context, text):
        return None
    draft.photo = message.photo[-1].file_id
    if text:
        draft.text = text
    dialogs.keep(context, draft)
    if text:
        return await _submit(update, context)
    await message.reply_text(
        context.t.gettext("Thank you for the photo. Now tell us in a few words what it is about.")
    )
    return WRITING


async def wants_photo(update: Update, context: CrmContext) -> int:
    await dialogs.say(
        update, context.t.gettext("Send the photo now."), _keyboard(context.t, with_photo=False)
    )
    return PHOTO


async def send_now(update: Update, context: CrmContext) -> object:
    return await _submit(update, context)


async def _fits(message: Message, context: CrmContext, text: str) -> bool:
    try:
        feedback.check_text(text)
    except TooLong as exc:
        await message.reply_text(too_long_text(context.t, exc.length))
        return False
    return True


async def _submit(update: Update, context: CrmContext) -> int:
    """Store it and queue the pushes in one unit of work; then thank them."""
    user = update.effective_user
    assert user is not None
    draft = dialogs.load(context, FeedbackDraft)
    dialogs.forget(context, DRAFT)
    t = context.t
    async with context.work() as work:
        submitted = await feedback.submit(
            work.session,
            viewer=work.viewer,
            sender=Sender(telegram_id=user.id, name=user.full_name, username=user.username),
            text=draft.text or "",
            photo_file_id=draft.photo,
            now=work.now,
            routing_team_id=context.settings.feedback_team_id,
            client_ref=dialogs.message_ref(update),
        )
        await work.push(submitted.pushes)
    if submitted.route is Route.NOWHERE:
        return await dialogs.close_with(
            update, t.gettext("Sorry, nobody can receive feedback here yet. Please try again later.")
        )
    assert context.user_data is not None
    sent = [*_recent_sends(context), work.now]
    context.user_data[SENT] = [at.isoformat() for at in sent]
    if work.viewer.effective_role is None:
        thanks = t.gettext("Thank you! Your message was passed on to the team.")
    else:
        thanks = t.gettext("Thank you! Your feedback was passed on to your sales contact.")
    return await dialogs.close_with(update, thanks)


def register(application: Application) -> None:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    others = filters.UpdateType.MESSAGE & ~filters.COMMAND
    application.add_handler(
        dialogs.conversation(
            "feedback",
            entry_points=[CommandHandler("feedback", start)],
            states={
                WRITING: [
                    MessageHandler(text, wrote),
                    MessageHandler(filters.PHOTO, photographed),
                    MessageHandler(others, not_text),
                ],
                READY: [
                    CallbackQueryHandler(send_now, pattern=callbacks.SEND_FEEDBACK),
                    CallbackQueryHandler(wants_photo, pattern=callbacks.FEEDBACK_PHOTO),
                    MessageHandler(filters.PHOTO, photographed),
                    MessageHandler(others, dialogs.choose_with_buttons),
                ],
                PHOTO: [
                    CallbackQueryHandler(send_now, pattern=callbacks.SEND_FEEDBACK),
                    MessageHandler(filters.PHOTO, photographed),
                    MessageHandler(others, not_photo),
                ],
            },
            cancel=cancel,
            cancel_data=callbacks.CANCEL_FEEDBACK,
            timed_out=timed_out,
            timeout=TIMEOUT_SECONDS,
        )
    )
    for button in (callbacks.SEND_FEEDBACK, callbacks.FEEDBACK_PHOTO, callbacks.CANCEL_FEEDBACK):
        application.add_handler(CallbackQueryHandler(_stale, pattern=button))
    pushes.register(application)


async def _stale(update: Update, context: CrmContext) -> None:
    """A button from a feedback message whose dialog is over."""
    assert update.callback_query is not None
    await update.callback_query.answer(
        context.t.gettext("This feedback was already sent or cancelled. /feedback starts a new one."),
        show_alert=True,
    )
