"""The customer card: what owner and manager see, money per locale, history pages, the map."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import event, select

from bot.services.card import card_for
from sandbox.factories import (
    MANAGER_TG,
    REP_TG,
    SalesTeam,
    count,
    customer,
    person,
    plant_button,
    rep_viewer,
    sales_team,
)
from sandbox.harness import Harness, Person, Reply
from storage.db import utcnow
from storage.models import AuditLog, Contact, Feedback, Order, Tag, Ticket, Visit


async def open_card(bot: Harness, who: Person, customer_id: int) -> Reply:
    await plant_button(bot, who, "Open", f"cust:open:{customer_id}")
    return await who.press("Open")


async def rich_customer(bot: Harness, team: SalesTeam) -> int:
    now = utcnow()
    acme = await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name="Acme <Trading> & Co",
        company="Acme Ltd",
        phone_e164="+8613800138000",
        tier="A",
        stage="active",
        health_score=42,
        risk_level="high",
        health_reasons=[
            {"code": "no_order", "params": {"days": 63, "usual": 20}},
            {"code": "from_the_future", "params": {}},
            "junk",
        ],
        rfm_r=2,
        rfm_f=4,
        rfm_m=5,
        next_follow_up_at=now + timedelta(days=2),
        note="Prefers calls after 2pm. " * 300,
    )
    async with bot.app.db.begin() as session:
        for days, amount in ((5, "1000"), (40, "234.50"), (200, "999")):
            session.add(
                Order(
                    team_id=team.team_id,
                    customer_id=acme,
                    rep_id=team.rep_id,
                    amount=Decimal(amount),
                    currency="CNY",
                    ordered_at=now - timedelta(days=days),
                    note="Green tea",
                )
            )
        for days in range(10):
            session.add(
                Visit(
                    team_id=team.team_id,
                    customer_id=acme,
                    rep_id=team.rep_id,
                    kind="on_site",
                    outcome="positive",
                    notes=f"Visit number {days} <b>",
                    visited_at=now - timedelta(days=days + 1),
                )
            )
        session.add(
            Ticket(
                team_id=team.team_id, number=1, customer_id=acme, description="Late delivery", status="open"
            )
        )
        session.add(Feedback(team_id=team.team_id, customer_id=acme, kind="csat", score=4, created_at=now))
        session.add(Contact(customer_id=acme, name="Li Wei", title="Buyer", phone_e164="+8613900139000"))
        tag = Tag(team_id=team.team_id, name="wholesale")
        session.add(tag)
        await session.flush()
    from storage.models import customer_tags

    async with bot.app.db.begin() as session:
        await session.execute(customer_tags.insert().values(customer_id=acme, tag_id=tag.id))
    return acme


async def test_owner_sees_the_full_card(bot: Harness) -> None:
    team = await sales_team(bot)
    acme = await rich_customer(bot, team)
    rep = await person(bot, REP_TG)
    await rep.send("/start")
    card = await open_card(bot, rep, acme)
    text = card.text
    assert text.startswith("Acme <Trading> & Co · Acme Ltd")
    assert "Owner: Rita Wang · Tier A · active" in text
    assert "Phone: +86 138 0013 8000" in text
    assert "Health: 42/100, high risk" in text
    assert "No order for 63 days; usually one every 20 days." in text
    assert "from_the_future" not in text
    assert "RFM: R2 F4 M5" in text
    assert "Next follow-up: " in text
    assert text.count("On-site · Positive") == 3
    assert "Visit number 0 <b>" in text
    assert "Orders, last 90 days: CN¥1,234.50" in text
    assert "1 open ticket" in text
    assert "Latest CSAT: 4/5" in text
    assert "Li Wei, Buyer, +86 139 0013 9000" in text
    assert "Tags: wholesale" in text
    assert len(text) < 4096
    assert card.buttons() == [
        ["📝 Log visit", "💰 Log order"],
        ["⏰ Set reminder", "📍 Show on map"],
        ["✏️ Edit", "🕘 History"],
        ["🔗 Customer's link to the bot"],
    ]
    async with bot.app.db() as session:
        audit = (await session.scalars(select(AuditLog).where(AuditLog.action == "customer.viewed"))).all()
    assert [(a.actor_id, a.customer_id) for a in audit] == [(team.rep_id, acme)]


async def test_manager_sees_a_masked_phone_in_chinese(bot: Harness) -> None:
    team = await sales_team(bot, manager_locale="zh_Hans")
    acme = await rich_customer(bot, team)
    manager = await bot.person(MANAGER_TG, "Mona", language_code="zh-hans")
    await manager.send("/start")
    text = (await open_card(bot, manager, acme)).text
    assert "电话：+86 138****8000" in text
    assert "0013 8000" not in text
    assert "+86 139****9000" in text
    assert "负责人：Rita" in text
    assert "近90天订单：¥1,234.50" in text
    assert "已有63天没有下单" in text
    assert "上门拜访 · 积极" in text
    assert await count(bot, AuditLog, action="customer.viewed", actor_id=team.manager_id) == 1


async def test_a_bare_customer_is_not_scored_yet(bot: Harness) -> None:
    team = await sales_team(bot)
    bare = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Newco")
    rep = await person(bot, REP_TG)
    await rep.send("/start")
    text = (await open_card(bot, rep, bare)).text
    assert "Health: not scored yet" in text
    assert "No visits logged yet." in text
    assert "No orders logged yet." in text
    assert "Next follow-up: none planned" in text
    assert "open ticket" not in text


async def test_history_pages_and_back(bot: Harness) -> None:
    team = await sales_team(bot)
    acme = await rich_customer(bot, team)
    rep = await person(bot, REP_TG)
    await rep.send("/start")
    await open_card(bot, rep, acme)
    first = await rep.press("🕘 History")
    assert first.text.startswith("History of Acme <Trading> & Co · page 1")
    assert first.text.count("\n• ") == 8
    assert first.buttons() == [["Older ▶"], ["Back to card"]]
    second = await rep.press("Older ▶")
    # 10 visits, 3 orders, 1 ticket, 1 CSAT: 15 entries, 7 of them on the second page.
    assert "page 2" in second.text
    assert second.text.count("\n• ") == 7
    assert second.buttons()[0] == ["◀ Newer"]
    assert "Order CN¥999.00 — Green tea" in second.text
    both = first.text + second.text
    assert "Ticket #1 (open) — Late delivery" in both
    assert "CSAT 4/5" in both
    assert both.count("Visit (On-site), Positive") == 10
    assert "page 1" in (await rep.press("◀ Newer")).text
    back = await rep.press("Back to card")
    assert back.text.startswith("Acme <Trading> & Co")


async def test_show_on_map_with_and_without_a_location(bot: Harness) -> None:
    team = await sales_team(bot, rep_locale="zh_Hans")
    placed = await customer(
        bot, team_id=team.team_id, owner_id=team.rep_id, name="Placed", latitude=31.23, longitude=121.47
    )
    nowhere = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Nowhere")
    rep = await person(bot, REP_TG, chinese=True)
    await rep.send("/start")
    await open_card(bot, rep, placed)
    await rep.press("📍 查看地图")
    sent = await rep.last_message()
    assert sent.message.location is not None
    assert (sent.message.location["latitude"], sent.message.location["longitude"]) == (31.23, 121.47)
    await open_card(bot, rep, nowhere)
    note = await rep.press("📍 查看地图")
    assert "Nowhere还没有保存位置" in note.text


async def card_queries(bot: Harness, team: SalesTeam, customer_id: int) -> int:
    """How many SQL statements building one card takes."""
    viewer = rep_viewer(team)
    statements: list[str] = []

    def counted(*args: Any) -> None:
        statements.append(args[2])

    engine = bot.app.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        async with bot.app.db.begin() as session:
            await card_for(session, viewer=viewer, customer_id=customer_id, now=utcnow())
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return len(statements)


async def test_the_card_takes_the_same_few_queries_however_long_the_history(bot: Harness) -> None:
    team = await sales_team(bot)
    bare = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Newco")
    rich = await rich_customer(bot, team)
    queries = await card_queries(bot, team, bare)
    assert queries == await card_queries(bot, team, rich) <= 8


async def test_log_visit_and_order_from_the_card(bot: Harness) -> None:
    team = await sales_team(bot)
    acme = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
    rep = await person(bot, REP_TG)
    await rep.send("/start")
    card = await open_card(bot, rep, acme)
    question = await rep.press("📝 Log visit")
    assert question.message.message_id != card.message.message_id
    assert "Visit to Acme. How did you meet?" in question.text
    await rep.press("Phone")
    await rep.press("Positive")
    await rep.press("Skip")
    await rep.press("No follow-up")
    saved = await rep.press("✅ Save")
    assert "Visit to Acme saved." in saved.text
    assert (await rep.press("Open card")).text.startswith("Acme")
    assert "How much is it?" in (await rep.press("💰 Log order")).text
    await rep.send("66")
    await rep.press("CNY")
    await rep.press("Skip")
    await rep.press("Today")
    await rep.press("✅ Save")
    refreshed = await open_card(bot, rep, acme)
    assert "Phone · Positive" in refreshed.text
    assert "Orders, last 90 days: CN¥66.00" in refreshed.text
    assert await count(bot, Visit, customer_id=acme) == 1
