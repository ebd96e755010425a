"""The guard that runs before every handler (group −1): who is this, and may they do this?"""

from __future__ import annotations

import math
from enum import Enum

from telegram import Chat, Message, ReplyParameters, Update, User
from telegram.ext import ApplicationHandlerStop

from bot.domain.viewer import Viewer
from bot.i18n import Translator
from bot.runtime import ratelimit
from bot.runtime.context import CrmContext
from bot.services import users
from handlers.common import dialogs, errors, menu, refusals
from handlers.common.buttons import StaleButton, button_index
from handlers.common.texts import deactivated_text, stale_button_text, stranger_text, unknown_command_text

# Our own limit for one typed message, a little under Telegram's 4,096 (captions stop at 1,024).
MAX_TEXT_CHARS = 4000
MEGABYTE = 1024 * 1024


def command_of(update: Update) -> str | None:
    """The command a message starts with, without the slash or the @botname suffix."""
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    word = message.text.split(maxsplit=1)[0][1:]
    return word.split("@", 1)[0].lower()


class Kind(Enum):
    """What an update is to the guard; each kind has one policy, decided here and nowhere else."""

    MESSAGE = "message"  # a new message in a chat: commands, dialog answers, files, search text
    EDIT = "edit"  # an edited message: never acted on; the sender is told to send it again
    LIVE_LOCATION = "live_location"  # a live location moving: an edit no person made, ignored
    PRESS = "press"  # an inline button: the data must parse as a declared button of the viewer's role
    INLINE = "inline"  # @bot lookups typed in any chat; handlers/inline/lookup.py answers by role
    OTHER = "other"  # channel posts, business messages, member changes, polls...: nobody to answer


def kind_of(update: Update) -> Kind:
    if update.message is not None:
        return Kind.MESSAGE
    if update.edited_message is not None:
        return Kind.LIVE_LOCATION if update.edited_message.location is not None else Kind.EDIT
    if update.callback_query is not None:
        return Kind.PRESS
    if update.inline_query is not None:
        return Kind.INLINE
    return Kind.OTHER


async def guard(update: Update, context: CrmContext) -> None:
    """Decide, once per update, whether any feature handler may run for it, and for whom.

    Every path that does not end in `return` ends in ApplicationHandlerStop, so a feature handler
    only ever sees a new message, a parsed press or an inline query from a resolved viewer.
    """
    kind = kind_of(update)
    user, chat = update.effective_user, update.effective_chat
    if kind in (Kind.OTHER, Kind.LIVE_LOCATION) or user is None or user.is_bot:
        raise ApplicationHandlerStop
    if chat is None and kind is not Kind.INLINE:
        # A press on a message sent through inline mode: no chat of ours, nothing to act on.
        if update.callback_query is not None:
            await update.callback_query.answer(
                stale_button_text(context.app.app_language_translator(user.language_code)), show_alert=True
            )
        raise ApplicationHandlerStop
    if not await _within_rate(update, context, user):
        raise ApplicationHandlerStop
    if chat is not None and chat.type != Chat.PRIVATE:
        await _refuse_group(update, context)
    viewer = await _resolve(update, context, user, chat)
    context.set_viewer(viewer)
    if kind is Kind.INLINE:
        return
    if kind is Kind.EDIT:
        assert update.edited_message is not None
        edited = update.edited_message
        await edited.reply_text(
            context.t.gettext("Edited messages are not read. Please send the new text as a new message."),
            # Quoted, so the person sees which edit is meant; sent anyway if that message is gone.
            reply_parameters=ReplyParameters(edited.message_id, allow_sending_without_reply=True),
        )
        raise ApplicationHandlerStop
    if kind is Kind.PRESS:
        await _check_press(update, context)
        return
    if await _refused_as_oversized(update, context.t, max_mb=context.settings.max_upload_mb):
        raise ApplicationHandlerStop
    role = viewer.effective_role
    command = command_of(update)
    if command is not None:
        commands = menu.command_table(context.application)
        if command == "start" or commands.allowed(command, role):
            return
        await _explain(update, context, known=commands.knows(command))
        raise ApplicationHandlerStop
    if role is None and not dialogs.in_dialog_open_to_strangers(context.user_data):
        await _explain(update, context, known=False)
        raise ApplicationHandlerStop


async def _resolve(update: Update, context: CrmContext, user: User, chat: Chat | None) -> Viewer:
    try:
        async with context.db.begin() as session:
            return await users.resolve(
                session,
                users.Identity(
                    telegram_id=user.id,
                    chat_id=chat.id if chat is not None else None,
                    first_name=user.first_name,
                    last_name=user.last_name,
                    username=user.username,
                    language_code=user.language_code,
                ),
                default_locale=context.settings.default_locale,
                default_timezone=context.settings.timezone,
                now=context.now(),
            )
    except Exception as error:
        # PTB would go on to the feature handlers, which need a viewer: report once and stop here.
        await errors.report(update, context, error)
        raise ApplicationHandlerStop from error


async def _check_press(update: Update, context: CrmContext) -> None:
    """Only a declared button, well formed, of the viewer's role, reaches a feature handler."""
    query = update.callback_query
    assert query is not None
    try:
        button, _ = button_index(context.application).find(query.data)
    except StaleButton:
        await query.answer(stale_button_text(context.t), show_alert=True)
        raise ApplicationHandlerStop from None
    if context.me.effective_role not in button.roles:
        await query.answer(context.t.gettext("This button is not available to you."), show_alert=True)
        raise ApplicationHandlerStop


async def _within_rate(update: Update, context: CrmContext, user: User) -> bool:
    """Did the rate limiter admit this update? If not, nothing of it runs, and the person is told.

    In polling mode the ordered processor admitted the update as it arrived and has already waited
    for its token (bot/chat_order.py); the webhook inbox, one update at a time for everyone, cannot
    wait for one person, so its updates are admitted here with the same counts and no wait.
    A refused press is answered; the first refused message of a refusal window gets a line naming
    the window, so every message left unprocessed was announced. Runs before the user is looked up,
    so the words follow the Telegram app's language.
    """
    limiter = ratelimit.limiter_of(context.app)
    admission = ratelimit.current_admission() or limiter.admit(user.id)
    if not admission.refused:
        return True
    t = context.app.app_language_translator(user.language_code)
    seconds = limiter.seconds_left(admission)
    if update.callback_query is not None:
        await update.callback_query.answer(
            t.ngettext(
                "Not done: you're pressing faster than I can keep up with. "
                "Please press again in {seconds} second.",
                "Not done: you're pressing faster than I can keep up with. "
                "Please press again in {seconds} seconds.",
                seconds,
            ).format(seconds=seconds),
            show_alert=True,
        )
    elif update.effective_message is not None and limiter.first_to_tell(user.id, admission):
        await update.effective_message.reply_text(
            t.ngettext(
                "You're sending faster than I can keep up with, so I did not process this message or "
                "anything you send in the next {seconds} second. Please send it again after that.",
                "You're sending faster than I can keep up with, so I did not process this message or "
                "anything you send in the next {seconds} seconds. Please send it again after that.",
                seconds,
            ).format(seconds=seconds),
            do_quote=True,
        )
    return False


async def _refused_as_oversized(update: Update, t: Translator, *, max_mb: int) -> bool:
    """Refuse a file over `max_mb` or a text over our limit, stating the limit; nothing is read or kept."""
    message = update.effective_message
    if message is None or update.callback_query is not None:
        return False
    size = _attachment_size(message)
    if size is not None and size > max_mb * MEGABYTE:
        # Rounded up, so a file just over the limit never reads as exactly the limit.
        shown = math.ceil(size * 10 / MEGABYTE) / 10
        await message.reply_text(
            t.gettext("That file is {size} MB; the limit is {limit} MB.").format(
                size=t.number(shown), limit=t.number(max_mb)
            )
        )
        return True
    if message.text is not None and len(message.text) > MAX_TEXT_CHARS:
        await message.reply_text(
            t.gettext("That message is {length} characters long; the limit is {limit}.").format(
                length=t.number(len(message.text)), limit=t.number(MAX_TEXT_CHARS)
            )
        )
        return True
    return False


def _attachment_size(message: Message) -> int | None:
    """The size Telegram reports for the message's file, if it has one (the largest photo size)."""
    if message.photo:
        return max((size.file_size or 0) for size in message.photo)
    for attachment in (
        message.document,
        message.video,
        message.voice,
        message.audio,
        message.video_note,
        message.animation,
    ):
        if attachment is not None:
            return attachment.file_size
    return None


async def _explain(update: Update, context: CrmContext, *, known: bool) -> None:
    viewer = context.viewer
    assert viewer is not None
    assert update.effective_message is not None
    if not viewer.is_active and viewer.role is not None:
        text = deactivated_text(context.t)
    elif viewer.role is None:
        text = stranger_text(context.t)
    elif known:
        text = refusals.command_refusal(context.t, command_of(update) or "", viewer.role)
    else:
        text = unknown_command_text(context.t)
    await update.effective_message.reply_text(text)


async def _refuse_group(update: Update, context: CrmContext) -> None:
    """FieldCRM holds customer data: it only talks in private chats."""
    if command_of(update) is not None and update.effective_message is not None:
        await update.effective_message.reply_text(
            context.t.gettext("Please talk to me in a private chat: customer data stays out of groups.")
        )
    raise ApplicationHandlerStop
