"""Crafted button data on the buttons of tickets, surveys, complaints, feedback, handover, erase, audit,
invites, imports, exports, settings, teams, language and the outbox: every press is answered, junk and
out-of-range ids as a stale button, buttons of another role as not available, and nothing changes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from telegram import InlineKeyboardMarkup

from bot.domain.enums import SurveyKind, TicketStatus
from bot.domain.roles import Role
from bot.i18n import I18n
from bot.services.ticket_notices import TicketView
from handlers.card.links import open_customer_markup
from handlers.common.buttons import INT32_MAX, INT64_MAX, button_index
from handlers.handover import briefing
from handlers.survey import pushes as survey_pushes
from handlers.ticket import pushes as ticket_pushes
from handlers.ticket import render as ticket_render
from sandbox.factories import NOT_YOURS, STALE, junk, refused_as, row_counts
from sandbox.harness import ADMIN_ID, Harness, Person
from storage.models import (
    AuditLog,
    Customer,
    Feedback,
    Invite,
    Outbox,
    Survey,
    Team,
    Ticket,
    TicketEvent,
    User,
)
from tests.support.complaints import Desk, desk

HUGE = "9" * 40

# What a modified client can send under each declared prefix: ids past the column's range, digits
# int() reads but we never write ("²", "١"), signs, missing and extra fields, words outside the set.
STAFF_JUNK = [
    *junk("tkt:open", HUGE, "²", "-1", "0", "1:2", ""),
    *junk("tkt:take", HUGE, "١"),
    *junk("tkt:done", "2147483648"),
    *junk("tkt:sevto", "1:catastrophic", f"{HUGE}:low", "1"),
    *junk("tkt:to", f"1:{HUGE}", "1"),
    *junk("tkt:reply", HUGE),
    *junk("tkt:note", "+1"),
    *junk("tkt:hist", " 1"),
    *junk("hol:list", f"{HUGE}:0", "1:99999", "1"),
    *junk("hol:page", f"1:{HUGE}", "1:-1"),
]
MANAGER_JUNK = [
    *STAFF_JUNK,
    *junk("tkt:move", HUGE),
    *junk("hov:from", HUGE, "x"),
    *junk("hov:to", "1"),
    *junk("hov:opt", "1:nuke"),
    *junk("hov:go", "1:2"),
    "hov:cancel:1",
    *junk("ers:ask", HUGE),
    *junk("ers:sure", "²"),
    *junk("ers:do", "1:XYZXYZXY", "1:0123abcd:1", f"{HUGE}:0123abcd"),
    *junk("exp:k", "contacts"),
    *junk("exp:f", "customers:pdf", "customers"),
    *junk("inv:role", "admin", "customer", ""),
    *junk("inv:revoke", HUGE),
    *junk("set", "nothing", ""),
    *junk("imp:ok", "a" * 17, "a b", ""),
    *junk("imp:no", "é"),
]
CUSTOMER_JUNK = [
    *junk("srv", f"{HUGE}:5", "1:11", "1:-1", "1:²", "1"),
    *junk("srv:skip", HUGE, "x"),
    *junk("tkt:ans", HUGE),
    *junk("tkt:add", "0"),
    *junk("tkt:ok", "²"),
    *junk("tkt:again", "1:1"),
    *junk("tkt:cat", "weather", ""),
    "tkt:skip:1",
    "tkt:cancel:x",
    "fdb:send:1",
]
ADMIN_JUNK = [
    *junk("aud", f"a:0:o:{HUGE}", f"u:{HUGE}:o:0", "?:0:o:0", "a:0:x:0", "a:0:o"),
    "aud:who:1",
    *junk("team:tz", "Mars/Base", "UTC+8"),
    "team:confirm:1",
    "box:retry:all",
    *junk("lang", "fr", ""),
]


async def rows(bot: Harness) -> dict[str, int]:
    """How many rows each table a press could touch holds."""
    return await row_counts(
        bot, AuditLog, Customer, Feedback, Invite, Outbox, Survey, Team, Ticket, TicketEvent, User
    )


async def world(bot: Harness) -> tuple[Desk, Person]:
    """The complaint desk (with the customer's chat opened) and an admin."""
    d = await desk(bot)
    await d.guest.send("/help")
    return d, await admin(bot)


async def admin(bot: Harness) -> Person:
    ada = await bot.person(ADMIN_ID, "Ada")
    await ada.send("/start")
    return ada


async def test_junk_data_is_answered_as_a_stale_button_for_the_role_that_may_press(bot: Harness) -> None:
    d, ada = await world(bot)
    before = await rows(bot)
    for who, cases in (
        (d.manager, MANAGER_JUNK),
        (d.rep, STAFF_JUNK),
        (d.guest, CUSTOMER_JUNK),
        (ada, ADMIN_JUNK),
    ):
        for data in cases:
            assert await refused_as(bot, who, data) == STALE, data
    for who in (d.manager, d.rep, d.guest):
        assert not any(reply.text.startswith("Sorry") for reply in await who.replies())
    assert not any(reply.text.startswith("Error notice") for reply in await ada.replies())
    assert await rows(bot) == before


async def test_buttons_of_another_role_are_not_available(bot: Harness) -> None:
    d, ada = await world(bot)
    before = await rows(bot)
    cases: list[tuple[Person, list[str]]] = [
        (d.guest, ["tkt:open:1", "tkt:take:1", "tkt:reply:1", "tkt:note:1", "hol:list:1:0", "ers:ask:1"]),
        (d.guest, ["aud:who", "inv:role:rep", "exp:k:customers"]),
        (d.rep, ["tkt:ans:1", "tkt:ok:1", "srv:1:5", "tkt:move:1", "tkt:to:1:1", "hov:go:1"]),
        (d.rep, ["imp:ok:abc", "exp:k:customers", "set:currency", "team:tz:Asia/Tokyo"]),
        (d.manager, ["srv:skip:1", "tkt:cat:product", "aud:a:0:o:0", "box:retry", "team:confirm"]),
        (d.manager, ["fdb:send", "tkt:add:1"]),
        (ada, ["imp:ok:abc", "tkt:add:1", "srv:1:5", "tkt:again:1"]),
    ]
    for who, datas in cases:
        for data in datas:
            assert await refused_as(bot, who, data) == NOT_YOURS, data
    assert await rows(bot) == before


async def test_only_the_roles_offered_to_this_viewer_can_be_invited(bot: Harness) -> None:
    d, ada = await world(bot)
    # Both roles exist as invite buttons, but a manager is offered reps only and an admin managers only.
    assert await refused_as(bot, d.manager, "inv:role:manager") == "This button is no longer active."
    assert await refused_as(bot, ada, "inv:role:rep") == "This button is no longer active."
    assert await refused_as(bot, d.manager, "inv:role:admin") == STALE
    assert not any("cannot invite" in reply.text for reply in await d.manager.replies())
    async with bot.app.db() as session:
        assert await session.scalar(select(func.count()).select_from(Invite)) == 0

    offered = await d.manager.send("/invite")
    assert offered.buttons() == [["sales rep"]]
    link = await d.manager.press("sales rep")
    assert link.text.startswith("Invite link for a new sales rep of East:")


async def test_a_handover_list_shows_only_what_was_handed_to_the_viewer(bot: Harness) -> None:
    d = await desk(bot)
    for handover_id in (1, 2_147_483_647):
        answer = await refused_as(bot, d.rep, f"hol:list:{handover_id}:0")
        assert answer == "You no longer look after any of these customers."
    assert "Lotus" not in "".join(reply.text for reply in await d.rep.replies())


def datas(markup: InlineKeyboardMarkup) -> list[str]:
    return [str(button.callback_data) for row in markup.inline_keyboard for button in row]


async def test_every_button_a_push_carries_is_one_the_guard_accepts_from_its_reader(bot: Harness) -> None:
    """Tickets, surveys and briefings are pushed with keyboards: each button must parse as a declared
    button, with the largest id its column holds, and be pressable by the role it is sent to."""
    t = I18n().translator("en", "Asia/Shanghai")
    index = button_index(bot.app)
    now = datetime(2027, 5, 12, tzinfo=UTC)
    written: list[tuple[Role, InlineKeyboardMarkup]] = [
        (Role.CUSTOMER, ticket_render.reply_button(t, INT32_MAX)),
        (Role.CUSTOMER, ticket_pushes.resolved_keyboard(t, INT32_MAX)),
        (Role.CUSTOMER, survey_pushes.question_keyboard(INT64_MAX, SurveyKind.NPS)),
        (Role.CUSTOMER, survey_pushes.question_keyboard(INT64_MAX, SurveyKind.CSAT)),
        (Role.REP, briefing.briefing_keyboard(t, [], handover_id=INT32_MAX, total=1)),
        (Role.REP, open_customer_markup(t, INT32_MAX)),
    ]
    for status in TicketStatus:
        ticket = Ticket(id=INT32_MAX, number=1, status=status.value)
        view = TicketView(ticket, INT32_MAX, "Lotus", None, [], {}, now)
        written += [
            (Role.REP, ticket_render.staff_keyboard(t, view, manager=False)),
            (Role.MANAGER, ticket_render.staff_keyboard(t, view, manager=True)),
            (Role.REP, ticket_pushes.reply_or_open(t, INT32_MAX)),
            (Role.MANAGER, ticket_pushes.escalation_keyboard(t, INT32_MAX)),
        ]
    for reader, markup in written:
        for data in datas(markup):
            button, _ = index.find(data)
            assert reader in button.roles, data
