"""/newteam: the guided dialog, its validation, and resuming it after a restart."""

from __future__ import annotations

from sqlalchemy import func, select

from sandbox import SandboxServer
from sandbox.harness import ADMIN_ID, Harness, running_bot, settings_for
from storage.models import AuditLog, Team, User


async def team_count(bot: Harness) -> int:
    async with bot.app.db() as session:
        return int(await session.scalar(select(func.count()).select_from(Team)) or 0)


async def test_typed_time_zone_and_validation_in_chinese(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "阿达", language_code="zh-hans")
    await admin.send("/start")
    assert "团队叫什么名字" in (await admin.send("/newteam")).text
    assert "太长" in (await admin.send("销" * 101)).text
    assert "时区" in (await admin.send("华东销售部 🚀")).text
    assert "不认识时区" in (await admin.send("火星")).text
    confirm = await admin.send("上海")
    assert "华东销售部 🚀" in confirm.text
    assert "UTC+8" in confirm.text
    assert confirm.buttons() == [["创建", "取消"]]
    assert "已创建" in (await admin.press("创建")).text

    async with bot.app.db() as session:
        team = await session.scalar(select(Team))
        admin_row = await session.scalar(select(User).where(User.telegram_id == ADMIN_ID))
        audit = await session.scalar(select(AuditLog).where(AuditLog.action == "team.created"))
    assert team is not None
    assert (team.name, team.timezone) == ("华东销售部 🚀", "Asia/Shanghai")
    assert admin_row is not None
    assert admin_row.team_id == team.id
    assert audit is not None
    assert audit.details == {"name": "华东销售部 🚀", "timezone": "Asia/Shanghai"}


async def test_offsets_and_cancel_create_nothing(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    await admin.send("/start")
    await admin.send("/newteam")
    await admin.send("West")
    assert "UTC-5" in (await admin.send("UTC-5")).text
    assert "Please press Create or Cancel" in (await admin.send("hmm")).text
    assert "Nothing was created" in (await admin.press("Cancel")).text
    assert await team_count(bot) == 0

    await admin.send("/newteam")
    assert "Nothing was created" in (await admin.send("/cancel")).text
    assert await team_count(bot) == 0


async def test_stale_buttons_are_explained(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    await admin.send("/start")
    await admin.send("/newteam")
    await admin.send("North")
    await admin.send("/cancel")
    answer = await admin.press_for_answer("China (Shanghai) Time UTC+8")
    assert answer is not None
    assert "no longer active" in str(answer["text"])
    assert await team_count(bot) == 0


async def test_half_finished_dialog_survives_a_restart(sandbox: SandboxServer, database_url: str) -> None:
    settings = settings_for(sandbox, database_url)
    async with running_bot(settings, sandbox) as first:
        admin = await first.person(ADMIN_ID, "Ada")
        await admin.send("/start")
        await admin.send("/newteam")
        await admin.send("Survivors")
    async with running_bot(settings, sandbox) as second:
        admin = await second.person(ADMIN_ID, "Ada")
        confirm = await admin.send("Singapore")
        assert confirm.text == "Create team Survivors? Time zone: Singapore (UTC+8)"
        assert "Team Survivors is ready" in (await admin.press("Create")).text
        assert await team_count(second) == 1


async def test_a_big_team_fits_one_message(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    await admin.send("/start")
    await admin.send("/newteam")
    await admin.send("Big")
    await admin.send("Shanghai")
    await admin.press("Create")
    async with bot.app.db.begin() as session:
        team = await session.scalar(select(Team))
        assert team is not None
        session.add_all(
            User(telegram_id=90_000 + n, first_name="Rep " + "x" * 80, role="rep", team_id=team.id)
            for n in range(150)
        )
    overview = await admin.send("/team")
    assert len(overview.text) <= 4096
    listed = overview.text.count("• ")
    assert f"… and {151 - listed} more" in overview.text
    assert listed > 40
