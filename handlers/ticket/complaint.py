"""/complaint for customers: a category, a description, an optional photo (before or after the
words), and a number to quote.

The ticket goes to the customer's rep (or the managers) with its card; the customer keeps the
number and can add to the complaint by writing to the bot.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
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
from bot.services import tickets
from bot.services.errors import ServiceError
from bot.services.tickets import CATEGORIES, MAX_DESCRIPTION, NotLinked
from handlers.common import dialogs
from handlers.common.labels import label
from handlers.ticket import callbacks
from handlers.ticket.render import CATEGORY_LABELS, number_text
from handlers.ticket.tickets import refusal

CATEGORY, DESCRIPTION, PHOTO = range(3)
DRAFT = "complaint"
TIMEOUT_SECONDS = 30 * 60


class ComplaintDraft(dialogs.Draft):
    """What the customer chose and wrote so far."""

    KEY = DRAFT
    category: str | None = None
    description: str | None = None
    photo: str | None = None


def _categories(t: Translator) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            label(t, CATEGORY_LABELS, name),
            callback_data=callbacks.COMPLAINT_CATEGORY.data(category=name),
        )
        for name in CATEGORIES
    ]
    return InlineKeyboardMarkup(
        [
            buttons[:2],
            buttons[2:4],
            buttons[4:],
            [InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.CANCEL_COMPLAINT.data())],
        ]
    )


def _skip(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t.gettext("Skip"), callback_data=callbacks.SKIP_COMPLAINT_PHOTO.data())]]
    )


async def start(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    try:
        async with context.work() as work:
            await tickets.own_customer(work.session, viewer=work.viewer)
    except NotLinked as error:
        await update.message.reply_text(refusal(t, error))
        return ConversationHandler.END
    dialogs.keep(context, ComplaintDraft())
    await update.message.reply_text(
        t.gettext("We are sorry something went wrong. What is your complaint about?"),
        reply_markup=_categories(t),
    )
    return CATEGORY


async def category_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    category = callbacks.COMPLAINT_CATEGORY.parse(query.data)["category"]
    with dialogs.editing(context, ComplaintDraft) as draft:
        draft.category = category
    t = context.t
    await dialogs.say(
        update,
        t.gettext(
            "{category}: please describe what happened in one message (up to {limit} characters)."
        ).format(
            category=label(t, CATEGORY_LABELS, category),
            limit=t.number(MAX_DESCRIPTION),
        ),
    )
    return DESCRIPTION


def _too_long(t: Translator, length: int) -> str:
    return t.gettext(
        "That description is {length} characters long; please keep it within {limit} and send it again."
    ).format(length=t.number(length), limit=t.number(MAX_DESCRIPTION))


async def described(update: Update, context: CrmContext) -> int | None:
    message = update.message
    assert message is not None
    t = context.t
    text = await dialogs.typed_text(
        message,
        t,
        limit=MAX_DESCRIPTION,
        empty=N_("Please describe the problem in words, or send /cancel."),
        too_long=_too_long,
    )
    if text is None:
        return None
    with dialogs.editing(context, ComplaintDraft) as draft:
        draft.description = text
    if draft.photo is not None:
        return await _file(update, context, photo_file_id=draft.photo)
    await message.reply_text(
        t.gettext("Thank you. If a photo would help, send it now; otherwise press Skip."),
        reply_markup=_skip(t),
    )
    return PHOTO


async def photo_first(update: Update, context: CrmContext) -> int | None:
    """A photo before the words: it joins the complaint; its caption is the description, or the
    words are asked for next."""
    message = update.message
    assert message is not None
    t = context.t
    caption = (message.caption or "").strip()
    if len(caption) > MAX_DESCRIPTION:
        await message.reply_text(_too_long(t, len(caption)))
        return None
    with dialogs.editing(context, ComplaintDraft) as draft:
        draft.photo = message.photo[-1].file_id
        draft.description = caption or None
    if caption:
        return await _file(update, context, photo_file_id=draft.photo)
    await message.reply_text(
        t.gettext(
            "📷 Photo added to your complaint. Now please describe what happened in one message "
            "(up to {limit} characters)."
        ).format(limit=t.number(MAX_DESCRIPTION))
    )
    return DESCRIPTION


async def photo_sent(update: Update, context: CrmContext) -> int:
    message = update.message
    assert message is not None
    return await _file(update, context, photo_file_id=message.photo[-1].file_id)


async def photo_skipped(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _file(update, context, photo_file_id=None)


async def _file(update: Update, context: CrmContext, *, photo_file_id: str | None) -> int:
    """Open the ticket in one unit of work and give the customer its number."""
    t = context.t
    draft = dialogs.load(context, ComplaintDraft)
    dialogs.forget(context, DRAFT)
    category, description = draft.category, draft.description
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    if category is None or description is None:
        await context.bot.send_message(
            chat_id, t.gettext("This complaint was put aside. Please start again with /complaint.")
        )
        return ConversationHandler.END
    try:
        async with context.work() as work:
            customer = await tickets.own_customer(work.session, viewer=work.viewer)
            opened = await tickets.open_ticket(
                work.session,
                customer=customer,
                category=category,
                description=description,
                now=work.now,
                opened_by_id=work.viewer.user_id,
                photo_file_id=photo_file_id,
                client_ref=dialogs.message_ref(update),
            )
            await work.push(opened.pushes)
            number = opened.ticket.number
    except ServiceError as error:
        await context.bot.send_message(chat_id, refusal(t, error))
        return ConversationHandler.END
    await context.bot.send_message(
        chat_id,
        t.gettext(
            "✅ Your complaint is registered as {ticket}. Please quote this number if you contact us. "
            "We will get back to you here; to add something, just write to me. /tickets shows its status."
        ).format(ticket=number_text(t, number)),
    )
    return ConversationHandler.END


def _timeout_text(t: Translator) -> str:
    return t.gettext("Your unfinished complaint was put aside. /complaint starts again.")


cancel = dialogs.canceller(N_("Cancelled. No complaint was filed."), DRAFT)
words_only = dialogs.nudge(N_("Please describe the problem in words, or send /cancel."), DESCRIPTION)
photo_or_skip = dialogs.nudge(N_("Please send a photo, or press Skip."), PHOTO, markup=lambda t: _skip(t))


def register(application: Application) -> None:  # type: ignore[type-arg]
    message = filters.UpdateType.MESSAGE & ~filters.COMMAND
    application.add_handler(
        dialogs.conversation(
            DRAFT,
            entry_points=[CommandHandler("complaint", start)],
            states={
                CATEGORY: [
                    CallbackQueryHandler(category_picked, pattern=callbacks.COMPLAINT_CATEGORY),
                    MessageHandler(message, dialogs.choose_with_buttons),
                ],
                DESCRIPTION: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, described),
                    MessageHandler(filters.PHOTO, photo_first),
                    MessageHandler(message, words_only),
                ],
                PHOTO: [
                    MessageHandler(filters.PHOTO, photo_sent),
                    CallbackQueryHandler(photo_skipped, pattern=callbacks.SKIP_COMPLAINT_PHOTO),
                    MessageHandler(message, photo_or_skip),
                ],
            },
            cancel=cancel,
            cancel_data=callbacks.CANCEL_COMPLAINT,
            timed_out=dialogs.timeout_note(_timeout_text, DRAFT),
            timeout=TIMEOUT_SECONDS,
        )
    )
