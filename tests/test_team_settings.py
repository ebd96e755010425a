"""/settings as a manager uses it on the phone: see the team's values, change one, get it wrong,
cancel; a rep is refused; every change is audit-logged and takes effect."""

from __future__ import annotations

from sqlalchemy import select

from sandbox.factories import MANAGER_TG, REP_TG, fetch, person, press_forged, sales_team
from sandbox.harness import Harness
from storage.models import AuditLog, Team


async def test_manager_sees_and_changes_the_settings(bot: Harness) -> None:
    team = await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    screen = await manager.send("/settings")
    assert screen.text.splitlines() == [
        "⚙️ Settings of East",
        "Time zone: Shanghai (UTC+8)",
        "Currency: CNY",
        "Daily digest at 18:00",
        "Days between visits, by tier: VIP 14 · A 30 · B 60 · C 90",
        "Rating question: 2 hours after a visit, between 09:00 and 21:00",
        "Hours allowed for a complaint's first reply / resolution: "
        "low 4/72 · normal 4/72 · high 4/72 · urgent 4/72",
        "Quiet hours: off",
    ]
    assert screen.buttons() == [
        ["Time zone", "Currency"],
        ["Digest time", "How often to visit"],
        ["When to ask for a rating", "Hours for rating questions"],
        ["Complaint response times", "Quiet hours"],
    ]

    asked = await manager.press("How often to visit")
    assert asked.text.startswith('Send the days between visits for one tier or several, e.g. "A 21"')
    wrong = await manager.send("every month 🙂")
    assert wrong.text.startswith("Sorry, I can't use “every month 🙂” here.\nSend the days between visits")
    saved = await manager.send("VIP 10, A 21")
    assert saved.text.startswith("✅ Saved.")
    assert "Days between visits, by tier: VIP 10 · A 21 · B 60 · C 90" in saved.text

    await manager.press("Quiet hours")
    quiet = await manager.send("22:00-08:00")
    assert "Quiet hours: 22:00–08:00" in quiet.text
    await manager.press("Complaint response times")
    sla = await manager.send("urgent 1 24")
    assert "urgent 1/24" in sla.text
    await manager.press("Time zone")
    zone = await manager.send("London")
    assert "Time zone: London (UTC)" in zone.text

    [row] = await fetch(bot, Team, id=team.team_id)
    assert row.timezone == "Europe/London"
    assert row.settings["cadence_days"] == {"VIP": 10, "A": 21}
    assert row.settings["quiet_hours"] == {"start": "22:00", "end": "08:00"}
    assert row.settings["sla_hours"] == {"urgent": {"response": 1, "resolve": 24}}
    async with bot.app.db() as session:
        entries = list(
            await session.execute(
                select(AuditLog.action, AuditLog.actor_id, AuditLog.details).order_by(AuditLog.id)
            )
        )
    assert [(action, actor) for action, actor, _ in entries] == [("settings", team.manager_id)] * 4
    assert entries[0][2] == {"field": "cadence", "before": None, "after": {"VIP": 10, "A": 21}}
    assert entries[3][2] == {"field": "timezone", "before": "Asia/Shanghai", "after": "Europe/London"}


async def test_cancel_changes_nothing_and_a_stale_button_is_explained(bot: Harness) -> None:
    team = await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    await manager.send("/settings")
    await manager.press("Currency")
    assert (await manager.send("/cancel")).text == "Nothing was changed."
    assert (await manager.send("USD")).text != "✅ Saved."
    [row] = await fetch(bot, Team, id=team.team_id)
    assert row.currency == "CNY"
    assert await fetch(bot, AuditLog) == []


async def test_in_chinese(bot: Harness) -> None:
    await sales_team(bot, manager_locale="zh_Hans")
    manager = await person(bot, MANAGER_TG, chinese=True)
    screen = await manager.send("/settings")
    assert screen.text.splitlines()[0] == "⚙️ East的设置"
    assert "评分邀请：拜访后2小时发出，时间在09:00到21:00之间" in screen.text
    await manager.press("免打扰时段")
    wrong = await manager.send("晚上")
    assert wrong.text.startswith("抱歉，这里无法使用“晚上”。")
    saved = await manager.send("22点到8点")
    assert saved.text.startswith("✅ 已保存。")
    assert "免打扰时段：22:00–08:00" in saved.text


async def test_a_rep_cannot_open_the_settings(bot: Harness) -> None:
    await sales_team(bot)
    rep = await person(bot, REP_TG)
    refused = await rep.send("/settings")
    assert refused.text == (
        "Only a manager or an admin can change the team's settings. If you need this, ask your manager."
    )
    assert "/settings" not in await rep.menu()
    answer = await press_forged(bot, rep, "Currency", "set:currency")
    assert answer is not None
    assert answer["text"] == "This button is not available to you."
