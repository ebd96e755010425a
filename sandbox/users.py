"""What simulated users do: send messages, press buttons, query inline, block the bot.

Each action records what the user sees in the chat and queues the update Telegram would
send the bot. Kept free of HTTP so the control API and the web chat share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.errors import ApiError, ControlError
from sandbox.files import store_upload
from sandbox.html import to_html
from sandbox.markup import MAX_CALLBACK_DATA_BYTES, inline_buttons
from sandbox.normalize import normalize
from sandbox.params import Upload
from sandbox.records import ChatRecord, FileRecord, MessageRecord, UserRecord
from sandbox.state import BotState, CallbackQueryRecord, Clock, InlineQueryRecord, new_query_id
from sandbox.text import FormattedText
from sandbox.updates import UpdateRecord

MAX_USER_TEXT = 4096


@dataclass
class Content:
    """What a user puts in one message; exactly one of the kinds is set."""

    text: str | None = None
    location: dict[str, Any] | None = None
    contact: dict[str, Any] | None = None
    photo: Upload | None = None
    document: Upload | None = None
    caption: str | None = None
    # The file size Telegram should report for the photo or document (default: its real size).
    file_size: int | None = None


def define_user(bot: BotState, fields: dict[str, Any]) -> UserRecord:
    user_id = fields.get("id")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise ControlError("user id must be a positive integer")
    first_name = fields.get("first_name") or "Test"
    user = bot.users.get(user_id)
    if user is None:
        user = UserRecord(user_id, str(first_name))
        bot.users[user_id] = user
    user.first_name = str(first_name)
    user.last_name = fields.get("last_name") or None
    user.username = fields.get("username") or None
    user.language_code = fields.get("language_code") or None
    return user


def known_user(bot: BotState, user_id: Any) -> UserRecord:
    user = bot.users.get(user_id) if isinstance(user_id, int) else None
    if user is None:
        raise ControlError(f"unknown user {user_id!r}; define it with POST /users first", 404)
    return user


def chat_for(bot: BotState, user: UserRecord, chat_id: int, *, title: str | None = None) -> ChatRecord:
    if chat_id > 0:
        if chat_id != user.id:
            raise ControlError("a private chat's id is the user's id")
        return bot.chat_of_user(user)
    chat = bot.group_chat(chat_id, title)
    if chat.migrated_to is not None:
        raise ControlError(f"group was migrated to {chat.migrated_to}")
    return chat


def send_message(
    bot: BotState,
    clock: Clock,
    *,
    user: UserRecord,
    chat_id: int,
    content: Content,
    reply_to_message_id: int | None = None,
    chat_title: str | None = None,
) -> tuple[UpdateRecord, MessageRecord]:
    if user.blocked:
        raise ControlError("the user has blocked the bot; unblock first")
    chat = chat_for(bot, user, chat_id, title=chat_title)
    message = MessageRecord(
        message_id=0,
        chat=chat,
        sender=user,
        date=int(clock.now()),
        from_bot=False,
    )
    _fill(bot, message, content)
    if reply_to_message_id is not None:
        target = chat.by_id.get(reply_to_message_id)
        if target is None or target.deleted:
            raise ControlError(f"message {reply_to_message_id} not found in chat {chat.id}")
        message.reply_to = target
    message.message_id = chat.take_message_id()
    chat.add_message(message)
    return bot.updates.push("message", message.to_api()), message


def edit_message(
    bot: BotState, clock: Clock, *, user: UserRecord, chat_id: int, message_id: int, text: str
) -> tuple[UpdateRecord, MessageRecord]:
    """The user edits the text (or caption) of a message they sent: Telegram sends `edited_message`."""
    if user.blocked:
        raise ControlError("the user has blocked the bot; unblock first")
    chat = chat_for(bot, user, chat_id)
    message = chat.by_id.get(message_id)
    if message is None or message.deleted:
        raise ControlError(f"message {message_id} not found in chat {chat.id}", 404)
    if message.from_bot or message.sender.id != user.id:
        raise ControlError("a user can only edit their own messages")
    formatted = _user_text(text, allow_empty=False)
    if message.has_media:
        message.caption = formatted.text
        message.caption_entities = formatted.to_entities()
    elif message.text is not None:
        message.text = formatted.text
        message.entities = formatted.to_entities()
    else:
        raise ControlError("only a text message or a caption can be edited")
    message.html = to_html(formatted)
    message.edit_date = int(clock.now())
    message.edit_count += 1
    return bot.updates.push("edited_message", message.to_api()), message


def _fill(bot: BotState, message: MessageRecord, content: Content) -> None:
    kinds = [
        k for k in ("text", "location", "contact", "photo", "document") if getattr(content, k) is not None
    ]
    if len(kinds) != 1:
        raise ControlError("a message needs exactly one of text, location, contact, photo, document")
    if content.text is not None:
        formatted = _user_text(content.text, allow_empty=False)
        message.text = formatted.text
        message.entities = formatted.to_entities()
        message.html = to_html(formatted)
    elif content.location is not None:
        message.location = _location(content.location)
    elif content.contact is not None:
        message.contact = _contact(content.contact)
    elif content.photo is not None:
        message.photo = _stored(bot, content.photo, kind="photo")
    elif content.document is not None:
        message.document = _stored(bot, content.document, kind="document")
    for record in (message.photo, message.document):
        if record is not None and content.file_size is not None:
            record.reported_size = content.file_size
    if content.caption and message.has_media:
        caption = _user_text(content.caption, allow_empty=True)
        message.caption = caption.text or None
        message.caption_entities = caption.to_entities()
        message.html = to_html(caption) if caption.text else None


def _stored(bot: BotState, upload: Upload, *, kind: str) -> FileRecord:
    try:
        return store_upload(bot, upload, kind=kind, strict=False, trust_content_type=True)
    except ApiError as exc:
        raise ControlError(exc.description) from exc


def _user_text(text: str, *, allow_empty: bool) -> FormattedText:
    try:
        formatted = normalize(FormattedText(text), allow_empty=allow_empty)
    except ApiError as exc:
        raise ControlError("message text is empty") from exc
    if formatted.utf16_length > MAX_USER_TEXT:
        raise ControlError("message is too long")
    return formatted


def _location(value: dict[str, Any]) -> dict[str, Any]:
    try:
        location: dict[str, Any] = {
            "latitude": float(value["latitude"]),
            "longitude": float(value["longitude"]),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise ControlError("location needs numeric latitude and longitude") from exc
    if value.get("horizontal_accuracy") is not None:
        location["horizontal_accuracy"] = float(value["horizontal_accuracy"])
    if value.get("live_period") is not None:
        location["live_period"] = int(value["live_period"])
    return location


def _contact(value: dict[str, Any]) -> dict[str, Any]:
    if not value.get("phone_number") or not value.get("first_name"):
        raise ControlError("contact needs phone_number and first_name")
    contact: dict[str, Any] = {
        "phone_number": str(value["phone_number"]),
        "first_name": str(value["first_name"]),
    }
    for name in ("last_name", "vcard"):
        if value.get(name):
            contact[name] = str(value[name])
    if value.get("user_id") is not None:
        contact["user_id"] = int(value["user_id"])
    return contact


def press_button(
    bot: BotState,
    clock: Clock,
    *,
    user: UserRecord,
    chat_id: int,
    message_id: int,
    data: str,
    crafted: bool = False,
) -> tuple[UpdateRecord, CallbackQueryRecord]:
    """Press an inline button; `crafted` sends any data on the message, as a modified client can."""
    if user.blocked:
        raise ControlError("the user has blocked the bot; unblock first")
    chat = bot.chats.get(chat_id)
    message = chat.by_id.get(message_id) if chat is not None else None
    if chat is None or message is None or message.deleted:
        raise ControlError(f"message {message_id} not found in chat {chat_id}", 404)
    if not message.from_bot:
        raise ControlError("only bot messages have inline buttons")
    buttons = inline_buttons(message.reply_markup)
    if crafted:
        if not buttons:
            raise ControlError(f"message {message_id} has no inline keyboard")
        if not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise ControlError(f"callback data must be 1-{MAX_CALLBACK_DATA_BYTES} bytes")
    elif not any(button.get("callback_data") == data for button in buttons):
        raise ControlError(f"message {message_id} has no button with callback_data {data!r}")
    query = CallbackQueryRecord(
        id=new_query_id(),
        user=user,
        chat=chat,
        message_id=message_id,
        data=data,
        created_at=clock.now(),
        update_id=0,
    )
    payload = {
        "id": query.id,
        "from": user.to_api(),
        "message": message.to_api(),
        "chat_instance": chat.chat_instance,
        "data": data,
    }
    update = bot.updates.push("callback_query", payload)
    query.update_id = update.update_id
    bot.callback_queries[query.id] = query
    chat.record_event("callback_query", message, callback_query_id=query.id, update_id=update.update_id)
    return update, query


def send_inline_query(
    bot: BotState,
    clock: Clock,
    *,
    user: UserRecord,
    query: str,
    offset: str = "",
    chat_type: str | None = None,
) -> tuple[UpdateRecord, InlineQueryRecord]:
    record = InlineQueryRecord(
        id=new_query_id(), user=user, query=query, offset=offset, created_at=clock.now(), update_id=0
    )
    payload: dict[str, Any] = {"id": record.id, "from": user.to_api(), "query": query, "offset": offset}
    if chat_type:
        payload["chat_type"] = chat_type
    update = bot.updates.push("inline_query", payload)
    record.update_id = update.update_id
    bot.inline_queries[record.id] = record
    return update, record


def set_blocked(bot: BotState, clock: Clock, user: UserRecord, *, blocked: bool) -> UpdateRecord | None:
    """Blocking or unblocking changes the bot's membership: a my_chat_member update."""
    if user.blocked == blocked:
        return None
    user.blocked = blocked
    chat = bot.chats.get(user.id)
    if chat is None:
        return None
    member = {"user": bot.user.to_api(), "status": "member"}
    kicked = {"user": bot.user.to_api(), "status": "kicked", "until_date": 0}
    payload = {
        "chat": chat.to_api(),
        "from": user.to_api(),
        "date": int(clock.now()),
        "old_chat_member": member if blocked else kicked,
        "new_chat_member": kicked if blocked else member,
    }
    chat.record_event("blocked" if blocked else "unblocked")
    return bot.updates.push("my_chat_member", payload)


def migrate_group(bot: BotState, clock: Clock, chat: ChatRecord, new_chat_id: int) -> ChatRecord:
    """Upgrades a group to a supergroup: sends to the old id then fail with migrate_to_chat_id."""
    if chat.type != "group":
        raise ControlError("only basic groups can be migrated")
    if new_chat_id in bot.chats or new_chat_id > -1_000_000_000_000:
        raise ControlError("the new chat id must be an unused supergroup id (<= -1000000000000)")
    supergroup = bot.group_chat(new_chat_id, chat.title)
    chat.migrated_to = new_chat_id
    actor = next((m.sender for m in reversed(chat.messages) if not m.from_bot), bot.user)
    for source, service in (
        (chat, {"migrate_to_chat_id": new_chat_id}),
        (supergroup, {"migrate_from_chat_id": chat.id}),
    ):
        message = MessageRecord(
            message_id=source.take_message_id(),
            chat=source,
            sender=actor,
            date=int(clock.now()),
            from_bot=False,
            service=service,
        )
        source.add_message(message)
        bot.updates.push("message", message.to_api())
    return supergroup
