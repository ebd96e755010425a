"""/feedback from a linked customer (to their owner) and from a stranger (to the team's managers).

The jobs' clock is frozen and the outbox sender is called directly, a few paced seconds apart.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.runtime.jobs import background
from sandbox import SandboxServer
from sandbox.factories import MANAGER_TG, REP_TG, fetch, person, sales_team
from sandbox.harness import Harness, running_bot, settings_for
from storage.models import Feedback, Team, User
from tests.support.feedback import NOW, PHOTO, STRANGER_TG, deliver, linked_customer, send_photo


def frozen(bot: Harness) -> None:
    background(bot.app).clock = lambda: NOW


async def test_a_customer_writes_feedback_and_the_owner_reads_it_with_a_card_button(bot: Harness) -> None:
    frozen(bot)
    team = await sales_team(bot)
    lotus, guest = await linked_customer(bot, team)
    rep = await person(bot, REP_TG)

    prompt = await guest.send("/feedback")
    assert prompt.text.startswith("What would you like to tell us? Write it in one message (up to 2,000")
    assert "include how we can reach you" not in prompt.text
    offered = await guest.send("The <b>tea</b> & cups were late again")
    assert offered.text == "Got it. Would you like to add a photo, or send it as it is?"
    assert offered.buttons() == [["📷 Add a photo", "✅ Send"], ["Cancel"]]
    thanks = await guest.press("✅ Send")

    assert thanks.text == "Thank you! Your feedback was passed on to your sales contact."
    (stored,) = await fetch(bot, Feedback)
    assert (stored.kind, stored.customer_id, stored.rep_id, stored.team_id) == (
        "text",
        lotus,
        team.rep_id,
        team.team_id,
    )
    assert (stored.comment, stored.photo_file_id) == ("The <b>tea</b> & cups were late again", None)

    await deliver(bot)
    told = (await rep.replies())[-1]
    assert told.text == "💬 Feedback from Lotus Tea House:\n\nThe <b>tea</b> & cups were late again"
    assert told.buttons() == [["Open card"]]
    card = await rep.press("Open card")
    assert card.text.startswith("Lotus Tea House")
    assert not [m for m in await guest.replies() if "Feedback from" in m.text]


async def test_a_chinese_customer_sends_a_photo_with_a_caption_and_the_owner_gets_both(bot: Harness) -> None:
    frozen(bot)
    team = await sales_team(bot, rep_locale="zh_Hans")
    lotus, guest = await linked_customer(bot, team, chinese=True)
    rep = await person(bot, REP_TG, chinese=True)

    prompt = await guest.send("/feedback")
    assert prompt.text.startswith("您想告诉我们什么？")
    thanks = await send_photo(guest, "货架坏了")

    assert thanks.text == "谢谢您！您的反馈已转给您的专属销售。"
    (stored,) = await fetch(bot, Feedback, customer_id=lotus)
    assert stored.comment == "货架坏了"
    assert stored.photo_file_id is not None

    await deliver(bot)
    text, photo = (await rep.replies())[-2:]
    assert text.text == "💬 来自Lotus Tea House的反馈：\n\n货架坏了"
    assert text.buttons() == [["打开客户卡片"]]
    assert photo.message.photo
    assert photo.text == "📷 Lotus Tea House随反馈发来的照片。"
    sent = await bot.client.calls("sendPhoto")
    assert sent[-1]["params"]["photo"] == stored.photo_file_id
    assert await bot.client.download(photo.message.photo[-1]["file_id"]) == PHOTO


async def test_text_first_then_add_a_photo_or_a_photo_first_then_words(bot: Harness) -> None:
    frozen(bot)
    team = await sales_team(bot)
    lotus, guest = await linked_customer(bot, team)

    await guest.send("/feedback")
    await guest.send("Shelf label is wrong")
    asked = await guest.press("📷 Add a photo")
    assert asked.text == "Send the photo now."
    nudged = await guest.send("here it comes")
    assert nudged.text == "Please send a photo, or press Send to send your feedback without one."
    done = await send_photo(guest)
    assert done.text == "Thank you! Your feedback was passed on to your sales contact."

    await guest.send("/feedback")
    asked_words = await send_photo(guest)
    assert asked_words.text == "Thank you for the photo. Now tell us in a few words what it is about."
    await guest.send("Broken display")

    first, second = await fetch(bot, Feedback, customer_id=lotus)
    assert first.comment == "Shelf label is wrong"
    assert second.comment == "Broken display"
    assert first.photo_file_id is not None
    assert second.photo_file_id is not None


async def test_over_long_and_non_text_feedback_is_refused_and_nothing_is_saved(bot: Harness) -> None:
    team = await sales_team(bot)
    _, guest = await linked_customer(bot, team)

    await guest.send("/feedback")
    refused = await guest.send("x" * 2001)
    assert refused.text == (
        "That is 2,001 characters; feedback can be up to 2,000. Please shorten it and send it again."
    )
    await guest._settle(await guest.account.send_location(31.2, 121.4))
    hint = await guest.last_message()
    assert hint.text.startswith("Please write your feedback as a text message (a photo with a caption")
    assert await fetch(bot, Feedback) == []

    offered = await guest.send("x" * 2000)
    assert offered.text.startswith("Got it.")
    cancelled = await guest.press("Cancel")
    assert cancelled.text == "Cancelled. Nothing was sent."
    assert await fetch(bot, Feedback) == []
    after = await guest.send("hello?")
    assert "Feedback" not in after.text


async def test_a_chinese_customer_is_told_the_limit_in_chinese(bot: Harness) -> None:
    team = await sales_team(bot)
    _, guest = await linked_customer(bot, team, chinese=True)

    await guest.send("/feedback")
    refused = await guest.send("长" * 2001)
    assert refused.text == "内容共2,001个字，反馈最多2,000个字。请删减后重新发送。"
    await guest.send("再" * 1000)
    asked = await guest.press("📷 添加照片")
    assert asked.text == "现在请发送照片。"
    caption_too = await send_photo(guest, "长" * 1001)

    assert caption_too.text == "内容共2,003个字，反馈最多2,000个字。请删减后重新发送。"
    assert await fetch(bot, Feedback) == []


async def test_a_stranger_leaves_feedback_for_the_managers(bot: Harness) -> None:
    frozen(bot)
    team = await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    rep = await person(bot, REP_TG)
    stranger = await bot.person(STRANGER_TG, "Zhao Lin", username="zhao_buyer")

    assert "feedback" in [c["command"] for c in await bot.client.commands(scope={"type": "default"})]
    refused = await stranger.send("hello")
    assert refused.text.startswith("Hello! I am FieldCRM")
    prompt = await stranger.send("/feedback")
    assert prompt.text.endswith("If you would like an answer, please include how we can reach you.")
    await stranger.send("I'd like a distributor near Pudong <please>. Call 138 0000 0000")
    thanks = await stranger.press("✅ Send")

    assert thanks.text == "Thank you! Your message was passed on to the team."
    (stored,) = await fetch(bot, Feedback)
    assert (stored.team_id, stored.customer_id, stored.rep_id) == (team.team_id, None, None)
    await deliver(bot)
    told = (await manager.replies())[-1]
    assert told.text == (
        "💬 Feedback from Zhao Lin, who is not linked to any customer:\n\n"
        "I'd like a distributor near Pudong <please>. Call 138 0000 0000\n\n"
        "Telegram: @zhao_buyer"
    )
    assert f'href="tg://user?id={STRANGER_TG}"' in (told.message.html or "")
    assert not [m for m in await rep.replies() if "Feedback from" in m.text]
    after = await stranger.send("anyone there?")
    assert after.text.startswith("Hello! I am FieldCRM")


async def test_a_chinese_stranger_without_username_and_a_chinese_manager(bot: Harness) -> None:
    frozen(bot)
    await sales_team(bot, manager_locale="zh_Hans")
    manager = await person(bot, MANAGER_TG, chinese=True)
    stranger = await bot.person(STRANGER_TG, "赵林", language_code="zh-hans")

    prompt = await stranger.send("/feedback")
    assert prompt.text.endswith("如果希望我们回复，请留下联系方式。")
    await send_photo(stranger, "想了解加盟")
    await deliver(bot)

    text, photo = (await manager.replies())[-2:]
    assert text.text == (
        "💬 来自赵林的反馈（此人未关联任何客户）：\n\n想了解加盟\n\n"
        "此人没有 Telegram 用户名：请使用消息里的联系方式，或点击其名字。"
    )
    assert photo.text == "📷 赵林随反馈发来的照片。"


async def test_stranger_feedback_goes_to_the_configured_team_else_the_oldest(bot: Harness) -> None:
    frozen(bot)
    await sales_team(bot)
    async with bot.app.db.begin() as session:
        other = Team(name="West", timezone="Asia/Shanghai", created_at=NOW + timedelta(days=1))
        session.add(other)
        await session.flush()
        second_id = other.id
    stranger = await bot.person(STRANGER_TG, "Zhao")

    for text in ("to the oldest", "to the configured"):
        await stranger.send("/feedback")
        await stranger.send(text)
        await stranger.press("✅ Send")
        bot.app.settings.feedback_team_id = second_id

    oldest, configured = await fetch(bot, Feedback)
    assert oldest.team_id != second_id
    assert configured.team_id == second_id


async def test_nobody_to_tell_when_there_is_no_team_yet(bot: Harness) -> None:
    stranger = await bot.person(STRANGER_TG, "Zhao")
    await stranger.send("/feedback")
    await stranger.send("hello")
    sorry = await stranger.press("✅ Send")
    assert sorry.text == "Sorry, nobody can receive feedback here yet. Please try again later."
    assert await fetch(bot, Feedback) == []


async def test_when_the_owner_has_left_the_manager_is_told_instead(bot: Harness) -> None:
    frozen(bot)
    team = await sales_team(bot)
    lotus, guest = await linked_customer(bot, team)
    manager = await person(bot, MANAGER_TG)
    async with bot.app.db.begin() as session:
        await session.execute(update(User).where(User.id == team.rep_id).values(is_active=False))

    await guest.send("/feedback")
    await send_photo(guest, "Nobody came last week")
    await deliver(bot)

    text, photo = (await manager.replies())[-2:]
    assert text.text == "💬 Feedback from Lotus Tea House:\n\nNobody came last week"
    assert photo.text == "📷 The photo Lotus Tea House sent with their feedback."
    (stored,) = await fetch(bot, Feedback, customer_id=lotus)
    assert stored.rep_id == team.rep_id


async def test_an_idle_stranger_dialog_times_out_and_the_stranger_is_a_stranger_again(
    sandbox: SandboxServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers.feedback import feedback

    monkeypatch.setattr(feedback, "TIMEOUT_SECONDS", 0.5)
    async with running_bot(settings_for(sandbox, database_url), sandbox) as bot:
        await sales_team(bot)
        stranger = await bot.person(STRANGER_TG, "Zhao")
        await stranger.send("/feedback")
        for _ in range(50):
            note = await stranger.account.wait_reply(timeout=5)
            if "put aside" in note.content:
                break
        assert note.content.startswith("Your unsent feedback was put aside after")
        assert (await stranger.send("hello")).text.startswith("Hello! I am FieldCRM")
        assert await fetch(bot, Feedback) == []


async def test_a_stranger_may_send_three_a_day(bot: Harness) -> None:
    frozen(bot)
    await sales_team(bot)
    stranger = await bot.person(STRANGER_TG, "赵", language_code="zh-hans")
    for n in range(3):
        await stranger.send("/feedback")
        await stranger.send(f"第 {n + 1} 条")
        assert (await stranger.press("✅ 发送")).text == "谢谢您！您的留言已转给团队。"

    refused = await stranger.send("/feedback")

    assert refused.text == "您今天已经给团队发了3条留言，请明天再试。"
    assert len(await fetch(bot, Feedback)) == 3
    assert (await stranger.send("还在吗")).text.startswith("您好！我是 FieldCRM")
    background(bot.app).clock = lambda: NOW + timedelta(days=1)
    assert (await stranger.send("/feedback")).text.startswith("您想告诉我们什么？")
