"""Text that used to be put together in English reads in the reader's language: a ticket's overdue
deadline, export and template file names, names in their own order and lists joined the Chinese way."""

from __future__ import annotations

from datetime import timedelta

from sandbox.documents import last_document
from sandbox.factories import MANAGER_TG, REP_TG, customer, person, sales_team
from sandbox.harness import Harness
from tests.support.complaints import desk, file_complaint, send_out
from tests.test_card import open_card

CHINESE_CARD_LINES = ("负责人：李伟 · A级 · 活跃客户", "标签：批发、老客户、茶叶")


async def _escalation(bot: Harness, *, chinese: bool) -> list[str]:
    """The manager's push when a complaint nobody answered passes its resolution deadline."""
    d = await desk(bot, chinese_manager=chinese)
    await file_complaint(d)
    await send_out(d)
    await d.rep.press("💬 Reply")
    await d.rep.send("Looking into it.")
    d.clock.at += timedelta(hours=72)
    assert await d.jobs.watch_tickets() == 1
    await send_out(d)
    return (await d.manager.replies())[-1].text.splitlines()


async def test_an_overdue_deadline_is_one_sentence_in_chinese(bot: Harness) -> None:
    lines = await _escalation(bot, chinese=True)
    overdue = [line for line in lines if "⚠️" in line]
    assert overdue == ["解决：5月15日周六 10:00前 ⚠️ 已超时"]
    assert not [line for line in lines if "overdue" in line]


async def test_an_overdue_deadline_in_english(bot: Harness) -> None:
    lines = await _escalation(bot, chinese=False)
    assert [line for line in lines if "⚠️" in line] == ["Resolution: by Sat, May 15, 10:00 ⚠️ overdue"]


async def test_a_chinese_manager_gets_export_and_template_files_named_in_chinese(bot: Harness) -> None:
    team = await sales_team(bot, manager_locale="zh_Hans")
    await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="茶园")
    manager = await person(bot, MANAGER_TG, chinese=True)
    await manager.send("/export")
    await manager.press("客户")
    await manager.press("CSV")
    name, _, _ = await last_document(manager)
    assert name.startswith("FieldCRM客户 20")
    assert name.endswith(".csv")
    assert "fieldcrm" not in name
    await manager.send("/import")
    template, _, _ = await last_document(manager)
    assert template == "FieldCRM导入模板.xlsx"


async def test_the_card_names_a_chinese_owner_family_name_first_and_joins_tags_with_the_chinese_comma(
    bot: Harness,
) -> None:
    team = await sales_team(bot, rep_locale="zh_Hans")
    tea = await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name="茶园",
        tier="A",
        stage="active",
        tags=("茶叶", "批发", "老客户"),
    )
    # Telegram's two fields as a Chinese user fills them: given name first, family name last.
    account = await bot.client.user(REP_TG, first_name="伟", last_name="李", language_code="zh-hans")
    rep = bot.person_type(bot.app, bot.client, account)
    await rep.send("/start")
    text = (await open_card(bot, rep, tea)).text
    for line in CHINESE_CARD_LINES:
        assert line in text
    assert "李 伟" not in text
    assert "伟 李" not in text


async def test_the_card_keeps_a_western_owner_first_name_first_and_english_commas(bot: Harness) -> None:
    team = await sales_team(bot)
    tea = await customer(
        bot, team_id=team.team_id, owner_id=team.rep_id, name="Tea Garden", tier="A", tags=("tea", "b2b")
    )
    rep = await person(bot, REP_TG)
    text = (await open_card(bot, rep, tea)).text
    assert "Owner: Rita Wang · Tier A" in text
    assert "Tags: b2b, tea" in text
