"""The guard that runs before every handler (group −1): who is this, and may they do this?"""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop

from bot.context import CrmContext
from bot.domain.roles import Role
from bot.services import users
from handlers import menu
from handlers.common import deactivated_text, stranger_text, unknown_command_text
from storage.db import utcnow

CALLBACK_ROLES: dict[str, tuple[Role | None, ...]] = {
    "lang": menu.EVERYONE,
    "inv": (Role.ADMIN, Role.MANAGER),
    "team": (Role.ADMIN,),
    "cust": (*menu.FIELD, Role.ADMIN),
    "find": menu.FIELD,
    "new": menu.FIELD,
    "visit": menu.FIELD,
    "order": menu.FIELD,
    "rem": menu.FIELD,
    "today": menu.FIELD,
    "dig": menu.MANAGEMENT,
    "risk": menu.FIELD,
    "box": (Role.ADMIN,),
}


def command_of(update: Update) -> str | None:
    """The command a message starts with, without the slash or the @botname suffix."""
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    word = message.text.split(maxsplit=1)[0][1:]
    return word.split("@", 1)[0].lower()


async def guard(update: Update, context: CrmContext) -> None:
    """Resolve the user into `context.viewer`; stop updates their role may not send."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or user.is_bot or chat is None:
        raise ApplicationHandlerStop
    if chat.type != Chat.PRIVATE:
        await _refuse_group(update, context)
    async with context.db.begin() as session:
        viewer = await users.resolve(
            session,
            users.Identity(
                telegram_id=user.id,
                chat_id=chat.id,
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
                language_code=user.language_code,
            ),
            default_locale=context.settings.default_locale,
            default_timezone=context.settings.timezone,
            now=utcnow(),
        )
    context.set_viewer(viewer)
    role = viewer.effective_role

    command = command_of(update)
    if command is not None:
        if command == "start" or menu.allowed(command, role):
            return
        await _explain(update, context, known=command in menu.BY_NAME)
        raise ApplicationHandlerStop

    query = update.callback_query
    if query is not None:
        prefix = (query.data or "").split(":", 1)[0]
        if role not in CALLBACK_ROLES.get(prefix, ()):
            await query.answer(context.t.gettext("This button is not available to you."), show_alert=True)
            raise ApplicationHandlerStop
        return

    if role is None:
        await _explain(update, context, known=False)
        raise ApplicationHandlerStop


async def _explain(update: Update, context: CrmContext, *, known: bool) -> None:
    viewer = context.viewer
    assert viewer is not None
    assert update.effective_message is not None
    if not viewer.is_active and viewer.role is not None:
        text = deactivated_text(context.t)
    elif viewer.role is None:
        text = stranger_text(context.t)
    elif known:
        text = context.t.gettext("That command is not part of your role. /help lists what you can do.")
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
