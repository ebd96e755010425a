"""Erasing a customer's personal data: two confirmations naming the customer, everything personal
gone wherever it was kept, counts and amounts kept, the Telegram link cut, an audit entry; and
every way the erasure is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from bot.jobs import background
from storage.models import (
    AuditLog,
    Contact,
    Customer,
    Feedback,
    Order,
    Outbox,
    Reminder,
    Survey,
    Ticket,
    TicketEvent,
    User,
    Visit,
)
from tests.factories import (
    MANAGER_TG,
    REP_TG,
    SalesTeam,
    customer,
    fetch,
    person,
    plant_button,
    press_forged,
    sales_team,
)
from tests.harness import Harness, Person, Reply
from tests.test_handover import link_account, other_team

NOW = datetime(2027, 5, 12, 2, 0, tzinfo=UTC)
GUEST_TG = 9601


async def rich_customer(bot: Harness, team: SalesTeam, name: str = "Lotus Tea House") -> int:
    """A customer with something personal in every place the erasure has to reach; the clock at NOW."""
    background(bot.app).clock = lambda: NOW
    lotus = await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name=name,
        company="Lotus Trading",
        phone="+8613800138000",
        address="9 Secret Street",
        birthday=date(1980, 5, 17),
        note="Gate code 4711",
        latitude=31.2,
        longitude=121.4,
        tier="A",
        stage="active",
        tags=("wholesale",),
    )
    async with bot.app.db.begin() as session:
        session.add(Contact(customer_id=lotus, name="Lin Mei", phone_e164="+8613900139000"))
        for days, amount in ((3, "1000"), (40, "234.50")):
            session.add(
                Visit(
                    team_id=team.team_id,
                    customer_id=lotus,
                    rep_id=team.rep_id,
                    notes="Talked about her divorce",
                    photo_file_id="photo-1",
                    latitude=31.2,
                    longitude=121.4,
                    visited_at=NOW - timedelta(days=days),
                )
            )
            session.add(
                Order(
                    team_id=team.team_id,
                    customer_id=lotus,
                    rep_id=team.rep_id,
                    amount=Decimal(amount),
                    currency="CNY",
                    ordered_at=NOW - timedelta(days=days),
                    note="Deliver to her flat",
                )
            )
        session.add(Feedback(team_id=team.team_id, customer_id=lotus, kind="csat", score=4))
        session.add(
            Feedback(team_id=team.team_id, customer_id=lotus, kind="text", comment="Call me on my cell")
        )
        ticket = Ticket(
            team_id=team.team_id, number=1, customer_id=lotus, description="My address is 9 Secret Street"
        )
        session.add(ticket)
        await session.flush()
        session.add(TicketEvent(ticket_id=ticket.id, kind="reply_in", body="My husband will pay"))
        session.add(
            Reminder(
                team_id=team.team_id,
                user_id=team.rep_id,
                customer_id=lotus,
                kind="birthday",
                due_at=NOW + timedelta(days=5),
                note="Flowers for Lin",
            )
        )
        session.add(
            Survey(team_id=team.team_id, customer_id=lotus, kind="nps", due_at=NOW + timedelta(days=1))
        )
        session.add(
            AuditLog(
                action="customer.edited",
                actor_id=team.rep_id,
                team_id=team.team_id,
                customer_id=lotus,
                details={"field": "phone", "before": "+8613700137000", "after": "+8613800138000"},
            )
        )
    return lotus


async def open_card(bot: Harness, who: Person, customer_id: int) -> Reply:
    await plant_button(bot, who, "Open", f"cust:open:{customer_id}")
    return await who.press("Open")


async def test_a_manager_erases_a_customer_after_two_confirmations(bot: Harness) -> None:
    team = await sales_team(bot)
    lotus = await rich_customer(bot, team)
    guest = await link_account(bot, lotus, GUEST_TG, "en")
    async with bot.app.db.begin() as session:
        account = await session.scalar(select(User).where(User.telegram_id == GUEST_TG))
        assert account is not None
        session.add(
            Outbox(dedupe_key="survey:x", chat_id=GUEST_TG, user_id=account.id, kind="survey", payload={})
        )
    rep = await person(bot, REP_TG)
    manager = await person(bot, MANAGER_TG)

    card = await open_card(bot, manager, lotus)
    step_one = await manager.press("🗑 Erase data")
    assert step_one.text.startswith("🗑 Erase the personal data of Lotus Tea House?")
    assert step_one.text.endswith("This cannot be undone.")
    assert step_one.buttons() == [["Continue ▶"], ["Cancel"]]
    step_two = await manager.press("Continue ▶")
    assert step_two.text == (
        "⚠️ Last check: erase the personal data of Lotus Tea House for good? There is no way back."
    )
    assert step_two.buttons() == [["🗑 Erase Lotus Tea House for good"], ["Cancel"]]
    await manager.press("🗑 Erase Lotus Tea House for good")
    replies = await manager.replies()
    assert replies[-2].text == "✅ The customer's personal data is erased. This is what remains:"
    erased = replies[-1].text
    assert erased.splitlines() == [
        f"Erased customer #{lotus}",
        "Personal data erased on May 12, 2027 at the customer's request. "
        "The record is kept for statistics only.",
        "Owner: Rita Wang · Tier A · active",
        "Visits: 2 · Orders: 2 · Tickets: 1 · Scores: 1",
        "Orders in total: CN¥1,234.50",
    ]
    assert card.text.startswith("Lotus Tea House")

    (row,) = await fetch(bot, Customer, id=lotus)
    assert row.name == f"#{lotus}"
    assert (row.company, row.phone_e164, row.phone_last4, row.address, row.birthday, row.note) == (None,) * 6
    assert (row.name_pinyin, row.company_key, row.latitude, row.user_id, row.erased_at) == (
        None,
        None,
        None,
        None,
        NOW,
    )
    assert (row.tier, row.stage, row.owner_id) == ("A", "active", team.rep_id)
    assert await fetch(bot, Contact, customer_id=lotus) == []
    visits = await fetch(bot, Visit, customer_id=lotus)
    assert [(v.notes, v.photo_file_id, v.latitude) for v in visits] == [(None, None, None)] * 2
    orders = await fetch(bot, Order, customer_id=lotus)
    assert sorted(o.amount for o in orders) == [Decimal("234.50"), Decimal("1000.00")]
    assert {o.note for o in orders} == {None}
    feedback = await fetch(bot, Feedback, customer_id=lotus)
    assert sorted((f.kind, f.score, f.comment) for f in feedback) == [("csat", 4, None), ("text", None, None)]
    (ticket,) = await fetch(bot, Ticket, customer_id=lotus)
    assert (ticket.description, ticket.status) == ("", "closed")
    assert [e.body for e in await fetch(bot, TicketEvent, ticket_id=ticket.id)] == [None]
    (reminder,) = await fetch(bot, Reminder, customer_id=lotus)
    assert (reminder.status, reminder.note) == ("cancelled", None)
    assert [s.status for s in await fetch(bot, Survey, customer_id=lotus)] == ["cancelled"]
    assert await fetch(bot, Outbox, dedupe_key="survey:x") == []
    (account_row,) = await fetch(bot, User, telegram_id=GUEST_TG)
    assert account_row.role is None
    (edit,) = await fetch(bot, AuditLog, action="customer.edited")
    assert edit.details == {"field": "phone", "erased": True}
    (entry,) = await fetch(bot, AuditLog, action="erase")
    assert (entry.actor_id, entry.customer_id, entry.details) == (
        team.manager_id,
        lotus,
        {"visits": 2, "orders": 2},
    )

    # The card now shows the neutral label to the manager, and nothing to the rep.
    again = await open_card(bot, manager, lotus)
    assert again.text.startswith(f"Erased customer #{lotus}\n")
    answer = await press_forged(bot, rep, "Open", f"cust:open:{lotus}")
    assert answer is not None
    assert answer["text"] == "This customer is not in your list (or no longer exists)."
    assert "No customer matches" in (await rep.send("/find Lotus")).text
    # The person's Telegram is no longer a customer account.
    assert "don't know you yet" in (await guest.send("/help")).text
    # A late press on the first step is refused.
    late = await press_forged(bot, manager, "Continue", f"ers:sure:{lotus}")
    assert late is not None
    assert late["text"] == "This customer's personal data has already been erased."


async def test_erasing_in_chinese(bot: Harness) -> None:
    team = await sales_team(bot, manager_locale="zh_Hans")
    lotus = await rich_customer(bot, team, name="莲花茶馆")
    manager = await person(bot, MANAGER_TG, chinese=True)
    card = await open_card(bot, manager, lotus)
    assert ["🔁 转给他人", "🗑 删除数据"] in card.buttons()
    step_one = await manager.press("🗑 删除数据")
    assert step_one.text.startswith("🗑 删除 莲花茶馆 的个人数据？")
    step_two = await manager.press("继续 ▶")
    assert step_two.text == "⚠️ 最后确认：永久删除 莲花茶馆 的个人数据？删除后无法恢复。"
    await manager.press("🗑 永久删除 莲花茶馆")
    erased = (await manager.replies())[-1].text
    assert erased.splitlines()[0] == f"已删除的客户 #{lotus}"
    assert "拜访：2 · 订单：2 · 工单：1 · 评分：1" in erased
    assert "订单总额：¥1,234.50" in erased
    assert (await fetch(bot, Customer, id=lotus))[0].erased_at == NOW


async def test_erasure_refusals(bot: Harness) -> None:
    team = await sales_team(bot)
    lotus = await rich_customer(bot, team)
    rep = await person(bot, REP_TG)
    manager = await person(bot, MANAGER_TG)
    ola, _ = await other_team(bot)

    rep_card = await open_card(bot, rep, lotus)
    assert "🗑 Erase data" not in [label for row in rep_card.buttons() for label in row]
    for data in (f"ers:ask:{lotus}", f"ers:sure:{lotus}", f"ers:do:{lotus}:0123abcd"):
        answer = await press_forged(bot, rep, "Erase", data)
        assert answer is not None
        assert answer["text"] == "This button is not available to you."
    answer = await press_forged(bot, ola, "Erase", f"ers:ask:{lotus}")
    assert answer is not None
    assert answer["text"] == "This customer is not in your list (or no longer exists)."

    # Skipping the second confirmation with a made-up code erases nothing.
    answer = await press_forged(bot, manager, "Erase now", f"ers:do:{lotus}:0123abcd")
    assert answer is not None
    assert answer["text"] == "This confirmation is no longer valid. Open the card and start again."
    await open_card(bot, manager, lotus)
    await manager.press("🗑 Erase data")
    await manager.press("Continue ▶")
    cancelled = await manager.press("Cancel")
    assert cancelled.text == "Cancelled. Nothing was erased."
    await open_card(bot, manager, lotus)
    await manager.press("🗑 Erase data")
    step_two = await manager.press("Continue ▶")
    data = step_two.message.button_data("🗑 Erase Lotus Tea House for good")
    other_code = "0" * 8 if not data.endswith("0" * 8) else "1" * 8
    answer = await press_forged(bot, manager, "Other code", data[:-8] + other_code)
    assert answer is not None
    assert answer["text"] == "This confirmation is no longer valid. Open the card and start again."
    assert (await fetch(bot, Customer, id=lotus))[0].erased_at is None
    assert await fetch(bot, AuditLog, action="erase") == []
