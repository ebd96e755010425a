"""/audit for admins: recent entries in the reader's time zone and language, Newer / Older pages,
filters by person and by customer, phone numbers never shown; everyone else is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from bot.i18n import I18n
from bot.runtime.jobs import background
from handlers.audit.audit import sentence
from sandbox.factories import (
    MANAGER_TG,
    REP_TG,
    SalesTeam,
    customer,
    person,
    plant_button,
    press_forged,
    sales_team,
)
from sandbox.harness import ADMIN_ID, Harness, Person, Reply
from storage.models import AuditLog, User
from storage.queries.audit_log import Entry

NOW = datetime(2027, 5, 12, 2, 0, tzinfo=UTC)


async def admin(bot: Harness, *, chinese: bool = False, timezone: str | None = None) -> Person:
    ada = await bot.person(ADMIN_ID, "Ada", language_code="zh-hans" if chinese else "en")
    await ada.send("/start")
    if timezone is not None:
        async with bot.app.db.begin() as session:
            await session.execute(update(User).where(User.telegram_id == ADMIN_ID).values(timezone=timezone))
    return ada


async def staff_with_username(bot: Harness) -> tuple[SalesTeam, Person]:
    """The sales team, with Rita's chat opened under the Telegram username rita_w."""
    team = await sales_team(bot)
    account = await bot.client.user(
        REP_TG, first_name="Rita", last_name="Wang", language_code="en", username="rita_w"
    )
    rita = Person(bot.app, bot.client, account)
    await rita.send("/help")
    return team, rita


async def entries(bot: Harness, rows: list[dict[str, object]]) -> None:
    async with bot.app.db.begin() as session:
        for row in rows:
            session.add(AuditLog(**row))


def lines(reply: Reply) -> list[str]:
    return [line for line in reply.text.splitlines() if line.startswith("• ")]


async def test_an_admin_reads_the_trail_with_filters_and_pages(bot: Harness) -> None:
    team, rita = await staff_with_username(bot)
    wang = await customer(
        bot, team_id=team.team_id, owner_id=team.rep_id, name="Wang 13800138000", phone="+8613800138000"
    )
    lotus = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Lotus Tea House")
    ada = await admin(bot, timezone="Europe/Berlin")
    await entries(
        bot,
        [
            {
                "at": NOW - timedelta(hours=1),
                "action": "customer.edited",
                "actor_id": team.rep_id,
                "team_id": team.team_id,
                "customer_id": wang,
                "details": {"field": "phone", "before": "+8613700137000", "after": "+8613800138000"},
            },
            {
                "at": NOW - timedelta(minutes=30),
                "action": "customer.reassigned",
                "actor_id": team.manager_id,
                "team_id": team.team_id,
                "customer_id": lotus,
                "target_user_id": team.other_rep_id,
                "details": {"from": team.rep_id, "via": "card"},
            },
            {
                "at": NOW - timedelta(minutes=20),
                "action": "handover",
                "actor_id": team.manager_id,
                "team_id": team.team_id,
                "target_user_id": team.rep_id,
                "details": {"customers": 12},
            },
            {
                "at": NOW - timedelta(minutes=10),
                "action": "user.deactivated",
                "actor_id": team.manager_id,
                "team_id": team.team_id,
                "target_user_id": team.rep_id,
            },
            {"at": NOW - timedelta(minutes=5), "action": "export", "actor_id": team.manager_id},
            {"at": NOW - timedelta(minutes=4), "action": "something.new", "actor_id": team.manager_id},
        ],
    )
    background(bot.app).clock = lambda: NOW
    await plant_button(bot, rita, "Open", f"cust:open:{wang}")
    await rita.press("Open")

    trail = await ada.send("/audit")
    assert trail.text.startswith("🧾 Audit log\n")
    shown = lines(trail)
    assert shown[0] == "• Wed, May 12, 04:00 — Rita Wang opened the card of Wang •••8000"
    assert "• Wed, May 12, 03:56 — Mona Chen: something.new" in shown
    assert "• Wed, May 12, 03:55 — Mona Chen exported customer data" in shown
    assert "• Wed, May 12, 03:50 — Mona Chen switched off the access of Rita Wang" in shown
    assert "• Wed, May 12, 03:40 — Mona Chen handed over 12 customers of Rita Wang" in shown
    assert "• Wed, May 12, 03:30 — Mona Chen moved Lotus Tea House to Li Wei" in shown
    assert "• Wed, May 12, 03:00 — Rita Wang changed the phone of Wang •••8000" in shown
    assert "13800138000" not in trail.text
    assert "13700137000" not in trail.text
    assert "The system made Ada admin" in trail.text

    by_rita = await ada.send("/audit @rita_w")
    assert by_rita.text.startswith("🧾 Audit log · Rita Wang @rita_w\n")
    assert len(lines(by_rita)) == 4
    assert by_rita.buttons() == [["🧾 All entries"]]
    by_customer = await ada.send("/audit customer lotus")
    assert by_customer.text.startswith("🧾 Audit log · customer Lotus Tea House\n")
    assert lines(by_customer) == ["• Wed, May 12, 03:30 — Mona Chen moved Lotus Tea House to Li Wei"]
    assert (await ada.send("/audit wang")).text.startswith("🧾 Audit log · Rita Wang @rita_w\n")
    both = await ada.send("/audit customer a")
    assert both.text == "Which one do you mean?"
    assert [row[0] for row in both.buttons()] == ["Wang •••8000", "Lotus Tea House"]
    picked = await ada.press("Wang •••8000")
    assert picked.text.startswith("🧾 Audit log · customer Wang •••8000\n")
    assert len(lines(picked)) == 2
    nothing = await ada.send("/audit nobody")
    assert nothing.text == "Nobody and no customer matches “nobody”."

    await ada.send("/audit")
    people = await ada.press("👤 Filter by person")
    assert people.text == "Whose entries?"
    assert [row[0] for row in people.buttons()][:2] == ["Rita Wang @rita_w", "Mona Chen"]
    mona = await ada.press("Mona Chen")
    assert mona.text.startswith("🧾 Audit log · Mona Chen\n")
    assert len(lines(mona)) == 5


async def test_pages_go_older_and_back_newer(bot: Harness) -> None:
    team = await sales_team(bot)
    lotus = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Lotus Tea House")
    ada = await admin(bot)
    await entries(
        bot,
        [
            {
                "at": NOW - timedelta(minutes=25 - i),
                "action": "customer.viewed",
                "actor_id": team.rep_id,
                "team_id": team.team_id,
                "customer_id": lotus,
            }
            for i in range(25)
        ],
    )
    first = await ada.send("/audit")
    assert len(lines(first)) == 10
    assert first.buttons()[0] == ["Older ▶"]
    second = await ada.press("Older ▶")
    assert len(lines(second)) == 10
    assert second.buttons()[0] == ["◀ Newer", "Older ▶"]
    assert lines(second)[0] != lines(first)[0]
    third = await ada.press("Older ▶")
    # 25 views and the admin's own promotion.
    assert len(lines(third)) == 6
    assert third.buttons()[0] == ["◀ Newer"]
    back = await ada.press("◀ Newer")
    assert lines(back) == lines(second)


async def test_the_trail_in_chinese(bot: Harness) -> None:
    team = await sales_team(bot)
    lotus = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="莲花茶馆")
    ada = await admin(bot, chinese=True)
    await entries(
        bot,
        [
            {"at": NOW, "action": "erase", "actor_id": team.manager_id, "customer_id": lotus},
            {
                "at": NOW + timedelta(minutes=1),
                "action": "customer.reassigned",
                "actor_id": team.manager_id,
                "customer_id": lotus,
                "target_user_id": team.other_rep_id,
            },
        ],
    )
    background(bot.app).clock = lambda: NOW
    trail = await ada.send("/audit")
    assert trail.text.startswith("🧾 审计日志\n")
    assert lines(trail)[:2] == [
        "• 5月12日周三 10:01 — Mona Chen把莲花茶馆转给了Li Wei",
        "• 5月12日周三 10:00 — Mona Chen删除了莲花茶馆的个人数据",
    ]
    by_customer = await ada.send("/audit 客户 莲花")
    assert by_customer.text.startswith("🧾 审计日志 · 客户莲花茶馆\n")
    assert trail.buttons() == [["👤 按人员筛选"]]


async def test_only_admins_read_the_trail(bot: Harness) -> None:
    await sales_team(bot)
    manager = await person(bot, MANAGER_TG)
    rep = await person(bot, REP_TG, chinese=True)
    refusal = "Only an admin can read the audit log. If you need this, ask an admin."
    assert (await manager.send("/audit")).text == refusal
    assert (await manager.send("/audit customer Lotus")).text == refusal
    assert "audit" not in await manager.menu()
    for who in (manager, rep):
        answer = await press_forged(bot, who, "Older", "aud:a:0:o:99")
        assert answer is not None
        assert answer["text"] == "This button is not available to you."
    ada = await admin(bot)
    assert "audit" in await ada.menu()


@pytest.mark.parametrize(
    ("locale", "action", "details", "said"),
    [
        (
            "en",
            "customer.import",
            {"new": 120, "updated": 8},
            "Mona Chen imported customers from a file (120 new, 8 updated)",
        ),
        (
            "zh_Hans",
            "customer.import",
            {"new": 1200, "updated": 8},
            "Mona Chen从文件导入了客户（新增1,200位，更新8位）",
        ),
        ("en", "settings", {"field": "quiet_hours"}, "Mona Chen changed the team setting Quiet hours"),
        ("zh_Hans", "settings", {"field": "cadence"}, "Mona Chen修改了团队设置：拜访频率"),
    ],
)
def test_imports_and_settings_read_as_sentences(
    locale: str, action: str, details: dict[str, Any], said: str
) -> None:
    t = I18n().translator(locale, "Asia/Shanghai")
    entry = Entry(1, NOW, action, "Mona Chen", None, None, None, None, False, details)
    assert sentence(t, entry) == said
