"""/new with the duplicate guard, transfer requests, and editing from the card, as reps and managers.

The guard answers the name and the phone at once (tests/test_duplicate_guard.py walks it in detail)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from bot.domain.birthdays import UNKNOWN_YEAR
from handlers.customer import new as customers_new
from sandbox import SandboxServer
from sandbox.factories import (
    MANAGER_TG,
    OTHER_REP_TG,
    REP_TG,
    count,
    customer,
    fetch,
    person,
    plant_button,
    press_through,
    sales_team,
    tag_names,
)
from sandbox.harness import Harness, running_bot, settings_for
from storage.models import AuditLog, Customer, Outbox


async def test_new_customer_with_every_field(bot: Harness) -> None:
    staff = await sales_team(bot)
    rep = await person(bot, REP_TG)
    assert "What is the customer's name?" in (await rep.send("/new")).text
    assert "Which company is 张三 with?" in (await rep.send("张三")).text
    reply = await rep.send("Acme Trading")
    assert "phone number" in reply.text
    assert "China" in reply.text
    assert "address" in (await rep.send("138 1234 5678")).text
    assert "birthday" in (await rep.send("88 Nanjing Road, Shanghai")).text
    reply = await rep.send("5/17")
    assert "Which tier is 张三?" in reply.text
    assert reply.buttons()[0] == ["VIP", "A", "B", "C"]
    assert "Tags for 张三?" in (await rep.press("A")).text
    reply = await rep.send("#wholesale, 北区、vip客户")
    assert "Saved: 张三 is now one of your customers." in reply.text
    assert reply.buttons() == [["Open card"]]

    [saved] = await fetch(bot, Customer)
    assert (saved.owner_id, saved.team_id) == (staff.rep_id, staff.team_id)
    assert (saved.company, saved.address) == ("Acme Trading", "88 Nanjing Road, Shanghai")
    assert (saved.phone_e164, saved.phone_last4) == ("+8613812345678", "5678")
    assert (saved.name_pinyin, saved.name_initials, saved.company_key) == ("zhangsan", "zs", "acmetrading")
    assert saved.birthday == date(UNKNOWN_YEAR, 5, 17)
    assert saved.tier == "A"
    assert await tag_names(bot, saved.id) == ["vip客户", "wholesale", "北区"]
    assert await count(bot, AuditLog, action="customer.created", customer_id=saved.id) == 1


async def test_new_customer_with_skips_in_chinese(bot: Harness) -> None:
    await sales_team(bot, rep_locale="zh_Hans")
    rep = await person(bot, REP_TG, chinese=True)
    await rep.send("/new")
    assert "跳过" in str((await rep.send("李四")).buttons())
    for _ in range(3):
        await rep.press("跳过")
    reply = await rep.send("2月30日")
    assert "无法识别这个日期" in reply.text
    await rep.press("跳过")
    await rep.press("跳过")
    reply = await rep.press("跳过")
    assert "已保存" in reply.text
    [saved] = await fetch(bot, Customer)
    assert (saved.name, saved.company, saved.phone_e164, saved.birthday, saved.tier) == (
        "李四",
        None,
        None,
        None,
        "B",
    )
    assert (saved.name_pinyin, saved.name_initials) == ("lisi", "ls")


async def test_wrong_input_at_every_step(bot: Harness) -> None:
    await sales_team(bot)
    rep = await person(bot, REP_TG)
    await rep.send("/new")
    assert "too long" in (await rep.send("x" * 300)).text
    assert "What is the customer's name?" in (await rep.last_message()).text
    assert "at least one letter" in (await rep.send("!!!")).text
    assert "Which company is 🍎 Apple Farm with?" in (await rep.send("🍎 Apple Farm")).text
    assert "too long" in (await rep.send("c" * 201)).text
    await rep.send("Orchard Ltd")
    reply = await rep.send("12345")
    assert "doesn't look like a valid phone number" in reply.text
    assert "phone number" in reply.text
    reply = await rep.send("07911 123456")
    assert "not a valid number in China" in reply.text
    assert "address" in (await rep.send("+44 20 7946 0958")).text
    await rep.press("Skip")
    assert "couldn't read that date" in (await rep.send("31/02")).text
    assert "couldn't read that date" in (await rep.send("next tuesday")).text
    assert "Which tier" in (await rep.send("1990-05-17")).text
    assert "The tier is one of VIP, A, B, C." in (await rep.send("Z")).text
    await rep.send("vip")
    assert "Saved" in (await rep.press("Skip")).text
    [saved] = await fetch(bot, Customer)
    assert (saved.name, saved.phone_e164, saved.birthday, saved.tier) == (
        "🍎 Apple Farm",
        "+442079460958",
        date(1990, 5, 17),
        "VIP",
    )


async def test_duplicate_of_another_reps_customer_asks_for_a_transfer(bot: Harness) -> None:
    staff = await sales_team(bot, manager_locale="zh_Hans")
    theirs = await customer(
        bot,
        team_id=staff.team_id,
        owner_id=staff.other_rep_id,
        name="王五",
        company="华联超市",
        phone="+8613900001111",
        address="Secret street 9",
    )
    rep = await person(bot, REP_TG)
    await rep.send("/new")
    warned = await rep.send("汪五")
    assert warned.text.startswith(
        "王五 (华联超市) is already a customer of Li Wei. If it is the same customer"
    )
    assert warned.buttons() == [["Request transfer"], ["Continue creating", "Cancel"]]
    await rep.press("Continue creating")
    await rep.press("Skip")
    # The same phone settles it: no later answer could make this another customer.
    reply = await rep.send("139 0000 1111")
    assert "王五 (华联超市) is already a customer of Li Wei. To avoid a duplicate" in reply.text
    assert "1111" not in reply.text
    assert "Secret" not in reply.text
    assert reply.buttons() == [["Request transfer"], ["Cancel"]]

    reply = await rep.press("Request transfer")
    assert "your manager has been asked to transfer 王五 to you. Nothing was created." in reply.text
    assert await count(bot, Customer) == 1
    [push] = await fetch(bot, Outbox)
    assert push.chat_id == MANAGER_TG
    assert push.dedupe_key == f"transfer:{theirs}:{staff.rep_id}:{staff.manager_id}"
    assert push.payload["params"]["text"] == (
        "Rita Wang申请接手客户王五（华联超市），该客户目前由Li Wei负责。同意后Rita Wang将成为负责人。"
    )
    assert push.payload["params"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "打开客户卡片"
    [audit] = await fetch(bot, AuditLog, action="transfer.requested")
    assert (audit.actor_id, audit.customer_id, audit.target_user_id) == (
        staff.rep_id,
        theirs,
        staff.other_rep_id,
    )

    await rep.send("/new")
    reply = await rep.send("王五")
    assert "Create anyway" not in str(reply.buttons())
    reply = await rep.press("Request transfer")
    assert "You have already asked for 王五" in reply.text
    assert await count(bot, Outbox) == 1


async def test_duplicate_guard_in_chinese_by_pinyin(bot: Harness) -> None:
    staff = await sales_team(bot, rep_locale="zh_Hans")
    await customer(bot, team_id=staff.team_id, owner_id=staff.other_rep_id, name="张三丰", company="武当贸易")
    rep = await person(bot, REP_TG, chinese=True)
    await rep.send("/new")
    reply = await rep.send("章三丰")
    assert reply.text == (
        "张三丰（武当贸易）已经是Li Wei的客户。"
        "如果是同一个客户，请向经理申请把这个客户转给你；如果不是，请继续新建。"
    )
    assert reply.buttons() == [["申请转给我"], ["继续新建", "取消"]]
    assert "已取消" in (await rep.press("取消")).text
    assert await count(bot, Customer) == 1


async def test_own_duplicate_offers_to_open_it_or_carry_on(bot: Harness) -> None:
    staff = await sales_team(bot)
    mine = await customer(
        bot, team_id=staff.team_id, owner_id=staff.rep_id, name="John Smith", company="Acme"
    )
    rep = await person(bot, REP_TG)
    await rep.send("/new")
    reply = await rep.send("john smith")
    assert reply.text == (
        "This customer may already exist:\n"
        "• John Smith (Acme) — Rita Wang\n"
        "Open the existing one, or carry on if this is a different customer."
    )
    assert reply.buttons() == [["John Smith (Acme)"], ["Continue creating", "Cancel"]]
    assert reply.message.button_data("John Smith (Acme)") == f"cust:open:{mine}"
    assert "Which company is john smith with?" in (await rep.press("Continue creating")).text
    await rep.send("ACME")
    # Passed once, John Smith is not put to the rep again after the phone or before the save.
    assert "address" in (await rep.press("Skip")).text
    reply = await press_through(rep, "Skip", "Skip", "Skip", "Skip")
    assert "Saved: john smith is now one of your customers." in reply.text
    assert await count(bot, Customer, owner_id=staff.rep_id) == 2

    await rep.send("/new")
    await rep.send("John Smith")
    reply = await rep.press("John Smith (Acme)")
    assert "John Smith" in reply.text
    assert await count(bot, Customer) == 2


async def test_manager_is_offered_to_open_a_reps_customer(bot: Harness) -> None:
    staff = await sales_team(bot)
    await customer(bot, team_id=staff.team_id, owner_id=staff.other_rep_id, name="Ada Lovelace")
    manager = await person(bot, MANAGER_TG)
    await manager.send("/new")
    reply = await manager.send("Ada Lovelace")
    assert "Ada Lovelace — Li Wei" in reply.text
    assert reply.buttons() == [["Ada Lovelace"], ["Continue creating", "Cancel"]]


async def test_edit_a_field_with_audit(bot: Harness) -> None:
    staff = await sales_team(bot)
    mine = await customer(
        bot, team_id=staff.team_id, owner_id=staff.rep_id, name="Zhao Liu", phone="+8613800000001"
    )
    rep = await person(bot, REP_TG)
    await plant_button(bot, rep, "Edit", f"cust:edit:{mine}")
    reply = await rep.press("Edit")
    assert "What would you like to change for Zhao Liu?" in reply.text
    reply = await rep.press("Phone")
    assert "Phone of Zhao Liu is now: +86 138 0000 0001" in reply.text
    assert "doesn't look like a valid phone number" in (await rep.send("abc")).text
    await rep.send("139 1234 5678")
    texts = [r.text for r in (await rep.replies())[-2:]]
    assert "Saved: Phone changed." in texts[0]
    assert "Zhao Liu" in texts[1]
    [saved] = await fetch(bot, Customer, id=mine)
    assert (saved.phone_e164, saved.phone_last4) == ("+8613912345678", "5678")
    [audit] = await fetch(bot, AuditLog, action="customer.edited")
    assert audit.details == {"field": "phone", "before": "+8613800000001", "after": "+8613912345678"}
    assert audit.actor_id == staff.rep_id


async def test_edit_cannot_take_another_customers_number(bot: Harness) -> None:
    staff = await sales_team(bot, rep_locale="zh_Hans")
    mine = await customer(
        bot, team_id=staff.team_id, owner_id=staff.rep_id, name="赵六", phone="+8613800000001"
    )
    await customer(
        bot, team_id=staff.team_id, owner_id=staff.other_rep_id, name="钱七", phone="+8613912345678"
    )
    rep = await person(bot, REP_TG)
    await plant_button(bot, rep, "修改", f"cust:edit:{mine}")
    await rep.press("修改")
    await rep.press("电话")
    await rep.send("139 1234 5678")
    texts = [r.text for r in (await rep.replies())[-2:]]
    assert "未保存：钱七（Li Wei的客户）已使用这个号码" in texts[0]
    assert "赵六" in texts[1]
    [kept] = await fetch(bot, Customer, id=mine)
    assert kept.phone_e164 == "+8613800000001"
    assert await fetch(bot, AuditLog, action="customer.edited") == []


async def test_edit_in_chinese_name_tier_and_tags(bot: Harness) -> None:
    staff = await sales_team(bot, rep_locale="zh_Hans")
    mine = await customer(bot, team_id=staff.team_id, owner_id=staff.rep_id, name="赵六", tags=("old",))
    rep = await person(bot, REP_TG, chinese=True)
    await plant_button(bot, rep, "编辑", f"cust:edit:{mine}")
    await rep.press("编辑")
    await rep.press("名称")
    await rep.send("赵小六")
    await plant_button(bot, rep, "编辑", f"cust:edit:{mine}")
    await rep.press("编辑")
    reply = await rep.press("等级")
    assert "赵小六当前的等级：B" in reply.text
    await rep.press("VIP")
    assert any("已保存：等级已修改。" in r.text for r in await rep.replies())
    await plant_button(bot, rep, "编辑", f"cust:edit:{mine}")
    await rep.press("编辑")
    await rep.press("标签")
    await rep.send("#批发 北区")
    [saved] = await fetch(bot, Customer, id=mine)
    assert (saved.name, saved.name_pinyin, saved.name_initials, saved.tier) == (
        "赵小六",
        "zhaoxiaoliu",
        "zxl",
        "VIP",
    )
    assert await tag_names(bot, mine) == ["北区", "批发"]
    details = [a.details for a in await fetch(bot, AuditLog, action="customer.edited")]
    assert details == [
        {"field": "name", "before": "赵六", "after": "赵小六"},
        {"field": "tier", "before": "B", "after": "VIP"},
        {"field": "tags", "before": ["old"], "after": ["北区", "批发"]},
    ]


async def test_crafted_edit_of_another_reps_customer_is_refused(bot: Harness) -> None:
    staff = await sales_team(bot)
    theirs = await customer(bot, team_id=staff.team_id, owner_id=staff.other_rep_id, name="Not Yours")
    rep = await person(bot, REP_TG)
    await plant_button(bot, rep, "Edit", f"cust:edit:{theirs}")
    answer = await rep.press_for_answer("Edit")
    assert answer is not None
    assert "not in your list" in str(answer.get("text"))
    await plant_button(bot, rep, "Name", f"cust:ef:{theirs}:name")
    answer = await rep.press_for_answer("Name")
    assert answer is not None
    assert "no longer active" in str(answer.get("text"))
    assert await count(bot, AuditLog, action="customer.edited") == 0
    other = await person(bot, OTHER_REP_TG)
    await plant_button(bot, other, "Edit", f"cust:edit:{theirs}")
    assert "What would you like to change for Not Yours?" in (await other.press("Edit")).text


@pytest.fixture
async def impatient_bot(
    sandbox: SandboxServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Harness]:
    """The bot with dialogs that give up after a second of silence."""
    monkeypatch.setattr(customers_new, "TIMEOUT", timedelta(seconds=1))
    async with running_bot(settings_for(sandbox, database_url), sandbox) as harness:
        yield harness


async def test_a_forgotten_new_customer_times_out_politely(impatient_bot: Harness) -> None:
    bot = impatient_bot
    await sales_team(bot, rep_locale="zh_Hans")
    rep = await person(bot, REP_TG, chinese=True)
    await rep.send("/new")
    await rep.send("孙七")
    for _ in range(40):
        await asyncio.sleep(0.1)
        if "没有保存任何内容" in (await rep.last_message()).text:
            break
    assert "分钟内没有回复，已结束新建客户" in (await rep.last_message()).text
    assert await count(bot, Customer) == 0
    assert "没有找到与“孙七”匹配的客户" in (await rep.send("孙七")).text


async def test_stale_and_crafted_buttons_in_new(bot: Harness) -> None:
    staff = await sales_team(bot)
    mine = await customer(bot, team_id=staff.team_id, owner_id=staff.rep_id, name="Mine Already")
    rep = await person(bot, REP_TG)
    await rep.send("/new")
    company_question = (await rep.send("Fresh Name")).message
    await rep.send("Fresh Co")
    update_id = await rep.account.press("Skip", message_id=company_question.message_id)
    await rep._settle(update_id)
    assert "no longer active" in str((await rep.account.callback_answer(update_id) or {}).get("text"))
    assert "phone number" in (await rep.last_message()).text

    await plant_button(bot, rep, "Transfer mine", f"new:transfer:{mine}")
    await rep.send("/new")
    assert "This customer may already exist" in (await rep.send("Mine Already")).text
    answer = await rep.press_for_answer("Transfer mine")
    assert "no longer active" in str((answer or {}).get("text"))
    await plant_button(bot, rep, "Transfer ghost", "new:transfer:999999")
    answer = await rep.press_for_answer("Transfer ghost")
    assert "no longer active" in str((answer or {}).get("text"))
    assert await count(bot, Outbox) == 0


@pytest.mark.parametrize(
    ("chinese", "born", "shown"),
    [
        (False, date(1990, 9, 17), "Birthday of Zhao Liu is now: Sep 17, 1990"),
        (False, date(UNKNOWN_YEAR, 9, 17), "Birthday of Zhao Liu is now: Sep 17\n"),
        (True, date(1990, 9, 17), "Zhao Liu当前的生日：1990年9月17日"),
        (True, date(UNKNOWN_YEAR, 9, 17), "Zhao Liu当前的生日：9月17日\n"),
    ],
)
async def test_edit_shows_the_birthday_like_every_other_date(
    bot: Harness, chinese: bool, born: date, shown: str
) -> None:
    staff = await sales_team(bot, rep_locale="zh_Hans" if chinese else "en")
    mine = await customer(bot, team_id=staff.team_id, owner_id=staff.rep_id, name="Zhao Liu", birthday=born)
    rep = await person(bot, REP_TG, chinese=chinese)
    label = "编辑" if chinese else "Edit"
    await plant_button(bot, rep, label, f"cust:edit:{mine}")
    await rep.press(label)
    reply = await rep.press("生日" if chinese else "Birthday")
    assert shown in reply.text
