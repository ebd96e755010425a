"""What the welcome promises a customer is what happens: a plain message with no complaint open
reaches their sales contact (a few a day), in English and in Chinese."""

from __future__ import annotations

from datetime import timedelta

from sandbox.factories import fetch
from sandbox.harness import Harness, Person, Reply
from storage.models import Feedback
from tests.support.complaints import desk, send_out

EN_INTRO = (
    "Anything you write here reaches your sales contact, who will get in touch with you. After a visit we "
    "may ask you for a quick rating; to report a problem with a number to follow, send /complaint."
)
ZH_INTRO = (
    "您在这里写的任何内容都会转给您的专属销售，他们会与您联系。拜访之后我们可能请您快速打个分；"
    "如需投诉并获得编号以便跟进，请发送 /complaint。"
)


async def messages_from(rep: Person, customer: str) -> list[Reply]:
    return [reply for reply in await rep.replies() if reply.text.startswith(f"💬 Message from {customer}")]


async def test_the_welcome_says_a_message_reaches_the_rep_and_it_does(bot: Harness) -> None:
    d = await desk(bot)
    helped = await d.guest.send("/help")
    assert helped.text.splitlines()[0] == EN_INTRO
    welcome = await d.guest.send("/start")
    assert EN_INTRO in welcome.text

    sent = await d.guest.send("Do you have the autumn oolong yet?")
    assert sent.text == (
        "✉️ Sent to your sales contact, who will get in touch with you.\n"
        "To report a problem with a number to follow, send /complaint."
    )
    await send_out(d)
    (told,) = await messages_from(d.rep, "Lotus Tea House")
    assert told.text == "💬 Message from Lotus Tea House:\n\nDo you have the autumn oolong yet?"
    assert told.message.button_data(told.buttons()[0][0]) == f"cust:open:{d.customer_id}"
    (kept,) = await fetch(bot, Feedback)
    assert (kept.customer_id, kept.kind, kept.rep_id) == (d.customer_id, "text", d.team.rep_id)
    assert not any("Message from" in reply.text for reply in await d.manager.replies())


async def test_a_busy_chat_is_relayed_five_times_a_day(bot: Harness) -> None:
    d = await desk(bot)
    for n in range(5):
        sent = await d.guest.send(f"Question {n + 1}")
        assert sent.text.startswith("✉️ Sent to your sales contact"), n
    capped = await d.guest.send("Question 6")
    assert capped.text == (
        "You have already sent 5 messages to us today, and we will read them. "
        "For a problem that cannot wait, send /complaint."
    )
    for _ in range(2):
        await send_out(d)
        d.clock.at += timedelta(seconds=10)
    assert len(await messages_from(d.rep, "Lotus Tea House")) == 5
    assert len(await fetch(bot, Feedback)) == 5


async def test_a_chinese_customer_is_promised_the_same_and_a_photo_reaches_the_rep(bot: Harness) -> None:
    d = await desk(bot, chinese=True)
    welcome = await d.guest.send("/start")
    assert ZH_INTRO in welcome.text

    sent = await d.guest.send("下周能来一趟吗？")
    assert sent.text == (
        "✉️ 已转给您的专属销售，他们会与您联系。\n如需投诉并获得编号以便跟进，请发送 /complaint。"
    )
    photo_id = await d.guest.account.send_photo(b"\xff\xd8shelf", caption="新货架")
    await d.guest._settle(photo_id)
    assert (await d.guest.last_message()).text == sent.text
    await send_out(d)

    first, second = await messages_from(d.rep, "Lotus Tea House")
    assert first.text == "💬 Message from Lotus Tea House:\n\n下周能来一趟吗？"
    assert second.text == "💬 Message from Lotus Tea House:\n\n新货架"
    photo = (await d.rep.replies())[-1]
    assert photo.message.photo
    assert photo.text == "📷 The photo Lotus Tea House sent with their message."
