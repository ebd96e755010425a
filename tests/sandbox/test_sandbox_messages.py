"""What the bot sends, as PTB sees it and as the chat stores it, and Telegram's refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from sandbox import SandboxClient, SandboxServer, SandboxUser
from tests.support.sandbox_fixtures import Incoming, Pending


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"pick:{label}")] for label in labels]
    )


async def test_html_is_parsed_into_plain_text_and_entities(bot: Bot, ann: SandboxUser) -> None:
    sent = await bot.send_message(
        ann.id,
        '<b>Acme</b> · <i>due</i> <a href="https://crm.example.com/c/7">card</a> &lt;3 <code>A-7</code>',
        parse_mode=ParseMode.HTML,
    )

    assert sent.text == "Acme · due card <3 A-7"
    assert sent.entities == (
        MessageEntity(MessageEntity.BOLD, 0, 4),
        MessageEntity(MessageEntity.ITALIC, 7, 3),
        MessageEntity(MessageEntity.TEXT_LINK, 11, 4, url="https://crm.example.com/c/7"),
        MessageEntity(MessageEntity.CODE, 19, 3),
    )
    stored = await ann.last_message()
    assert stored.text == sent.text
    assert stored.html is not None
    assert stored.html.startswith("<b>Acme</b>")
    assert stored.entities[0] == {"offset": 0, "length": 4, "type": "bold"}


async def test_pre_with_language_and_spoiler(bot: Bot, ann: SandboxUser) -> None:
    sent = await bot.send_message(
        ann.id,
        '<pre><code class="language-python">print(1)</code></pre>\n<span class="tg-spoiler">x</span>',
        parse_mode=ParseMode.HTML,
    )

    assert sent.entities == (
        MessageEntity(MessageEntity.PRE, 0, 8, language="python"),
        MessageEntity(MessageEntity.SPOILER, 9, 1),
    )


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("Итого: <foo>12</foo>", 'unsupported start tag "foo" at byte offset 12'),
        ("Итого <b>12", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b>12</i>", 'unmatched end tag at byte offset 5, expected "</b>", found "</i>"'),
        ("1 < 2", 'unsupported start tag "" at byte offset 2'),
        ("a <b", "unclosed start tag at byte offset 2"),
    ],
)
async def test_bad_html_is_rejected_like_telegram(bot: Bot, ann: SandboxUser, html: str, error: str) -> None:
    with pytest.raises(BadRequest, match=r"^Can't parse entities: ") as caught:
        await bot.send_message(ann.id, html, parse_mode=ParseMode.HTML)

    assert error in caught.value.message.lower()


async def test_markdown_v2_and_its_reserved_characters(bot: Bot, ann: SandboxUser) -> None:
    sent = await bot.send_message(ann.id, r"*Total* 12\.50 _CNY_", parse_mode=ParseMode.MARKDOWN_V2)

    assert sent.text == "Total 12.50 CNY"
    assert sent.entities == (
        MessageEntity(MessageEntity.BOLD, 0, 5),
        MessageEntity(MessageEntity.ITALIC, 12, 3),
    )
    with pytest.raises(BadRequest, match="is reserved and must be escaped"):
        await bot.send_message(ann.id, "Total 12.50", parse_mode=ParseMode.MARKDOWN_V2)


async def test_text_limit_is_4096_utf16_code_units(bot: Bot, ann: SandboxUser) -> None:
    await bot.send_message(ann.id, "a" * 4096)
    await bot.send_message(ann.id, "📈" * 2048)
    await bot.send_message(ann.id, f"<b>{'a' * 4096}</b>", parse_mode=ParseMode.HTML)

    for too_long in ("a" * 4097, "📈" * 2048 + "a"):
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(ann.id, too_long)


async def test_empty_text_and_long_caption_are_refused(
    bot: Bot, ann: SandboxUser, make_png: Callable[[int, int], bytes]
) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ann.id, "  \n ")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ann.id, "<b></b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(ann.id, make_png(4, 4), caption="c" * 1025)


async def test_whitespace_is_trimmed_and_links_detected(bot: Bot, ann: SandboxUser) -> None:
    sent = await bot.send_message(ann.id, "\n  See https://example.com/a, or /help  \n")

    assert sent.text == "See https://example.com/a, or /help"
    assert sent.entities == (
        MessageEntity(MessageEntity.URL, 4, 21),
        MessageEntity(MessageEntity.BOT_COMMAND, 30, 5),
    )


async def test_callback_press_round_trip(bot: Bot, ann: SandboxUser, pending: Pending) -> None:
    sent = await bot.send_message(ann.id, "Which customer?", reply_markup=keyboard("Acme", "Globex"))

    update_id = await ann.press("Globex")
    (update,) = await pending()
    query = update.callback_query
    assert query is not None

    assert update.update_id == update_id
    assert query.data == "pick:Globex"
    assert query.to_dict()["message"]["message_id"] == sent.message_id
    assert query.from_user.id == ann.id
    assert await ann.callback_answer(update_id) is None
    assert await query.answer("Globex selected", show_alert=True)
    answer = await ann.callback_answer(update_id)
    assert answer is not None
    assert (answer["text"], answer["show_alert"]) == ("Globex selected", True)
    with pytest.raises(BadRequest, match="Query is too old"):
        await query.answer()


async def test_old_or_unknown_callback_queries_cannot_be_answered(
    bot: Bot, server: SandboxServer, ann: SandboxUser, pending: Pending
) -> None:
    await bot.send_message(ann.id, "Pick", reply_markup=keyboard("Acme"))
    await ann.press("Acme")
    (update,) = await pending()
    assert update.callback_query is not None

    server.advance_time(15 * 60 + 1)

    with pytest.raises(BadRequest, match="query id is invalid"):
        await update.callback_query.answer()
    with pytest.raises(BadRequest, match="query id is invalid"):
        await bot.answer_callback_query("12345")


async def test_press_reports_the_labels_it_can_see(bot: Bot, ann: SandboxUser) -> None:
    await bot.send_message(ann.id, "Pick", reply_markup=keyboard("Acme", "Globex"))

    with pytest.raises(LookupError, match=r"'Initech'.*\[\['Acme'\], \['Globex'\]\]"):
        await ann.press("Initech")
    assert (await ann.last_message()).button_data("Acme") == "pick:Acme"


async def test_keyboard_validation(bot: Bot, ann: SandboxUser) -> None:
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(ann.id, "x", reply_markup=keyboard("a" * 70))
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed in the inline keyboard"):
        await bot.send_message(
            ann.id, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Nothing")]])
        )


async def test_reply_keyboards_are_stored_but_not_echoed(bot: Bot, ann: SandboxUser) -> None:
    markup = ReplyKeyboardMarkup(
        [["Visits", "Orders"], [KeyboardButton("Share location", request_location=True)]]
    )
    sent = await bot.send_message(ann.id, "Menu", reply_markup=markup)

    assert sent.reply_markup is None
    assert (await ann.last_message()).keyboard() == [["Visits", "Orders"], ["Share location"]]
    await bot.send_message(ann.id, "Bye", reply_markup=ReplyKeyboardRemove())
    await bot.send_message(ann.id, "Name?", reply_markup=ForceReply(input_field_placeholder="Acme Ltd"))
    assert (await ann.last_message()).reply_markup == {
        "force_reply": True,
        "input_field_placeholder": "Acme Ltd",
    }


async def test_edits_keep_history_and_refuse_no_op_edits(bot: Bot, ann: SandboxUser) -> None:
    sent = await bot.send_message(ann.id, "Draft", reply_markup=keyboard("Save"))

    await sent.edit_text("<b>Saved</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard("Undo"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "Saved",
            ann.id,
            sent.message_id,
            entities=[MessageEntity("bold", 0, 5)],
            reply_markup=keyboard("Undo"),
        )
    edited = await bot.edit_message_reply_markup(ann.id, sent.message_id)

    assert isinstance(edited, Message)
    assert edited.reply_markup is None
    (stored,) = await ann.bot_messages()
    assert stored.text == "Saved"
    assert stored.edited
    assert stored.edit_count == 2
    assert stored.buttons() == []


async def test_edit_and_delete_of_unknown_messages(bot: Bot, ann: SandboxUser) -> None:
    sent = await bot.send_message(ann.id, "Temporary")
    assert await sent.delete()

    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("Changed", ann.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ann.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("Changed", ann.id, 999)
    assert (await ann.bot_messages())[0].deleted


async def test_chat_not_found_and_unstarted_users(bot: Bot, client: SandboxClient) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(555, "Hello?")

    await client.user(556)
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(556, "Hello?")


async def test_blocked_user_raises_forbidden_until_unblocked(
    bot: Bot, ann: SandboxUser, pending: Pending
) -> None:
    await ann.block()

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ann.id, "Reminder")
    (update,) = await pending()
    assert update.to_dict()["my_chat_member"]["new_chat_member"]["status"] == "kicked"

    await ann.unblock()
    await bot.send_message(ann.id, "Welcome back")


async def test_commands_are_kept_per_scope_and_language(
    bot: Bot, client: SandboxClient, ann: SandboxUser
) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("start", "开始")], language_code="zh")
    await bot.set_my_commands([BotCommand("visit", "Log a visit")], scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands([BotCommand("digest", "Digest")], scope=BotCommandScopeChat(ann.id))

    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="zh")] == ["开始"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(ann.id))] == ["digest"]
    assert await client.commands(scope={"type": "chat", "chat_id": ann.id}) == [
        {"command": "digest", "description": "Digest"}
    ]
    assert await client.commands(language_code="de") == []
    assert [c["command"] for c in await ann.visible_commands()] == ["digest"]
    calls = await client.calls("setMyCommands")
    assert [call["params"].get("language_code") for call in calls] == [None, "zh", None, None]

    await bot.delete_my_commands(scope=BotCommandScopeChat(ann.id))
    assert [c["command"] for c in await ann.visible_commands()] == ["visit"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Visit", "Log a visit")])


async def test_document_upload_then_download_returns_the_same_bytes(bot: Bot, ann: SandboxUser) -> None:
    data = b"%PDF-1.4 weekly report\n" + bytes(range(256))

    sent = await bot.send_document(ann.id, data, filename="report.pdf", caption="Week 47")
    document = sent.document
    assert document is not None
    file = await bot.get_file(document.file_id)

    assert (document.file_name, document.mime_type, sent.caption) == (
        "report.pdf",
        "application/pdf",
        "Week 47",
    )
    assert bytes(await file.download_as_bytearray()) == data
    assert await ann.download(document.file_id) == data
    resent = await bot.send_document(ann.id, document.file_id)
    assert resent.to_dict()["document"]["file_unique_id"] == document.file_unique_id


async def test_user_photo_can_be_downloaded_by_the_bot(
    bot: Bot, ann: SandboxUser, incoming: Incoming, make_png: Callable[[int, int], bytes]
) -> None:
    image = make_png(64, 48)
    await ann.send_photo(image, caption="Shelf at Acme")

    (message,) = await incoming()
    photo = message.photo[-1]
    file = await photo.get_file()

    assert (photo.width, photo.height) == (64, 48)
    assert message.caption == "Shelf at Acme"
    assert bytes(await file.download_as_bytearray()) == image


async def test_bot_photo_must_be_an_image(
    bot: Bot, ann: SandboxUser, make_png: Callable[[int, int], bytes]
) -> None:
    sent = await bot.send_photo(ann.id, make_png(10, 20))
    assert (sent.photo[-1].width, sent.photo[-1].height) == (10, 20)

    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(ann.id, b"not an image")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(ann.id, "no-such-file-id")


async def test_user_document_and_bot_location(bot: Bot, ann: SandboxUser, incoming: Incoming) -> None:
    await ann.send_document(b"a,b\n1,2\n", filename="orders.csv", mime_type="text/csv")
    (message,) = await incoming()
    document = message.to_dict()["document"]
    assert (document["file_name"], document["mime_type"]) == ("orders.csv", "text/csv")

    sent = await bot.send_location(ann.id, latitude=31.23, longitude=121.47)
    assert sent.to_dict()["location"] == {"latitude": 31.23, "longitude": 121.47}
    assert (await ann.last_message()).location == {"latitude": 31.23, "longitude": 121.47}


async def test_whole_history_in_order(bot: Bot, ann: SandboxUser) -> None:
    await bot.send_chat_action(ann.id, "typing")
    await bot.send_message(ann.id, "Hi Ann")
    await ann.send("Hi bot")

    history = await ann.messages()

    assert [(m.from_bot, m.text) for m in history] == [(False, "/start"), (True, "Hi Ann"), (False, "Hi bot")]
    assert [m.message_id for m in history] == [1, 2, 3]


async def test_wait_reply_returns_the_next_bot_message(bot: Bot, ann: SandboxUser) -> None:
    await ann.send("ping")
    await bot.send_message(ann.id, "pong")

    reply = await ann.wait_reply(timeout=1)

    assert reply.text == "pong"
    with pytest.raises(TimeoutError):
        await ann.wait_reply(timeout=0.05)


async def test_inline_query_round_trip(bot: Bot, client: SandboxClient, pending: Pending) -> None:
    user = await client.user(1002, first_name="Bo")
    update_id = await user.inline_query("acm")
    (update,) = await pending()
    query = update.inline_query
    assert query is not None

    await query.answer([], cache_time=0, is_personal=True)

    assert query.query == "acm"
    answer = await user.inline_answer(update_id)
    assert answer is not None
    assert answer["is_personal"] is True
