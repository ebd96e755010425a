"""The duplicate guard of /new (撞单) answers the name and the phone at once, not after the last step.

Open the existing customer, ask for a colleague's, or carry on; the save checks again in its own
transaction, so a colleague who saved the same customer meanwhile still stops it.
"""

from __future__ import annotations

import pytest

from sandbox.factories import REP_TG, count, customer, fetch, person, press_through, sales_team
from sandbox.harness import Harness
from storage.models import Customer

WORDS = {
    "en": {
        "company?": "Which company is 王晓明 with?",
        "skip": "Skip",
        "continue": "Continue creating",
        "cancel": "Cancel",
        "press": "Please press one of the buttons above, or send /cancel.",
        "saved": "Saved: 王晓明 is now one of your customers.",
        "own": (
            "This customer may already exist:\n"
            "• 王小明 (Acme) — Rita Wang\n"
            "Open the existing one, or carry on if this is a different customer."
        ),
        "open": "王小明 (Acme)",
    },
    "zh_Hans": {
        "company?": "王晓明是哪家公司的？",
        "skip": "跳过",
        "continue": "继续新建",
        "cancel": "取消",
        "press": "请点击上面的按钮，或发送 /cancel 取消。",
        "saved": "已保存：王晓明已加入你的客户。",
        "own": (
            "这个客户可能已经存在：\n"
            "• 王小明（Acme），负责人：Rita Wang\n"
            "可以打开已有的客户；如果这是另一个客户，请继续新建。"
        ),
        "open": "王小明（Acme）",
    },
}


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_the_guard_answers_the_name_and_carrying_on_works(bot: Harness, locale: str) -> None:
    words = WORDS[locale]
    staff = await sales_team(bot, rep_locale=locale)
    await customer(bot, team_id=staff.team_id, owner_id=staff.rep_id, name="王小明", company="Acme")
    rep = await person(bot, REP_TG, chinese=locale != "en")
    await rep.send("/new")
    warned = await rep.send("王晓明")
    assert warned.text == words["own"]
    assert warned.buttons() == [[words["open"]], [words["continue"], words["cancel"]]]
    assert (await rep.send("Acme")).text == words["press"]

    assert words["company?"] in (await rep.press(words["continue"])).text
    assert (await rep.last_message()).text == words["company?"]
    await rep.press(words["skip"])
    saved = await press_through(rep, *[words["skip"]] * 5)
    assert words["saved"] in saved.text
    assert sorted(c.name for c in await fetch(bot, Customer)) == ["王小明", "王晓明"]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_the_guard_answers_the_phone_and_opens_the_existing_customer(bot: Harness, locale: str) -> None:
    words = WORDS[locale]
    staff = await sales_team(bot, rep_locale=locale)
    zhao = await customer(
        bot, team_id=staff.team_id, owner_id=staff.rep_id, name="Zhao Liu", phone="+8613800000001"
    )
    rep = await person(bot, REP_TG, chinese=locale != "en")
    await rep.send("/new")
    await rep.send("Qian Qi")
    await rep.press(words["skip"])
    warned = await rep.send("138 0000 0001")
    assert warned.text.startswith(words["own"].split("\n")[0])
    assert warned.buttons() == [["Zhao Liu"], [words["continue"], words["cancel"]]]
    assert "0001" not in warned.text

    card = await rep.press("Zhao Liu")
    assert card.text.startswith("Zhao Liu")
    assert await count(bot, Customer) == 1
    [kept] = await fetch(bot, Customer)
    assert kept.id == zhao
    # The dialog is over: what the rep types next is a search, not the address.
    assert "Which company" not in (await rep.send("Nanjing Road")).text


async def test_a_warning_already_passed_cannot_pass_a_later_one(bot: Harness) -> None:
    staff = await sales_team(bot)
    await customer(bot, team_id=staff.team_id, owner_id=staff.rep_id, name="Zhao Liu")
    await customer(bot, team_id=staff.team_id, owner_id=staff.rep_id, name="Sun Ba", phone="+8613800000002")
    rep = await person(bot, REP_TG)
    await rep.send("/new")
    first = await rep.send("Zhao Liu")
    assert "• Zhao Liu — Rita Wang" in first.text
    await rep.press("Continue creating")
    await rep.press("Skip")
    second = await rep.send("138 0000 0002")
    assert "• Sun Ba — Rita Wang" in second.text
    assert "Zhao Liu" not in second.text

    stale = await rep.press_data("new:go:name", message_id=second.message.message_id)
    assert stale is not None
    assert stale["text"] == "This button is no longer active."
    assert (await rep.last_message()).text == second.text
    assert "address?" in (await rep.press("Continue creating")).text


@pytest.mark.parametrize(
    ("locale", "warning", "transfer"),
    [
        (
            "en",
            "王五 (华联超市) is already a customer of Li Wei. If it is the same customer, "
            "ask your manager to transfer it to you; if not, carry on.",
            "Request transfer",
        ),
        (
            "zh_Hans",
            "王五（华联超市）已经是Li Wei的客户。"
            "如果是同一个客户，请向经理申请把这个客户转给你；如果不是，请继续新建。",
            "申请转给我",
        ),
    ],
)
async def test_a_colleagues_customer_is_named_no_further_and_another_one_goes_on(
    bot: Harness, locale: str, warning: str, transfer: str
) -> None:
    words = WORDS[locale]
    staff = await sales_team(bot, rep_locale=locale)
    await customer(
        bot,
        team_id=staff.team_id,
        owner_id=staff.other_rep_id,
        name="王五",
        company="华联超市",
        phone="+8613900001111",
        address="Secret street 9",
        tags=("secret-deal",),
    )
    rep = await person(bot, REP_TG, chinese=locale != "en")
    await rep.send("/new")
    warned = await rep.send("王五")
    assert warned.text == warning
    assert warned.buttons() == [[transfer], [words["continue"], words["cancel"]]]

    # A different 王五, of another company: carrying on creates them, without a second warning.
    await rep.press(words["continue"])
    await rep.send("Lotus Tea House")
    await rep.press(words["skip"])
    saved = await press_through(rep, *[words["skip"]] * 4)
    assert "王五" in saved.text
    assert await count(bot, Customer, owner_id=staff.rep_id) == 1
    said = "\n".join(r.text for r in await rep.replies())
    for private in ("1111", "Secret", "secret-deal"):
        assert private not in said


async def test_the_save_checks_again_for_a_colleague_who_was_quicker(bot: Harness) -> None:
    staff = await sales_team(bot)
    rep = await person(bot, REP_TG)
    await rep.send("/new")
    assert "Which company is Fresh Mart with?" in (await rep.send("Fresh Mart")).text
    await rep.press("Skip")
    assert "address?" in (await rep.send("139 1111 2222")).text
    await customer(
        bot, team_id=staff.team_id, owner_id=staff.other_rep_id, name="Fresh Mart", phone="+8613911112222"
    )
    refused = await press_through(rep, "Skip", "Skip", "Skip", "Skip")
    assert refused.text == (
        "Fresh Mart is already a customer of Li Wei. To avoid a duplicate, ask your manager "
        "to transfer the customer to you."
    )
    assert refused.buttons() == [["Request transfer"], ["Cancel"]]
    assert await count(bot, Customer) == 1
