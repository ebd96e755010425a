"""The whole customer loop, as the people in it see it, in English and in Chinese:

link → visit logged → CSAT in the customer's daytime → low score → the rep's follow-up → the
customer files a complaint → rep replies → customer answers → SLA breach → the manager is told once
and reassigns.

Staff and customer read the bot in the test's language; button labels come from the catalogue, so
the Chinese run presses the Chinese buttons. The jobs' clock is frozen and moved by hand.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.runtime.jobs import Background, background
from sandbox.factories import (
    MANAGER_TG,
    OTHER_REP_TG,
    REP_TG,
    customer,
    fetch,
    person,
    press_through,
    sales_team,
)
from sandbox.harness import Harness, Person
from storage.models import Customer, Reminder, Survey, Ticket, TicketEvent, User

# 10:00 in Shanghai, where the team and its customer are.
VISIT = datetime(2027, 3, 16, 2, 0, tzinfo=UTC)
CUSTOMER_TG = 9601
LINK = re.compile(r"https://t\.me/FieldCrmBot\?start=(c_[A-Za-z0-9_-]+)")


def frozen(bot: Harness, at: datetime) -> Background:
    jobs = background(bot.app)
    jobs.clock = lambda: at
    return jobs


async def send_out(bot: Harness, at: datetime) -> None:
    """The sender a few paced seconds after `at`, so every queued push arrives."""
    jobs = background(bot.app)
    for step in range(3):
        jobs.clock = lambda step=step: at + timedelta(seconds=2 * step)  # type: ignore[misc]
        await jobs.deliver()
    jobs.clock = lambda: at


async def newest(who: Person, prefix: str) -> str:
    return next(reply.text for reply in reversed(await who.replies()) if reply.text.startswith(prefix))


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_link_visit_survey_follow_up_complaint_relay_escalation(bot: Harness, locale: str) -> None:
    t = bot.app.i18n.translator(locale, "Asia/Shanghai")
    chinese = locale == "zh_Hans"
    team = await sales_team(bot, rep_locale=locale, manager_locale=locale)
    lotus = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Lotus Tea House")
    rep = await person(bot, REP_TG, chinese=chinese)
    manager = await person(bot, MANAGER_TG, chinese=chinese)
    other_rep = await person(bot, OTHER_REP_TG)

    # The rep shows the customer's personal link; the customer opens it on their phone.
    frozen(bot, VISIT - timedelta(days=1))
    await rep.send("Lotus")
    await rep.press("Lotus Tea House")
    shown = await rep.press(t.gettext("🔗 Customer's link to the bot"))
    found = LINK.search(shown.text)
    assert found is not None
    guest = await bot.person(CUSTOMER_TG, "Lin", language_code="zh-hans" if chinese else "en")
    welcome = await guest.send(f"/start {found.group(1)}")
    assert welcome.text == t.gettext(
        "Welcome, {customer}! You are now connected with {team}. After a visit we may ask you for a quick "
        "rating, and anything you send here reaches your sales contact."
    ).format(customer="Lotus Tea House", team="East")
    (account,) = await fetch(bot, User, telegram_id=CUSTOMER_TG)
    assert (account.role, (await fetch(bot, Customer, id=lotus))[0].user_id) == ("customer", account.id)

    # The rep logs a phone call at 10:00; the survey waits two hours, then arrives in daytime.
    frozen(bot, VISIT)
    await rep.send("/visit")
    labels = (
        "Lotus Tea House",
        *(t.gettext(x) for x in ("Phone", "Positive", "Skip", "No follow-up", "✅ Save")),
    )
    await press_through(rep, *labels)
    jobs = frozen(bot, VISIT + timedelta(hours=1, minutes=59))
    await jobs.run_surveys()
    await send_out(bot, VISIT + timedelta(hours=1, minutes=59))
    assert not [r for r in await guest.replies() if r.text.startswith("⭐")]
    surveyed = VISIT + timedelta(hours=2)
    await frozen(bot, surveyed).run_surveys()
    await send_out(bot, surveyed)
    question = await newest(guest, "⭐")
    assert question == (
        t.gettext("⭐ How was the visit from {rep} ({team}) on {date}?").format(
            rep="Rita", team="East", date=t.day(VISIT, weekday=True)
        )
        + "\n"
        + t.gettext("Please rate it from 1 (very poor) to 5 (excellent).")
    )
    assert (await guest.replies())[-1].buttons() == [["1", "2", "3", "4", "5"]]

    # A 2 with its comment: the rep gets one alert and a follow-up, the manager one alert; no
    # complaint is filed in the customer's name, and the customer learns how to file one.
    await guest.press("2")
    thanked = await guest.send("Nobody came on time.")
    assert thanked.text.endswith(
        t.gettext("If you would like to file a complaint with a number to follow, send /complaint.")
    )
    await send_out(bot, surveyed)
    (survey,) = await fetch(bot, Survey)
    assert survey.status == "answered"
    assert await fetch(bot, Ticket) == []
    assert len([r for r in await rep.replies() if r.text.startswith("⚠️")]) == 1
    assert len([r for r in await manager.replies() if r.text.startswith("⚠️")]) == 1
    (follow_up,) = await fetch(bot, Reminder)
    assert (follow_up.user_id, follow_up.customer_id, follow_up.kind) == (team.rep_id, lotus, "follow_up")

    # The customer does want it tracked: /complaint opens a ticket for the rep.
    await guest.send("/complaint")
    await guest.press(t.gettext("Service"))
    await guest.send("Nobody came on time.")
    await guest.press(t.gettext("Skip"))
    await send_out(bot, surveyed)
    (ticket,) = await fetch(bot, Ticket)
    assert (ticket.customer_id, ticket.assignee_id, ticket.status) == (lotus, team.rep_id, "open")

    # The rep answers from /tickets; the customer gets it from the bot, not from the rep's account.
    replied = surveyed + timedelta(hours=1)
    frozen(bot, replied)
    await rep.send("/tickets")
    await rep.press(f"#{ticket.number} · Lotus Tea House")
    await rep.press(t.gettext("💬 Reply"))
    await rep.send("Sorry! I will come by tomorrow morning.")
    await send_out(bot, replied)
    relayed = (await guest.replies())[-1]
    assert relayed.text.endswith("\nSorry! I will come by tomorrow morning.")
    assert relayed.message.from_bot
    assert "Wang" not in relayed.text

    # The customer writes back: the ticket is ours to answer again (not reopened) and the rep hears of it.
    answered = replied + timedelta(hours=1)
    frozen(bot, answered)
    await guest.press(t.gettext("↩️ Reply"))
    await guest.send("Tomorrow is too late.")
    await send_out(bot, answered)
    (ticket,) = await fetch(bot, Ticket)
    assert (ticket.status, ticket.first_response_at) == ("in_progress", replied)
    number = t.gettext("Complaint #{number}").format(number=ticket.number)
    head = t.gettext("💬 {ticket} · {customer} replied to your answer:")
    expected = head.format(ticket=number, customer="Lotus Tea House") + "\nTomorrow is too late."
    assert (await rep.replies())[-1].text == expected

    # Three days after it was opened the ticket is still unresolved: one escalation to the manager.
    jobs = frozen(bot, surveyed + timedelta(days=3, minutes=1))
    assert await jobs.watch_tickets() == 1
    assert await jobs.watch_tickets() == 0
    await send_out(bot, surveyed + timedelta(days=3, minutes=1))
    escalation = await newest(manager, "⏰")
    assert f"#{ticket.number}" in escalation
    assert "Tomorrow is too late." in escalation
    kinds = [event.kind for event in await fetch(bot, TicketEvent, ticket_id=ticket.id)]
    assert kinds.count("escalated") == 1
    assert {"created", "reply_in", "reply_out"} <= set(kinds)
    assert "reopened" not in kinds

    await manager.press(t.gettext("🔁 Reassign"))
    await manager.press("Li Wei")
    await send_out(bot, surveyed + timedelta(days=3, minutes=2))
    assert (await fetch(bot, Ticket))[0].assignee_id == team.other_rep_id
    assert f"#{ticket.number}" in (await other_rep.replies())[-1].text
    assert not [r for r in await guest.replies() if "Customer is" in r.text or "⏰" in r.text]
