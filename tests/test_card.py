"""The customer card: what owner and manager see, money per locale, history pages, the map."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, select, update

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
from storage.models import AuditLog, Contact, Feedback, Order, Reminder, Tag, Team, Ticket, User, Visit


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
    assert "上门拜访 · 顺利" in text
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
    assert "Next follow-up: a visit by " in text
    assert "(tier B: every 60 days)" in text
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


async def reminders_for(
    bot: Harness, team: SalesTeam, customer_id: int, *rows: tuple[str, str, datetime]
) -> None:
    """Reminders about the customer, each (kind, status, due_at), for the team's rep."""
    async with bot.app.db.begin() as session:
        for kind, status, due_at in rows:
            session.add(
                Reminder(
                    team_id=team.team_id,
                    user_id=team.rep_id,
                    customer_id=customer_id,
                    kind=kind,
                    status=status,
                    due_at=due_at,
                )
            )


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_next_follow_up_is_the_earliest_open_reminder_in_the_readers_zone(
    bot: Harness, locale: str
) -> None:
    team = await sales_team(bot, rep_locale=locale)
    now = utcnow()
    # 17:30 UTC is 01:30 the next day in Shanghai, the rep's zone.
    base = datetime.combine(now.date() + timedelta(days=3), time(17, 30), tzinfo=UTC)
    acme = await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name="Acme",
        next_follow_up_at=now + timedelta(days=1),
    )
    await reminders_for(
        bot,
        team,
        acme,
        ("follow_up", "done", now + timedelta(days=1)),
        ("custom", "cancelled", now + timedelta(days=1, hours=1)),
        ("birthday", "pending", now + timedelta(days=2)),
        ("follow_up", "pending", base + timedelta(days=2)),
        ("custom", "snoozed", base),
    )
    rep = await person(bot, REP_TG, chinese=locale == "zh_Hans")
    text = (await open_card(bot, rep, acme)).text
    shown = bot.app.i18n.translator(locale, "Asia/Shanghai").day_time(base)
    assert "01:30" in shown
    label = "下次跟进：" if locale == "zh_Hans" else "Next follow-up: "
    assert f"{label}{shown}" in text


async def test_without_a_reminder_the_cadence_says_when_a_visit_is_due(bot: Harness) -> None:
    team = await sales_team(bot, rep_locale="zh_Hans")
    async with bot.app.db.begin() as session:
        await session.execute(
            update(Team).where(Team.id == team.team_id).values(settings={"cadence_days": {"A": 10}})
        )
    now = utcnow()
    soon = await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name="Soon",
        tier="A",
        last_visit_at=now - timedelta(days=4),
    )
    late = await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name="Late",
        tier="B",
        last_visit_at=now - timedelta(days=70),
    )
    # A finished reminder is no follow-up.
    await reminders_for(bot, team, soon, ("follow_up", "done", now + timedelta(days=1)))
    rep = await person(bot, REP_TG, chinese=True)
    t = bot.app.i18n.translator("zh_Hans", "Asia/Shanghai")
    soon_text = (await open_card(bot, rep, soon)).text
    assert f"下次跟进：{t.day(now + timedelta(days=6), weekday=True)}前拜访（A级：每10天一次）" in soon_text
    late_text = (await open_card(bot, rep, late)).text
    assert (
        f"下次跟进：拜访，自{t.day(now - timedelta(days=10), weekday=True)}起已逾期（B级：每60天一次）"
        in late_text
    )


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_only_old_orders_say_when_the_last_one_was(bot: Harness, locale: str) -> None:
    team = await sales_team(bot, rep_locale=locale)
    acme = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
    now = utcnow()
    async with bot.app.db.begin() as session:
        for days, amount in ((200, "999"), (120, "88.50")):
            session.add(
                Order(
                    team_id=team.team_id,
                    customer_id=acme,
                    rep_id=team.rep_id,
                    amount=Decimal(amount),
                    currency="CNY",
                    ordered_at=now - timedelta(days=days),
                )
            )
    rep = await person(bot, REP_TG, chinese=locale == "zh_Hans")
    text = (await open_card(bot, rep, acme)).text
    day = bot.app.i18n.translator(locale, "Asia/Shanghai").day(now - timedelta(days=120), weekday=True)
    if locale == "zh_Hans":
        assert f"近90天没有订单；最近一笔是{day}的¥88.50。" in text
        assert "近90天订单" not in text
    else:
        assert f"No orders in the last 90 days; the last one, CN¥88.50, on {day}." in text
        assert "Orders, last 90 days" not in text
    assert "999" not in text


async def test_recent_orders_are_listed_under_their_total(bot: Harness) -> None:
    team = await sales_team(bot)
    acme = await rich_customer(bot, team)
    rep = await person(bot, REP_TG)
    text = (await open_card(bot, rep, acme)).text
    orders = text.split("Orders, last 90 days: CN¥1,234.50\n", 1)[1].split("\n\n", 1)[0]
    assert orders.count("  • ") == 2
    assert "CN¥999.00" not in text


async def test_the_owner_is_shown_by_full_name_in_chinese(bot: Harness) -> None:
    team = await sales_team(bot, rep_locale="zh_Hans", manager_locale="zh_Hans")
    async with bot.app.db.begin() as session:
        await session.execute(
            update(User).where(User.id == team.rep_id).values(first_name="伟", last_name="李")
        )
    shop = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="华联超市")
    manager = await person(bot, MANAGER_TG, chinese=True)
    text = (await open_card(bot, manager, shop)).text
    assert "负责人：李伟 · " in text
