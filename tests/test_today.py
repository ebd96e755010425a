"""/today: a seeded day seen by a rep and by their manager, an empty day, both languages, long lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from bot.domain.enums import ReminderStatus
from sandbox.harness import Harness
from storage.models import Contact, Team
from tests.support.reminders import MANAGER, REP, Desk, T, add_customer, add_reminder, chatting, desk, frozen


async def seed_day(bot: Harness, d: Desk) -> dict[str, int]:
    ids = {name: await add_customer(bot, d, name) for name in ("Acme", "Bolt", "Echo", "Fox")}
    ids["Chen Hua"] = await add_customer(bot, d, "Chen Hua", birthday=date(1980, 11, 24))
    ids["Delta"] = await add_customer(
        bot, d, "Delta", risk_level="high", health_score=20, health_computed_at=T - timedelta(hours=2)
    )
    ids["Golf"] = await add_customer(bot, d, "Golf", tier="VIP", last_visit_at=T - timedelta(days=20))
    ids["Hotel"] = await add_customer(bot, d, "Hotel", tier="C", last_visit_at=T - timedelta(days=10))
    ids["India"] = await add_customer(bot, d, "India", tier="A", created_at=T - timedelta(days=40))
    ids["Otto's"] = await add_customer(bot, d, "Juliet", owner_id=d.other_id, birthday=date(1990, 11, 24))
    async with bot.app.db.begin() as session:
        session.add(Contact(customer_id=ids["Bolt"], name="Mrs. Li", birthday=date(1975, 11, 24)))
        session.add(Contact(customer_id=ids["Acme"], name="Mr. Wu", birthday=date(1975, 11, 25)))
    await add_reminder(
        bot, d, due_at=T - timedelta(days=1), customer_id=ids["Acme"], note="Call back about samples"
    )
    await add_reminder(bot, d, due_at=T + timedelta(hours=6), customer_id=ids["Bolt"])
    await add_reminder(bot, d, due_at=T + timedelta(hours=3), note="Team meeting")
    await add_reminder(bot, d, due_at=T + timedelta(days=1), customer_id=ids["Echo"], note="tomorrow")
    await add_reminder(
        bot, d, due_at=T - timedelta(days=2), customer_id=ids["Fox"], status=ReminderStatus.DONE, note="done"
    )
    await add_reminder(
        bot,
        d,
        due_at=T - timedelta(hours=1),
        customer_id=ids["Otto's"],
        user_id=d.other_id,
        note="Otto's call",
    )
    await add_customer(
        bot, d, "Echo-risk", risk_level="medium", health_score=55, health_computed_at=T - timedelta(days=3)
    )
    return ids


REP_DAY = """📅 Today, Tue, Nov 24

⚠️ 1 overdue follow-up
• Acme: Call back about samples · Mon, Nov 23, 09:00

📌 2 follow-ups due today
• Team meeting · Tue, Nov 24, 12:00
• Bolt · Tue, Nov 24, 15:00

🎂 2 birthdays today
• Mrs. Li at Bolt
• Chen Hua

🔥 1 customer newly at risk
• Delta — high risk, health 20

🚗 2 customers due a visit
• India (A) — never visited
• Golf (VIP) — last visit 3 weeks ago"""


async def test_a_reps_day(bot: Harness) -> None:
    d = await desk(bot)
    ids = await seed_day(bot, d)
    rep = await chatting(bot, REP)
    frozen(bot, T)
    reply = await rep.send("/today")
    assert reply.text == REP_DAY
    names = ["Acme", "Bolt", "Chen Hua", "Delta", "India", "Golf"]
    assert reply.buttons() == [[name, "📝 Log visit"] for name in names]
    assert reply.message.button_data("India") == f"cust:open:{ids['India']}"
    markup = reply.message.reply_markup
    assert markup is not None
    assert markup["inline_keyboard"][0][1]["callback_data"] == f"visit:start:{ids['Acme']}"


async def test_birthdays_follow_the_reps_time_zone(bot: Harness) -> None:
    d = await desk(bot)
    await seed_day(bot, d)
    rep = await chatting(bot, REP)
    frozen(bot, datetime(2026, 11, 23, 16, 30, tzinfo=UTC))
    text = (await rep.send("/today")).text
    assert text.startswith("📅 Today, Tue, Nov 24")
    assert "🎂 2 birthdays today" in text
    frozen(bot, datetime(2026, 11, 23, 15, 30, tzinfo=UTC))
    text = (await rep.send("/today")).text
    assert text.startswith("📅 Today, Mon, Nov 23")
    assert "birthday" not in text


async def test_team_cadence_overrides_apply(bot: Harness) -> None:
    d = await desk(bot)
    await seed_day(bot, d)
    async with bot.app.db.begin() as session:
        await session.execute(update(Team).values(settings={"cadence_days": {"C": 5}}))
    rep = await chatting(bot, REP)
    frozen(bot, T)
    text = (await rep.send("/today")).text
    assert "🚗 3 customers due a visit" in text
    assert "• Hotel (C) — last visit 1 week ago" in text


async def test_a_managers_day_is_labelled_by_owner(bot: Harness) -> None:
    d = await desk(bot)
    await seed_day(bot, d)
    manager = await chatting(bot, MANAGER)
    frozen(bot, T)
    text = (await manager.send("/today")).text
    assert "⚠️ 2 overdue follow-ups" in text
    assert "• Acme: Call back about samples · Mon, Nov 23, 09:00 — Rita" in text
    assert "• Juliet: Otto's call · Tue, Nov 24, 08:00 — Otto" in text
    assert "🎂 3 birthdays today" in text
    assert "• Juliet — Otto" in text


async def test_the_rep_does_not_see_another_reps_items(bot: Harness) -> None:
    d = await desk(bot)
    await seed_day(bot, d)
    rep = await chatting(bot, REP)
    frozen(bot, T)
    assert "Juliet" not in (await rep.send("/today")).text


async def test_a_day_in_chinese(bot: Harness) -> None:
    d = await desk(bot, rep_locale="zh_Hans")
    await seed_day(bot, d)
    rep = await chatting(bot, REP, chinese=True)
    frozen(bot, T)
    reply = await rep.send("/today")
    lines = reply.text.split("\n")
    assert lines[0] == "📅 今天，11月24日周二"
    assert "⚠️ 1条跟进已逾期" in lines
    assert "• Acme：Call back about samples · 11月23日周一 09:00" in lines
    assert "🎂 今天有2人过生日" in lines
    assert "• Bolt的Mrs. Li" in lines
    assert "• Delta — 高风险，健康度20" in lines
    assert "• India（A）— 从未拜访" in lines
    assert reply.buttons()[0] == ["Acme", "📝 记录拜访"]


async def test_an_empty_day_in_both_languages(bot: Harness) -> None:
    await desk(bot)
    frozen(bot, T)
    rep = await chatting(bot, REP)
    reply = await rep.send("/today")
    assert reply.text.startswith("Nothing is due today")
    assert reply.buttons() == []
    await rep.send("/lang")
    await rep.press("简体中文")
    assert (await rep.send("/today")).text.startswith("今天没有待办")


async def test_a_long_day_is_shortened(bot: Harness) -> None:
    d = await desk(bot)
    for n in range(30):
        customer = await add_customer(bot, d, f"{n:02d} " + "Very Long Trading Company Name 长" * 6)
        await add_reminder(
            bot, d, due_at=T - timedelta(hours=n + 1), customer_id=customer, note="Bring 🎁 samples " * 30
        )
    rep = await chatting(bot, REP)
    frozen(bot, T)
    reply = await rep.send("/today")
    assert len(reply.text) < 4096
    assert "⚠️ 30 overdue follow-ups" in reply.text
    assert "+25 more" in reply.text
    assert reply.text.count("\n• ") == 5
    assert len(reply.buttons()) == 6
    assert reply.buttons()[-1] == ["⚠️ All 30 overdue"]


async def test_a_leap_day_birthday_is_kept_on_feb_28(bot: Harness) -> None:
    d = await desk(bot)
    await add_customer(bot, d, "Leap Ltd", birthday=date(2000, 2, 29))
    rep = await chatting(bot, REP)
    frozen(bot, datetime(2027, 2, 28, 1, 0, tzinfo=UTC))
    assert "• Leap Ltd" in (await rep.send("/today")).text
    frozen(bot, datetime(2028, 2, 28, 1, 0, tzinfo=UTC))
    assert "🎂" not in (await rep.send("/today")).text
    frozen(bot, datetime(2028, 2, 29, 1, 0, tzinfo=UTC))
    assert "• Leap Ltd" in (await rep.send("/today")).text
