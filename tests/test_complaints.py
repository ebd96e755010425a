"""/complaint as a customer files it: category, description (bad input refused), photo or Skip,
a number to quote; the owning rep gets the card with its buttons.

The jobs' clock is frozen at 10:00 in Shanghai; the sender is called directly, a few paced seconds on.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from sandbox.factories import fetch
from sandbox.harness import Harness, Person, Reply
from storage.models import Customer, Ticket, TicketEvent
from tests.support.complaints import NOW, OTHER_CUSTOMER_TG, desk, file_complaint, send_out


async def send_photo(who: Person, data: bytes) -> Reply:
    update_id = await who.account.send_photo(data)
    await who._settle(update_id)
    return await who.last_message()


async def test_a_complaint_with_bad_input_and_a_photo_reaches_the_rep_with_its_card(bot: Harness) -> None:
    d = await desk(bot)

    asked = await d.guest.send("/complaint")
    assert asked.text == "We are sorry something went wrong. What is your complaint about?"
    assert asked.buttons() == [["Product", "Delivery"], ["Service", "Billing"], ["Other"], ["Cancel"]]
    assert (await d.guest.send("broken")).text == "Please pick one of the buttons above, or send /cancel."
    described = await d.guest.press("Delivery")
    assert (
        described.text == "Delivery: please describe what happened in one message (up to 2,000 characters)."
    )

    too_long = await d.guest.send("x" * 2001)
    assert too_long.text == (
        "That description is 2,001 characters long; please keep it within 2,000 and send it again."
    )
    photo_asked = await d.guest.send("The tea arrived broken, two boxes.")
    assert photo_asked.text == "Thank you. If a photo would help, send it now; otherwise press Skip."
    assert (await d.guest.send("no")).text == "Please send a photo, or press Skip."

    done = await send_photo(d.guest, b"\xff\xd8broken-box")
    assert done.text.startswith("✅ Your complaint is registered as Complaint #1. Please quote this number")

    (ticket,) = await fetch(bot, Ticket)
    assert (ticket.number, ticket.category, ticket.status, ticket.assignee_id) == (
        1,
        "delivery",
        "open",
        d.team.rep_id,
    )
    assert ticket.description == "The tea arrived broken, two boxes."
    assert ticket.photo_file_id is not None
    assert ticket.first_response_due_at == NOW + timedelta(hours=4)
    assert [event.kind for event in await fetch(bot, TicketEvent)] == ["created"]

    await send_out(d)
    photo, card = (await d.rep.replies())[-2:]
    assert photo.message.photo
    assert photo.text == "Complaint #1"
    assert card.text.splitlines()[:5] == [
        "🆕 New complaint from Lotus Tea House",
        "🎫 Complaint #1 · Lotus Tea House",
        "Category: Delivery · Severity: normal",
        "Status: not yet taken · Assigned to: Rita Wang",
        "First response: by Wed, May 12, 14:00",
    ]
    assert card.buttons() == [
        ["✋ Take"],
        ["💬 Reply", "📝 Note"],
        ["✅ Resolve"],
        ["Severity", "History"],
        ["Open card"],
    ]
    assert not any("Complaint #1" in reply.text for reply in await d.manager.replies())


async def test_numbers_follow_on_and_cancel_files_nothing(bot: Harness) -> None:
    d = await desk(bot)
    assert "Complaint #1" in await file_complaint(d)
    assert "Complaint #2" in await file_complaint(d, category="Billing", text="Charged twice.")

    await d.guest.send("/complaint")
    cancelled = await d.guest.press("Cancel")
    assert cancelled.text == "Cancelled. No complaint was filed."
    await d.guest.send("/complaint")
    await d.guest.press("Product")
    assert (await d.guest.send("/cancel")).text == "Cancelled. No complaint was filed."

    tickets = await fetch(bot, Ticket)
    assert [(t.number, t.category, t.photo_file_id) for t in tickets] == [
        (1, "delivery", None),
        (2, "billing", None),
    ]


async def test_a_photo_before_the_words_is_added_to_the_complaint(bot: Harness) -> None:
    d = await desk(bot)
    await d.guest.send("/complaint")
    await d.guest.press("Product")

    added = await send_photo(d.guest, b"\xff\xd8dented-tin")
    assert added.text == (
        "📷 Photo added to your complaint. Now please describe what happened in one message "
        "(up to 2,000 characters)."
    )
    assert "Nice photo" not in added.text
    done = await d.guest.send("The tin is dented.")
    assert done.text.startswith("✅ Your complaint is registered as Complaint #1.")
    (ticket,) = await fetch(bot, Ticket)
    assert (ticket.description, ticket.photo_file_id is not None) == ("The tin is dented.", True)
    await send_out(d)
    photo, card = (await d.rep.replies())[-2:]
    assert photo.message.photo
    assert card.text.startswith("🆕 New complaint from Lotus Tea House")


async def test_a_chinese_customers_photo_joins_the_open_complaint(bot: Harness) -> None:
    d = await desk(bot, chinese=True)
    await d.guest.send("/complaint")
    await d.guest.press("产品")
    added = await send_photo(d.guest, b"\xff\xd8first")
    assert added.text == "📷 照片已添加到您的投诉。请再用一条消息描述发生了什么（不超过2,000字）。"
    await d.guest.send("罐子凹了")
    await send_out(d)

    later = await send_photo(d.guest, b"\xff\xd8second")
    assert later.text == "📷 照片已补充到投诉 #1，我们会尽快回复您。"
    events = await fetch(bot, TicketEvent, kind="reply_in")
    assert [(e.body, "photo" in e.details) for e in events] == [("📷", True)]
    await send_out(d)
    relayed = (await d.rep.replies())[-1]
    assert relayed.message.photo
    assert relayed.text == "💬 Complaint #1 · Lotus Tea House wrote:\n📷"


async def test_a_chinese_customer_files_in_chinese(bot: Harness) -> None:
    d = await desk(bot, chinese=True)

    asked = await d.guest.send("/complaint")
    assert asked.text == "很抱歉给您带来不便。请问您要投诉哪方面的问题？"
    assert asked.buttons()[0] == ["产品", "配送"]
    await d.guest.press("配送")
    assert (await d.guest.send("x" * 2001)).text == "描述共2,001个字，请控制在2,000字以内后重新发送。"
    await d.guest.send("茶叶到货时破损了。")
    done = await d.guest.press("跳过")
    assert done.text.startswith("✅ 您的投诉已登记，编号为投诉 #1。")


async def test_a_customer_without_an_owner_goes_to_the_managers_and_strangers_cannot_complain(
    bot: Harness,
) -> None:
    d = await desk(bot)
    async with bot.app.db.begin() as session:
        await session.execute(update(Customer).where(Customer.id == d.customer_id).values(owner_id=None))
    await file_complaint(d)
    await send_out(d)
    assert (await d.manager.replies())[-1].text.startswith("🆕 New complaint from Lotus Tea House")

    stranger = await bot.person(OTHER_CUSTOMER_TG, "Sam")
    refused = await stranger.send("/complaint")
    assert "Complaint" not in refused.text
    assert len(await fetch(bot, Ticket)) == 1
