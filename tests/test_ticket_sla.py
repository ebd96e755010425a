"""The SLA watch: a breach goes to the manager once, with the history and Reassign; severity moves the
deadlines from the original open time; a resolved ticket nobody reopens closes after a week."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from sandbox.factories import OTHER_REP_TG, fetch, person
from sandbox.harness import Harness
from storage.models import Team, Ticket, TicketEvent
from tests.support.complaints import NOW, Desk, desk, file_complaint, send_out


async def watch_at(d: Desk, at: timedelta) -> int:
    d.clock.at = NOW + at
    return await d.jobs.watch_tickets()


async def escalations(d: Desk) -> list[str]:
    return [reply.text for reply in await d.manager.replies() if reply.text.startswith("⏰")]


async def test_no_first_response_escalates_once_and_the_manager_reassigns(bot: Harness) -> None:
    d = await desk(bot)
    await file_complaint(d)
    await d.guest.send("It is really urgent.")
    other = await person(bot, OTHER_REP_TG)

    assert await watch_at(d, timedelta(hours=3, minutes=59)) == 0
    assert await watch_at(d, timedelta(hours=4)) == 1
    assert await watch_at(d, timedelta(hours=5)) == 0
    await send_out(d)

    (push,) = await escalations(d)
    lines = push.splitlines()
    assert lines[0] == "⏰ Complaint #1 has had no first response; it was due Wed, May 12, 14:00."
    assert "🎫 Complaint #1 · Lotus Tea House" in lines
    assert "The tea arrived broken." in push
    assert "• Wed, May 12, 10:00 · customer: It is really urgent." in lines
    (ticket,) = await fetch(bot, Ticket)
    assert ticket.escalated_at == NOW + timedelta(hours=4)
    assert [e.kind for e in await fetch(bot, TicketEvent)][-1] == "escalated"

    choices = await d.manager.press("🔁 Reassign")
    assert choices.text == "Who should take over Complaint #1?"
    assert choices.buttons() == [["Li Wei"]]
    moved = await d.manager.press("Li Wei")
    assert moved.text == "🔁 Complaint #1 now belongs to Li Wei; they have been told."
    await send_out(d)
    handed = (await other.replies())[-1]
    assert handed.text.startswith("🔁 Complaint #1 was handed to you.\n🎫 Complaint #1 · Lotus Tea House")
    assert (await fetch(bot, Ticket))[0].assignee_id == d.team.other_rep_id
    # Reopened or reassigned, a ticket is escalated only once.
    assert await watch_at(d, timedelta(days=4)) == 0


async def test_a_chinese_manager_is_told_of_a_missed_resolution(bot: Harness) -> None:
    d = await desk(bot, chinese_manager=True)
    await file_complaint(d)
    await send_out(d)
    await d.rep.press("💬 Reply")
    await d.rep.send("Looking into it.")

    assert await watch_at(d, timedelta(hours=5)) == 0
    assert await watch_at(d, timedelta(hours=72)) == 1
    await send_out(d)
    (push,) = await escalations(d)
    assert push.splitlines()[0] == "⏰ 投诉 #1还没有解决，本应在5月15日周六 10:00前解决。"
    assert "类别：配送 · 紧急程度：普通" in push
    assert (await d.manager.replies())[-1].buttons() == [["🔁 转给他人"], ["🎫 查看工单"]]


async def test_severity_recomputes_deadlines_from_the_open_time(bot: Harness) -> None:
    d = await desk(bot)
    async with bot.app.db.begin() as session:
        await session.execute(
            update(Team)
            .where(Team.id == d.team.team_id)
            .values(settings={"sla_hours": {"urgent": {"response": 1, "resolve": 8}}})
        )
    await file_complaint(d)
    await send_out(d)
    d.clock.at = NOW + timedelta(minutes=30)

    chooser = await d.rep.press("Severity")
    assert chooser.buttons() == [["low", "normal"], ["high", "urgent"], ["« Back"]]
    card = await d.rep.press("urgent")
    assert "Category: Delivery · Severity: urgent" in card.text
    assert "First response: by Wed, May 12, 11:00" in card.text
    (ticket,) = await fetch(bot, Ticket)
    assert (ticket.first_response_due_at, ticket.resolve_due_at) == (
        NOW + timedelta(hours=1),
        NOW + timedelta(hours=8),
    )
    assert (await fetch(bot, TicketEvent))[-1].details == {"severity": "urgent", "from": "normal"}
    assert await watch_at(d, timedelta(hours=1)) == 1


async def test_a_resolved_ticket_closes_itself_after_a_week(bot: Harness) -> None:
    d = await desk(bot)
    await file_complaint(d)
    await send_out(d)
    await d.rep.press("✅ Resolve")

    await watch_at(d, timedelta(days=6, hours=23))
    assert (await fetch(bot, Ticket))[0].status == "resolved"
    await watch_at(d, timedelta(days=7))
    (ticket,) = await fetch(bot, Ticket)
    assert (ticket.status, ticket.closed_at) == ("closed", NOW + timedelta(days=7))
    assert await escalations(d) == []
