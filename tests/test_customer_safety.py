"""A customer (and a stranger) tries to see other customers, internal notes and staff tools: nothing leaks.

Lotus Tea House is the linked customer; Otto's Shop belongs to another rep and carries a visit
note, a complaint and a survey. Every attempt is checked for a refusal and for the absence of
anything about Otto's Shop or any internal note in what the bot said or stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import SurveyKind, SurveyStatus, TicketEventKind, TicketStatus
from bot.runtime.jobs import background
from bot.runtime.pushes import queue
from bot.services import tickets
from sandbox.factories import (
    OTHER_REP_TG,
    REP_TG,
    SalesTeam,
    customer,
    fetch,
    person,
    plant_button,
    sales_team,
)
from sandbox.harness import Harness, Person
from storage.models import Customer, Feedback, Survey, Ticket, TicketEvent, Visit
from storage.queries import tickets as ticket_queries
from tests.support.feedback import deliver, linked_customer

NOW = datetime(2027, 5, 12, 2, 0, tzinfo=UTC)
STRANGER_TG = 9601
VISIT_NOTE = "SECRET-VISIT: owner wants 30% off, do not tell others"
STAFF_NOTE = "SECRET-NOTE: this customer complains a lot"
OTTO_COMPLAINT = "Otto-only: the fridge leaked"
# What must never reach the customer: the other customer, their complaint, internal notes, other staff.
LEAKS = ("Otto", VISIT_NOTE, STAFF_NOTE, OTTO_COMPLAINT, "fridge", "SECRET", "Li Wei")
STAFF_COMMANDS = (
    "/find Otto",
    "/today",
    "/visit",
    "/order",
    "/new",
    "/remind",
    "/team",
    "/digest",
    "/invite",
    "/invites",
    "/outbox",
    "/newteam",
)


class World:
    """Lotus (linked, Rita's) and Otto's Shop (Li Wei's) with a visit note, a ticket and a survey."""

    def __init__(self, team: SalesTeam, lotus: int, otto: int, guest: Person) -> None:
        self.team, self.lotus, self.otto, self.guest = team, lotus, otto, guest
        self.otto_ticket = self.own_ticket = self.otto_survey = self.otto_visit = 0


async def _open(bot: Harness, session: AsyncSession, customer_id: int, description: str) -> Ticket:
    row = await session.get(Customer, customer_id)
    assert row is not None
    opened = await tickets.open_ticket(
        session, customer=row, category="delivery", description=description, now=NOW, opened_by_id=None
    )
    await queue(session, bot.app, opened.pushes, now=NOW)
    return opened.ticket


async def world(bot: Harness, *, chinese: bool = False) -> World:
    background(bot.app).clock = lambda: NOW
    team = await sales_team(bot)
    lotus, guest = await linked_customer(bot, team, chinese=chinese)
    otto = await customer(
        bot, team_id=team.team_id, owner_id=team.other_rep_id, name="Otto's Shop", phone="+8613800001111"
    )
    await guest.send("/help")
    made = World(team, lotus, otto, guest)
    async with bot.app.db.begin() as session:
        visit = Visit(
            team_id=team.team_id, customer_id=otto, rep_id=team.other_rep_id, notes=VISIT_NOTE, visited_at=NOW
        )
        survey = Survey(
            team_id=team.team_id,
            customer_id=otto,
            kind=SurveyKind.CSAT.value,
            status=SurveyStatus.SENT.value,
            due_at=NOW,
            sent_at=NOW,
        )
        session.add_all([visit, survey])
        otto_ticket = await _open(bot, session, otto, OTTO_COMPLAINT)
        own_ticket = await _open(bot, session, lotus, "Our tea arrived cold")
        await ticket_queries.add_event(
            session, ticket_id=own_ticket.id, kind=TicketEventKind.NOTE.value, now=NOW, body=STAFF_NOTE
        )
        await session.flush()
        made.otto_ticket, made.own_ticket = otto_ticket.id, own_ticket.id
        made.otto_survey, made.otto_visit = survey.id, visit.id
    return made


def forged_buttons(w: World) -> list[str]:
    """Callback data a tampering client could send: other customers' ids, staff actions, own staff card."""
    other, own = w.otto_ticket, w.own_ticket
    return [
        f"cust:open:{w.otto}",
        f"cust:open:{w.lotus}",
        f"cust:card:{w.otto}",
        f"cust:hist:{w.otto}:0",
        f"cust:map:{w.otto}",
        f"cust:link:{w.otto}",
        f"visit:start:{w.otto}",
        "visit:save",
        "rem:done:1",
        "rem:snz:1:1h",
        "risk:visit:1",
        "risk:move:1",
        "dig:visits:w:20261116",
        "dig:tickets",
        "find:page:0:Otto",
        "inv:role:rep",
        "box:retry",
        f"tkt:open:{other}",
        f"tkt:open:{own}",
        f"tkt:hist:{other}",
        f"tkt:hist:{own}",
        f"tkt:take:{other}",
        f"tkt:done:{other}",
        f"tkt:move:{other}",
        f"tkt:to:{other}:{w.team.rep_id}",
        f"tkt:sevto:{other}:urgent",
        f"tkt:reply:{other}",
        f"tkt:note:{own}",
        f"tkt:ok:{other}",
        f"tkt:again:{other}",
        f"srv:{w.otto_survey}:1",
        f"srv:skip:{w.otto_survey}",
    ]


async def everything_said(who: Person) -> str:
    return "\n".join(f"{m.content}\n{m.buttons()}" for m in await who.account.bot_messages())


def assert_no_leak(text: str) -> None:
    for secret in LEAKS:
        assert secret not in text, f"{secret!r} leaked in: {text}"


async def assert_nothing_changed(bot: Harness, w: World) -> None:
    (survey,) = await fetch(bot, Survey, id=w.otto_survey)
    assert (survey.status, survey.answered_at) == (SurveyStatus.SENT.value, None)
    assert await fetch(bot, Feedback, customer_id=w.otto) == []
    (ticket,) = await fetch(bot, Ticket, id=w.otto_ticket)
    assert (ticket.status, ticket.assignee_id) == (TicketStatus.OPEN.value, w.team.other_rep_id)
    events = await fetch(bot, TicketEvent, ticket_id=w.otto_ticket)
    assert [event.kind for event in events] == [TicketEventKind.CREATED.value]


async def test_staff_commands_are_refused_to_a_customer(bot: Harness) -> None:
    w = await world(bot)
    for command in STAFF_COMMANDS:
        reply = await w.guest.send(command)
        assert reply.text.endswith(
            "Your sales rep can help you; /complaint reports a problem and /feedback sends us a message."
        ), command
    assert_no_leak(await everything_said(w.guest))


async def test_a_chinese_customer_is_refused_in_chinese(bot: Harness) -> None:
    w = await world(bot, chinese=True)
    reply = await w.guest.send("/find Otto")
    assert reply.text == (
        "/find 用来搜索销售代表和经理负责的客户。您的专属销售可以帮助您；"
        "/complaint 可以投诉问题，/feedback 可以给我们留言。"
    )
    answer = await press(bot, w.guest, f"cust:open:{w.otto}")
    assert answer == "您无法使用这个按钮。"


async def test_a_customers_own_tickets_show_neither_others_nor_internal_notes(bot: Harness) -> None:
    w = await world(bot)
    mine = await w.guest.send("/tickets")
    assert "Our tea arrived cold" in mine.text or mine.buttons()
    for label in [label for row in mine.buttons() for label in row]:
        await w.guest.press(label)
    assert_no_leak(await everything_said(w.guest))


async def test_typing_another_customers_name_or_phone_finds_nothing(bot: Harness) -> None:
    w = await world(bot)
    for text in ("Otto's Shop", "Otto", "1111", "SECRET", "#vip"):
        reply = await w.guest.send(text)
        assert not any("cust:" in str(m.reply_markup) for m in [reply.message]), text
    assert_no_leak(await everything_said(w.guest))


async def press(bot: Harness, who: Person, data: str) -> str:
    """Plant a button with `data`, press it, and return the toast or alert text (empty if none)."""
    await plant_button(bot, who, "tap", data)
    answer = await who.press_for_answer("tap")
    return str((answer or {}).get("text") or "")


async def test_forged_buttons_get_a_refusal_and_no_data(bot: Harness) -> None:
    w = await world(bot)
    for data in forged_buttons(w):
        answer = await press(bot, w.guest, data)
        assert answer, f"{data} was not refused"
        assert_no_leak(answer)
    assert_no_leak(await everything_said(w.guest))
    await assert_nothing_changed(bot, w)


async def test_feedback_from_a_customer_never_reaches_another_customer(bot: Harness) -> None:
    w = await world(bot)
    other_rep = await person(bot, OTHER_REP_TG)
    rep = await person(bot, REP_TG)
    await w.guest.send("/feedback")
    await w.guest.send("Lovely tea")
    await w.guest.press("✅ Send")

    (stored,) = await fetch(bot, Feedback)
    assert (stored.customer_id, stored.rep_id) == (w.lotus, w.team.rep_id)
    await deliver(bot)
    assert "Lovely tea" in await everything_said(rep)
    assert "Lovely tea" not in await everything_said(other_rep)


async def test_a_stranger_gets_nothing(bot: Harness) -> None:
    w = await world(bot)
    stranger = await bot.person(STRANGER_TG, "Nosy")
    for command in (*STAFF_COMMANDS, "/tickets", "/complaint", "Otto's Shop"):
        reply = await stranger.send(command)
        assert reply.text.startswith("Hello! I am FieldCRM"), command
    for data in forged_buttons(w):
        answer = await press(bot, stranger, data)
        assert answer == "This button is not available to you.", data
    assert_no_leak(await everything_said(stranger))
    await assert_nothing_changed(bot, w)
