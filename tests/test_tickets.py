"""A ticket's life between the rep and the customer: take, reply relayed by the bot, the customer's
answer landing in the ticket, resolve → confirm or reopen; /tickets for each role; forged and stale
buttons; and a customer never reading internal notes or anything about other customers.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.enums import TicketStatus
from bot.runtime.pushes import queue
from bot.services import tickets as service
from sandbox.factories import OTHER_REP_TG, customer, fetch, person, press_forged
from sandbox.harness import Harness, Reply
from storage.models import Customer, Team, Ticket, TicketEvent
from tests.support.complaints import (
    NOW,
    OTHER_CUSTOMER_TG,
    Desk,
    desk,
    file_complaint,
    link_account,
    send_out,
)


def toast(answer: dict[str, object] | None) -> object:
    assert answer is not None
    return answer["text"]


def flat(reply: Reply) -> list[str]:
    return [label for row in reply.buttons() for label in row]


async def events(bot: Harness) -> list[tuple[str, str | None]]:
    return [(event.kind, event.body) for event in await fetch(bot, TicketEvent)]


async def status(bot: Harness) -> str:
    (ticket,) = await fetch(bot, Ticket)
    return str(ticket.status)


async def customer_texts(d: Desk) -> list[str]:
    return [reply.text for reply in await d.guest.replies()]


async def test_reply_relay_reopen_and_confirm_in_english(bot: Harness) -> None:
    d = await desk(bot)
    await file_complaint(d)
    await send_out(d)

    taken = await d.rep.press("✋ Take")
    assert "Status: in progress · Assigned to: Rita Wang" in taken.text
    assert "✋ Take" not in flat(taken)
    await send_out(d)
    told = (await d.guest.replies())[-1]
    assert told.text == "🛠 Complaint #1: Rita from East has taken it and is working on it."
    assert told.message.from_bot

    prompt = await d.rep.press("💬 Reply")
    assert (
        prompt.text
        == "Write your reply to the customer about Complaint #1; the bot will pass it on. Or /cancel."
    )
    sent = await d.rep.send("Sorry about that! A new box goes out tomorrow.")
    assert sent.text == "✉️ Sent to the customer and added to Complaint #1."
    await d.rep.press("📝 Note")
    assert (
        await d.rep.send("Customer is VIP; courier Zhang broke it")
    ).text == "📝 Note added to Complaint #1."
    await send_out(d)

    relayed = (await d.guest.replies())[-1]
    assert relayed.text == "💬 Complaint #1 · Rita from East:\nSorry about that! A new box goes out tomorrow."
    assert relayed.message.from_bot
    assert relayed.buttons() == [["↩️ Reply"]]
    assert "Wang" not in relayed.text
    assert "8101" not in relayed.text
    (ticket,) = await fetch(bot, Ticket)
    assert (ticket.status, ticket.first_response_at) == ("answered", NOW)

    asked = await d.guest.press("↩️ Reply")
    assert asked.text == "Write your message about Complaint #1 in one message, or /cancel."
    added = await d.guest.send("I need it today, please.")
    assert added.text == "✉️ Added to Complaint #1. We will get back to you."
    assert await status(bot) == "in_progress"
    await send_out(d)
    assert (await d.rep.replies())[-1].text == (
        "💬 Complaint #1 · Lotus Tea House replied to your answer:\nI need it today, please."
    )

    await d.rep.send("/tickets")
    card = await d.rep.press("#1 · Lotus Tea House")
    assert "✅ Resolve" in flat(card)
    await d.rep.press("✅ Resolve")
    await send_out(d)
    resolved = (await d.guest.replies())[-1]
    assert (
        resolved.text
        == "✅ Complaint #1 was marked as resolved by Rita from East. Is everything settled for you?"
    )
    again = await d.guest.press("↩️ No, reopen it")
    assert again.text == "🔁 Complaint #1 is open again. Tell us what is still wrong:"
    assert await status(bot) == "in_progress"
    await send_out(d)
    assert (await d.rep.replies())[-1].text == (
        "🔁 Complaint #1 was reopened: Lotus Tea House says it is not settled."
    )

    await d.rep.send("/tickets")
    await d.rep.press("#1 · Lotus Tea House")
    await d.rep.press("✅ Resolve")
    await send_out(d)
    closed = await d.guest.press("👍 Yes, it is settled")
    assert closed.text == "👍 Thank you! Complaint #1 is closed."
    assert await status(bot) == "closed"
    await send_out(d)
    assert (await d.rep.replies())[-1].text == "👍 Complaint #1: Lotus Tea House confirmed it is settled."

    stale = await d.guest.press_for_answer("↩️ Reply")
    assert stale is not None
    assert stale["text"] == "This complaint is already closed."
    assert (await d.guest.send("Hello again")).text.startswith("✉️ Sent to your sales contact")

    assert [kind for kind, _ in await events(bot)] == [
        "created",
        "status",
        "reply_out",
        "status",
        "note",
        "reply_in",
        "status",
        "status",
        "reopened",
        "status",
        "status",
    ]
    everything = "\n".join(await customer_texts(d))
    assert "VIP" not in everything
    assert "Zhang" not in everything
    assert "note" not in everything.lower()

    history = await d.rep.press("History")
    assert "internal note · Rita Wang: Customer is VIP" in history.text


async def test_a_chinese_customer_reads_the_relay_in_chinese(bot: Harness) -> None:
    d = await desk(bot, chinese=True)
    await file_complaint(d, category="配送", text="茶叶破损", skip="跳过")
    await send_out(d)
    await d.rep.press("✋ Take")
    await d.rep.press("💬 Reply")
    await d.rep.send("Sorry, a new box tomorrow.")
    await d.rep.press("✅ Resolve")
    await send_out(d)

    taken, relayed, resolved = (await customer_texts(d))[-3:]
    assert taken == "🛠 投诉 #1：East的Rita已受理，正在处理。"
    assert relayed == "💬 投诉 #1 · East的Rita：\nSorry, a new box tomorrow."
    assert resolved == "✅ East的Rita已将投诉 #1标记为已解决。您的问题都解决了吗？"
    reopened = await d.guest.press("↩️ 没有，重新打开")
    assert reopened.text == "🔁 投诉 #1已重新打开。请告诉我们还有什么问题："
    added = await d.guest.send("还是不行")
    assert added.text == "✉️ 已补充到投诉 #1，我们会尽快回复您。"
    assert [kind for kind, _ in await events(bot)][-2:] == ["reopened", "reply_in"]


async def test_a_chinese_customer_replying_to_an_answer_does_not_reopen_it_but_writing_to_a_resolved_one_does(
    bot: Harness,
) -> None:
    d = await desk(bot, chinese=True)
    await file_complaint(d, category="配送", text="茶叶破损", skip="跳过")
    await send_out(d)
    await d.rep.press("✋ Take")
    await d.rep.press("💬 Reply")
    await d.rep.send("A new box goes out tomorrow.")
    await send_out(d)
    assert await status(bot) == "answered"

    await d.guest.press("↩️ 回复")
    replied = await d.guest.send("好的，谢谢")
    assert replied.text == "✉️ 已补充到投诉 #1，我们会尽快回复您。"
    assert await status(bot) == "in_progress"
    await send_out(d)
    assert (await d.rep.replies())[
        -1
    ].text == "💬 Complaint #1 · Lotus Tea House replied to your answer:\n好的，谢谢"
    assert "reopened" not in [kind for kind, _ in await events(bot)]
    listed = await d.guest.send("/tickets")
    assert "投诉 #1 · 处理中" in listed.text

    await d.rep.send("/tickets")
    await d.rep.press("#1 · Lotus Tea House")
    await d.rep.press("✅ Resolve")
    await send_out(d)
    await d.guest.send("/tickets")
    await d.guest.press("↩️ 补充投诉 #1")
    again = await d.guest.send("盒子还是破的")
    assert again.text == "✉️ 已补充到投诉 #1，投诉已重新打开，我们会尽快回复您。"
    assert await status(bot) == "in_progress"
    await send_out(d)
    assert (await d.rep.replies())[-1].text == (
        "🔁 Complaint #1 was reopened: Lotus Tea House wrote again.\n盒子还是破的"
    )
    assert [kind for kind, _ in await events(bot)][-3:] == ["status", "reply_in", "reopened"]


async def test_a_reply_puts_an_answered_ticket_back_under_its_deadline(bot: Harness) -> None:
    d = await desk(bot)
    await file_complaint(d)
    await send_out(d)
    await d.rep.press("✋ Take")
    await d.rep.press("💬 Reply")
    await d.rep.send("Checking with the courier.")
    await send_out(d)
    await d.guest.press("↩️ Reply")
    await d.guest.send("Any news?")
    (ticket,) = await fetch(bot, Ticket)
    assert ticket.status == "in_progress"
    assert ticket.resolve_due_at is not None

    d.clock.at = ticket.resolve_due_at + timedelta(minutes=1)
    assert await d.jobs.watch_tickets() == 1
    await send_out(d)
    overdue = (await d.manager.replies())[-1].text
    assert overdue.startswith("⏰ Complaint #1 is not resolved; it was due ")
    assert "Status: in progress" in overdue


async def test_plain_text_joins_the_one_open_complaint_or_asks_which(bot: Harness) -> None:
    d = await desk(bot)
    await file_complaint(d)
    added = await d.guest.send("Also the lid was missing.")
    assert added.text == "✉️ Added to Complaint #1. We will get back to you."
    assert (await events(bot))[-1] == ("reply_in", "Also the lid was missing.")

    await file_complaint(d, category="Billing", text="Charged twice.")
    asked = await d.guest.send("Any news?")
    assert asked.text == "Which complaint is this about? (For something new, send /complaint.)"
    assert asked.buttons() == [["Complaint #2 · Billing"], ["Complaint #1 · Delivery"]]
    await d.guest.press("Complaint #2 · Billing")
    assert (await d.guest.last_message()).text == "✉️ Added to Complaint #2. We will get back to you."
    second = (await fetch(bot, Ticket))[1]
    assert (await events(bot))[-1] == ("reply_in", "Any news?")
    assert (await fetch(bot, TicketEvent, ticket_id=second.id))[-1].body == "Any news?"

    too_long = await d.guest.send("y" * 2001)
    assert too_long.text == "That message is 2,001 characters long; please keep it within 2,000."


async def test_tickets_lists_overdue_first_per_role(bot: Harness) -> None:
    d = await desk(bot)
    others = await customer(bot, team_id=d.team.team_id, owner_id=d.team.other_rep_id, name="Otto's Shop")
    mine_later = await customer(bot, team_id=d.team.team_id, owner_id=d.team.rep_id, name="Bamboo Cafe")
    async with bot.app.db.begin() as session:
        for customer_id, hours_ago in ((mine_later, 1), (others, 2), (d.customer_id, 6)):
            row = await session.get(Customer, customer_id)
            assert row is not None
            opened_at = NOW - timedelta(hours=hours_ago)
            opened = await service.open_ticket(
                session,
                customer=row,
                category="service",
                description="Rude driver",
                now=opened_at,
                opened_by_id=None,
            )
            await queue(session, bot.app, opened.pushes, now=opened_at)

    listed = await d.rep.send("/tickets")
    assert listed.text.splitlines() == [
        "🎫 Open tickets, overdue first:",
        "#3 · Lotus Tea House · 6 hours ago ⚠️",
        "#1 · Bamboo Cafe · 1 hour ago",
    ]
    assert listed.buttons() == [["#3 · Lotus Tea House ⚠️"], ["#1 · Bamboo Cafe"]]
    card = await d.rep.press("#3 · Lotus Tea House ⚠️")
    assert "First response: by Wed, May 12, 08:00 ⚠️ overdue" in card.text
    assert "🔁 Reassign" not in flat(card)

    boss = await d.manager.send("/tickets")
    assert [line.split(" · ")[0] for line in boss.text.splitlines()[1:]] == ["#3", "#2", "#1"]
    assert "🔁 Reassign" in flat(await d.manager.press("#2 · Otto's Shop"))

    own = await d.guest.send("/tickets")
    assert own.text == "Your complaints:\nComplaint #3 · not yet taken\n   Rude driver"
    assert own.buttons() == [["↩️ Write to complaint #3"]]


async def test_forged_and_stale_buttons_change_nothing(bot: Harness) -> None:
    d = await desk(bot)
    await file_complaint(d)
    (mine,) = await fetch(bot, Ticket)
    # Another team's customer with a ticket, and another customer of this team.
    far = await sales_team_elsewhere(bot, d.team.team_id)
    await link_account(
        bot, team_id=d.team.team_id, customer_id=far[1], telegram_id=OTHER_CUSTOMER_TG, locale="en"
    )
    async with bot.app.db.begin() as session:
        row = await session.get(Customer, far[0])
        assert row is not None
        theirs = await service.open_ticket(
            session,
            customer=row,
            category="other",
            description="Secret of Far Shop",
            now=NOW,
            opened_by_id=None,
        )
        await queue(session, bot.app, theirs.pushes, now=NOW)
        theirs_id = theirs.ticket.id

    gone = "This ticket is not available to you (or no longer exists)."
    not_yours = "This button is not available to you."
    for data in (
        f"tkt:open:{theirs_id}",
        f"tkt:take:{theirs_id}",
        f"tkt:reply:{theirs_id}",
        f"tkt:move:{theirs_id}",
    ):
        assert toast(await press_forged(bot, d.manager, "Forged", data)) == gone, data
    assert toast(await press_forged(bot, d.guest, "Forged", f"tkt:ans:{theirs_id}")) == gone
    # Staff buttons are refused to a customer before any ticket is looked up, and the other way round.
    staff_only = ("take", "open", "done", "note", "reply", "hist", "sev", "move")
    for data in (*(f"tkt:{verb}:{mine.id}" for verb in staff_only), f"tkt:sevto:{mine.id}:low"):
        assert toast(await press_forged(bot, d.guest, "Forged", data)) == not_yours, data
    for data in (f"tkt:ans:{mine.id}", f"tkt:ok:{mine.id}", f"tkt:again:{mine.id}", f"tkt:add:{mine.id}"):
        assert toast(await press_forged(bot, d.manager, "Forged", data)) == not_yours, data
    neighbour = await bot.person(OTHER_CUSTOMER_TG, "Ned")
    await neighbour.send("/help")
    for data in (f"tkt:ans:{mine.id}", f"tkt:ok:{mine.id}", f"tkt:again:{mine.id}"):
        assert toast(await press_forged(bot, neighbour, "Forged", data)) == gone, data
    assert (await neighbour.send("/tickets")).text == "You have no complaints. /complaint raises one."
    other_rep = await person(bot, OTHER_REP_TG)
    assert toast(await press_forged(bot, other_rep, "Forged", f"tkt:take:{mine.id}")) == gone
    for data in (f"tkt:move:{mine.id}", f"tkt:to:{mine.id}:{d.team.other_rep_id}"):
        assert toast(await press_forged(bot, d.rep, "Forged", data)) == not_yours, data

    await send_out(d)
    await d.rep.press("✋ Take")
    stale = await press_forged(bot, d.rep, "Take again", f"tkt:take:{mine.id}")
    assert toast(stale) == "This complaint is already being handled."
    early = await press_forged(bot, d.guest, "Early yes", f"tkt:ok:{mine.id}")
    assert toast(early) == "This complaint is already being handled."
    assert [t.status for t in await fetch(bot, Ticket)] == [TicketStatus.IN_PROGRESS, TicketStatus.OPEN]
    assert all("Secret" not in text and "Near Shop" not in text for text in await customer_texts(d))
    assert "Secret" not in (await d.guest.send("/tickets")).text


async def sales_team_elsewhere(bot: Harness, first_team_id: int) -> tuple[int, int]:
    """Far Shop in a second team, and Near Shop: another customer of the first team."""
    async with bot.app.db.begin() as session:
        team = Team(name="West", timezone="Asia/Shanghai", currency="CNY", created_at=NOW)
        session.add(team)
        await session.flush()
        team_id = team.id
    far = await customer(bot, team_id=team_id, owner_id=None, name="Far Shop")  # type: ignore[arg-type]
    near = await customer(bot, team_id=first_team_id, owner_id=None, name="Near Shop")  # type: ignore[arg-type]
    return far, near
