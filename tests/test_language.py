"""/lang switches the conversation and the command menu; the first guess comes from Telegram."""

from __future__ import annotations

from sandbox.harness import ADMIN_ID, Harness


async def test_language_switch_changes_replies_and_menu(bot: Harness) -> None:
    admin = await bot.person(ADMIN_ID, "Ada", language_code="en-US")
    await admin.send("/start")
    assert "Create a team" in await admin.menu_descriptions()

    picker = await admin.send("/lang")
    assert picker.text == "Choose your language:"
    done = await admin.press("简体中文")
    assert "中文" in done.text
    assert "创建团队" in await admin.menu_descriptions()
    assert "管理员" in (await admin.send("/help")).text

    await admin.send("/lang")
    back = await admin.press("English")
    assert "English" in back.text
    assert "Create a team" in await admin.menu_descriptions()


async def test_first_language_follows_telegram(bot: Harness) -> None:
    chinese = await bot.person(6000, "Wang", language_code="zh-hans")
    assert "您好" in (await chinese.send("/start")).text
    other = await bot.person(6001, "Hans", language_code="de")
    assert "Hello" in (await other.send("/start")).text
