"""Crafted button data on the buttons of the card, /new, editing, /find, /visit, /order, /remind,
reminder pushes, risk alerts, transfers and the digest: every press is answered, junk and
out-of-range ids as a stale button, buttons of another role as not available, and nothing changes.
A crafted transfer request in /new names nobody; inline offsets we never wrote never crash.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from telegram import InlineKeyboardMarkup

from bot.domain.digest import daily
from bot.domain.roles import Role
from bot.i18n import I18n
from bot.services import transfers
from bot.services.customer_records import Draft
from bot.services.digest import Digest
from bot.services.errors import NotFound
from bot.services.revisits import DueRevisit
from handlers.common.buttons import INT32_MAX, INT64_MAX, button_index
from handlers.digest import message as digest_message
from handlers.reminder import revisits as revisit_pushes
from handlers.risk import pushes as risk_pushes
from sandbox.factories import (
    MANAGER_TG,
    NOT_YOURS,
    REP_TG,
    STALE,
    SalesTeam,
    count,
    customer,
    fetch,
    junk,
    person,
    plant_button,
    refused_as,
    rep_viewer,
    row_counts,
    sales_team,
)
from sandbox.harness import ADMIN_ID, Harness, Person, Reply
from storage.models import (
    AuditLog,
    Customer,
    Order,
    Outbox,
    Reminder,
    RiskAlert,
    TransferRequest,
    Visit,
)
from storage.queries.digest import Exceptions, RepVisits, Sales, Satisfaction, TeamRow

HUGE = "9" * 40
PAST_INT64 = str(INT64_MAX + 1)

# What a modified client can send under each declared prefix: ids past the column's range, digits
# int() reads but we never write ("²", "١"), signs, missing and extra fields, words outside the set.
FIELD_JUNK = [
    *junk("cust:open", HUGE, "²", "-1", "0", "1:2", "", str(INT32_MAX + 1)),
    *junk("cust:card", "١"),
    *junk("cust:hist", "1:-1", "1:99999", "1", f"{HUGE}:0"),
    *junk("cust:map", " 1"),
    *junk("cust:edit", "+1"),
    *junk("cust:link", HUGE),
    *junk("cust:ef", "1:salary", f"{HUGE}:name", "1"),
    *junk("cust:et", "Z", "vip"),
    "cust:eclear:1",
    *junk("visit:start", HUGE),
    *junk("visit:pick", "²"),
    *junk("visit:page", "-1"),
    *junk("visit:kind", "sideways", ""),
    *junk("visit:out", "great"),
    "visit:notes:skip:1",
    *junk("visit:adopt", "maybe"),
    *junk("visit:fu", "3y", "1d:1"),
    *junk("visit:goto", "price"),
    "visit:save:1",
    *junk("order:start", HUGE),
    *junk("order:cur", "GBP", "cny"),
    *junk("order:date", "tomorrow"),
    *junk("order:goto", "price"),
    "order:prod:skip:x",
    *junk("rem:new", HUGE),
    *junk("rem:when", "1y"),
    *junk("rem:done", HUGE, PAST_INT64, "0"),
    *junk("rem:snz", "1:2d", f"{HUGE}:1h", "1"),
    "rem:for:them",
    *junk("risk:visit", HUGE, PAST_INT64),
    *junk("risk:snooze", "²"),
    *junk("risk:fine", "0"),
    *junk("new:transfer", HUGE),
    *junk("new:skip", "salary", "2"),
    *junk("new:tier", "Z"),
    "new:anyway:1",
    *junk("find:page", f"{HUGE}:x", "-1:x", "1"),
]
MANAGER_JUNK = [
    *junk("risk:move", HUGE),
    *junk("risk:to", f"1:{HUGE}", "1"),
    *junk("xfer:pick", HUGE),
    *junk("xfer:to", "1:²", "1"),
    *junk("xfer:ok", "-1"),
    *junk("xfer:no", HUGE),
    *junk("dig:visits", "d:20261131", "d:2026113", "d"),
    *junk("dig:risk", "x:20261124"),
    *junk("dig:tickets", "1"),
    *junk("dig:followups", "x"),
]


async def rows(bot: Harness) -> dict[str, int]:
    """How many rows each table a press could touch holds."""
    return await row_counts(
        bot, AuditLog, Customer, Order, Outbox, Reminder, RiskAlert, TransferRequest, Visit
    )


async def everything_said(who: Person) -> str:
    return "\n".join(f"{m.content}\n{m.buttons()}" for m in await who.account.bot_messages())


async def no_apology(*people: Person) -> None:
    for who in people:
        assert not any(reply.text.startswith("Sorry") for reply in await who.replies())


async def test_junk_data_is_answered_as_a_stale_button_for_the_role_that_may_press(bot: Harness) -> None:
    team = await sales_team(bot)
    await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Lotus Tea House")
    rep, manager = await person(bot, REP_TG), await person(bot, MANAGER_TG)
    before = await rows(bot)
    for who, cases in ((rep, FIELD_JUNK), (manager, FIELD_JUNK), (manager, MANAGER_JUNK)):
        for data in cases:
            assert await refused_as(bot, who, data) == STALE, data
    await no_apology(rep, manager)
    assert await rows(bot) == before


async def test_buttons_of_another_role_are_not_available(bot: Harness) -> None:
    team = await sales_team(bot)
    lotus = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Lotus Tea House")
    rep = await person(bot, REP_TG)
    ada = await bot.person(ADMIN_ID, "Ada")
    await ada.send("/start")
    stranger = await bot.person(4242, "Nosy")
    await stranger.send("/start")
    before = await rows(bot)
    field_only = [
        f"visit:start:{lotus}",
        f"order:start:{lotus}",
        f"rem:new:{lotus}",
        "visit:save",
        "order:cur:CNY",
        "rem:done:1",
        "rem:snz:1:1h",
        "risk:visit:1",
        "new:skip:company",
        "find:page:0:Lotus",
    ]
    management = [
        "xfer:pick:1",
        "xfer:to:1:1",
        "xfer:ok:1",
        "xfer:no:1",
        "dig:tickets",
        "dig:visits:d:20261124",
    ]
    staff = [f"cust:open:{lotus}", f"cust:card:{lotus}", f"cust:hist:{lotus}:0", f"cust:edit:{lotus}"]
    cases: list[tuple[Person, list[str]]] = [
        (stranger, [*staff, *field_only, *management]),
        (ada, field_only),
        (rep, [*management, "risk:move:1", "risk:to:1:1"]),
    ]
    for who, datas in cases:
        for data in datas:
            assert await refused_as(bot, who, data) == NOT_YOURS, data
    assert "Lotus" not in await everything_said(stranger)
    assert await rows(bot) == before


async def fill_new(rep: Person, name: str, *, phone: str) -> Reply:
    """/new up to the duplicate guard after the phone: past the name's warning, the company skipped."""
    await rep.send("/new")
    await rep.send(name)
    await rep.press("Continue creating")
    await rep.press("Skip")
    return await rep.send(phone)


async def colleagues_customers(bot: Harness) -> tuple[SalesTeam, int, int]:
    """Li Wei's 王五 (whom Rita is about to enter again) and his Secret Client (whom she is not)."""
    team = await sales_team(bot)
    theirs = await customer(
        bot, team_id=team.team_id, owner_id=team.other_rep_id, name="王五", phone="+8613900001111"
    )
    secret = await customer(bot, team_id=team.team_id, owner_id=team.other_rep_id, name="Secret Client")
    return team, theirs, secret


async def test_a_crafted_transfer_request_names_nobody_and_asks_nothing(bot: Harness) -> None:
    _, theirs, secret = await colleagues_customers(bot)
    rep = await person(bot, REP_TG)
    offer = await fill_new(rep, "汪五", phone="139 0000 1111")
    assert offer.buttons() == [["Request transfer"], ["Cancel"]]

    # The duplicate step is open, but the id is a colleague's customer that was never shown.
    for data in (f"new:transfer:{secret}", f"new:transfer:{INT32_MAX}"):
        answer = await refused_as(bot, rep, data)
        assert answer == "This button is no longer active.", data
    assert await count(bot, Outbox) == 0
    assert await count(bot, TransferRequest) == 0
    assert await count(bot, AuditLog, action="transfer.requested") == 0
    assert "Secret" not in await everything_said(rep)

    # The button that was shown still works, for the customer that was shown.
    done = await rep.press("Request transfer")
    assert "your manager has been asked to transfer 王五 to you" in done.text
    [request] = await fetch(bot, TransferRequest)
    assert request.customer_id == theirs


async def test_the_transfer_request_stays_with_the_dialog(bot: Harness) -> None:
    """Outside /new, or after it was cancelled, a transfer button does nothing."""
    _, theirs, _ = await colleagues_customers(bot)
    rep = await person(bot, REP_TG)
    assert await refused_as(bot, rep, f"new:transfer:{theirs}") == STALE
    await fill_new(rep, "汪五", phone="139 0000 1111")
    await rep.send("/cancel")
    await plant_button(bot, rep, "Old", f"new:transfer:{theirs}")
    assert await rep.press_for_answer("Old") is not None
    assert await count(bot, TransferRequest) == 0
    assert await count(bot, Outbox) == 0


async def test_the_service_refuses_a_transfer_for_a_customer_that_does_not_match(bot: Harness) -> None:
    team, theirs, secret = await colleagues_customers(bot)
    viewer = rep_viewer(team)
    typed = Draft(name="汪五", phone="+8613900001111")
    now = datetime(2026, 11, 24, tzinfo=UTC)
    async with bot.app.db.begin() as session:
        with pytest.raises(NotFound):
            await transfers.request_transfer(session, viewer=viewer, customer_id=secret, draft=typed, now=now)
        asked = await transfers.request_transfer(
            session, viewer=viewer, customer_id=theirs, draft=typed, now=now
        )
    assert asked.customer_name == "王五"
    assert [r.customer_id for r in await fetch(bot, TransferRequest)] == [theirs]


@pytest.mark.parametrize("offset", ["²", "١", HUGE, "-1", " 1", "abc", "51", "10001"])
async def test_an_inline_offset_we_never_wrote_asks_for_nothing_more(bot: Harness, offset: str) -> None:
    team = await sales_team(bot)
    for n in range(12):
        await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name=f"Acme {n:02}")
    rep = await person(bot, REP_TG)
    first = await inline(rep, "acme", offset="")
    assert len(first["results"]) == 10
    assert first["next_offset"] == "1"
    assert len((await inline(rep, "acme", offset="1"))["results"]) == 2
    crafted = await inline(rep, "acme", offset=offset)
    assert (crafted["results"], crafted.get("next_offset", "")) == ([], "")
    await no_apology(rep)


async def inline(who: Person, text: str, *, offset: str) -> dict[str, Any]:
    update_id = await who.account.inline_query(text, offset=offset)
    await who._settle(update_id)
    answer = await who.account.inline_answer(update_id)
    assert answer is not None, f"offset {offset!r} was never answered"
    return answer


def datas(markup: InlineKeyboardMarkup | None) -> list[str]:
    assert markup is not None
    return [str(button.callback_data) for row in markup.inline_keyboard for button in row]


async def test_every_button_these_pushes_carry_is_one_the_guard_accepts_from_its_reader(
    bot: Harness,
) -> None:
    """Risk alerts, revisit summaries and the digest are pushed with keyboards: each button must
    parse as a declared button, with the largest id its column holds, and be pressable by the role
    it is sent to."""
    t = I18n().translator("en", "Asia/Shanghai")
    index = button_index(bot.app)
    planned = DueRevisit(customer_id=INT32_MAX, customer_name="Lotus", tier="A", last_visit_at=None)
    team = TeamRow(id=1, name="East", timezone="Asia/Shanghai", currency="CNY", locale="en", settings={})
    digest = Digest(
        team=team,
        period=daily(date(2026, 11, 24)),
        now=datetime(2026, 11, 24, 12, tzinfo=UTC),
        exceptions=Exceptions(new_high_risk=1, overdue_tickets=1, overdue_follow_ups=1, open_tickets=1),
        reps=[RepVisits(rep_id=1, name="Rita", visits=3, baseline=2)],
        new_customers=1,
        sales=Sales(orders=1, revenue=Decimal(1), previous_orders=0, previous_revenue=Decimal(0)),
        satisfaction=Satisfaction(csat_total=0, csat_answers=0, promoters=0, detractors=0, nps_answers=0),
        chart_days=[],
        chart_revenue=[],
    )
    written: list[tuple[Role, InlineKeyboardMarkup | None]] = [
        (Role.REP, risk_pushes.alert_keyboard(t, INT64_MAX, INT32_MAX, for_manager=False)),
        (Role.MANAGER, risk_pushes.alert_keyboard(t, INT64_MAX, INT32_MAX, for_manager=True)),
        (Role.REP, revisit_pushes.summary_keyboard([planned])),
        (Role.MANAGER, digest_message.keyboard(t, digest)),
    ]
    for reader, markup in written:
        for data in datas(markup):
            button, _ = index.find(data)
            assert reader in button.roles, data
    assert len(datas(digest_message.keyboard(t, digest))) == 6
