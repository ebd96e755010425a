"""/order through the sandbox: amounts as reps type them and echoed as the reader writes money, the
team's currency with one tap to change it, product, date, refusals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sandbox.factories import (
    REP_TG,
    count,
    customer,
    fetch,
    person,
    plant_button,
    press_forged,
    press_through,
    rep_and_others_customer,
    sales_team,
)
from sandbox.harness import Harness, Person
from storage.models import Customer, Order, Team

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def begin(bot: Harness, *, chinese: bool = False, currency: str = "CNY") -> tuple[Person, int]:
    team = await sales_team(bot, rep_locale="zh_Hans" if chinese else "en")
    async with bot.app.db.begin() as session:
        row = await session.get(Team, team.team_id)
        assert row is not None
        row.currency = currency
    acme = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
    rep = await person(bot, REP_TG, chinese=chinese)
    await rep.send("/order")
    await rep.press("Acme")
    return rep, acme


async def test_full_order_in_english(bot: Harness) -> None:
    rep, acme = await begin(bot)
    echo = await rep.send("1,234.50")
    assert echo.text == (
        "Amount: CN¥1,234.50\n"
        "Currency: CNY. Tap another one below to change it.\n\n"
        "What was ordered? Type the product, or press Skip."
    )
    assert echo.buttons() == [["CNY", "USD", "EUR", "HKD"], ["Skip", "Cancel"]]
    changed = await rep.press("USD")
    assert changed.message.message_id == echo.message.message_id
    assert changed.text.startswith("Amount: $1,234.50\nCurrency: USD.")
    assert "What was ordered?" in changed.text
    assert "When was it ordered?" in (await rep.send("Widgets × 10 📦")).text
    summary = await rep.press("Today")
    assert "Amount: $1,234.50" in summary.text
    assert "Product: Widgets × 10 📦" in summary.text
    done = await rep.press("✅ Save")
    assert "Order of $1,234.50 from Acme saved." in done.text

    [order] = await fetch(bot, Order)
    assert (order.customer_id, order.amount, order.currency, order.note) == (
        acme,
        Decimal("1234.50"),
        "USD",
        "Widgets × 10 📦",
    )
    [row] = await fetch(bot, Customer, id=acme)
    assert row.last_order_at == order.ordered_at


async def test_chinese_order_with_wan_and_a_typed_past_date(bot: Harness) -> None:
    rep, _ = await begin(bot, chinese=True)
    echo = await rep.send("1.2万")
    assert echo.text.startswith("金额：¥12,000.00\n币种：CNY。点下面的其他币种即可更换。")
    assert echo.buttons() == [["CNY", "USD", "EUR", "HKD"], ["跳过", "取消"]]
    await rep.press("跳过")
    assert "还没到" in (await rep.send("2099年1月1日")).text
    assert "无法识别“香蕉”这个日期。" in (await rep.send("香蕉")).text
    summary = await rep.send("2025-03-08")
    assert "金额：¥12,000.00" in summary.text
    assert "2025年3月8日" in summary.text
    assert "已保存" in (await rep.press("✅ 保存")).text
    [order] = await fetch(bot, Order)
    assert (order.amount, order.currency, order.note) == (Decimal("12000.00"), "CNY", None)
    assert order.ordered_at == datetime(2025, 3, 8, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1234.5元", "1234.50"),
        ("¥1234", "1234.00"),
        ("1.2万", "12000.00"),
        ("88", "88.00"),
        # Full-width digits, as a Chinese input method types them, are the digits they are.
        ("１２３", "123.00"),
        ("１，２３４．５", "1234.50"),
    ],
)
async def test_amount_formats(bot: Harness, typed: str, amount: str) -> None:
    rep, _ = await begin(bot)
    await rep.send(typed)
    await press_through(rep, "Skip", "Yesterday", "✅ Save")
    [order] = await fetch(bot, Order)
    assert order.amount == Decimal(amount)


async def test_rejected_amounts_in_both_languages(bot: Harness) -> None:
    rep, _ = await begin(bot)
    assert "more than zero" in (await rep.send("0")).text
    assert "more than zero" in (await rep.send("-50")).text
    assert "not an amount I can read" in (await rep.send("lots")).text
    assert "more than 100,000,000" in (await rep.send("200000000")).text
    assert "two decimal places" in (await rep.send("9.999")).text
    assert "What was ordered?" in (await rep.send("9.99")).text
    await rep.send("/cancel")

    await rep.send("/lang")
    await rep.press("简体中文")
    await rep.send("/order")
    await rep.press("Acme")
    assert "大于零" in (await rep.send("-1")).text
    assert "超过了100,000,000" in (await rep.send("3亿")).text
    assert await count(bot, Order) == 0


async def test_edit_from_the_summary(bot: Harness) -> None:
    rep, _ = await begin(bot)
    await rep.send("500")
    await press_through(rep, "Skip", "Today", "✏️ Edit", "Amount")
    summary = await rep.send("750")
    assert "Amount: CN¥750.00" in summary.text
    asked = await press_through(rep, "✏️ Edit", "Currency")
    assert asked.text == "Which currency is 750.00 in?"
    assert "Amount: HK$750.00" in (await rep.press("HKD")).text
    await rep.press("✅ Save")
    [order] = await fetch(bot, Order)
    assert (order.amount, order.currency) == (Decimal("750.00"), "HKD")


async def test_stale_save_and_cancel(bot: Harness) -> None:
    rep, _ = await begin(bot)
    await rep.send("100")
    await rep.press("EUR")
    summary = await press_through(rep, "Skip", "Today")
    await rep.press("✅ Save")
    await plant_button(bot, rep, "✅ Save", "order:save", message_id=summary.message.message_id)
    answer = await rep.press_for_answer("✅ Save")
    assert answer is not None
    assert "already saved" in str(answer["text"])
    assert await count(bot, Order) == 1

    await rep.send("/order")
    await rep.press("Acme")
    await rep.send("100")
    assert "Cancelled. No order was saved." in (await rep.send("/cancel")).text
    assert await count(bot, Order) == 1


async def test_another_reps_customer_is_refused(bot: Harness) -> None:
    rep, theirs = await rep_and_others_customer(bot)
    answer = await press_forged(bot, rep, "Forged order", f"order:start:{theirs}")
    assert answer is not None
    assert "not in your list" in str(answer["text"])
    assert "How much" not in (await rep.last_message()).text
    assert await count(bot, Order) == 0


@pytest.mark.parametrize(
    ("chinese", "team_currency", "echo", "first"),
    [
        (False, "USD", "Amount: $1,234.50", ["USD", "CNY", "EUR", "HKD"]),
        (True, "USD", "金额：US$1,234.50", ["USD", "CNY", "EUR", "HKD"]),
        (False, "HKD", "Amount: HK$1,234.50", ["HKD", "CNY", "USD", "EUR"]),
        (True, "CNY", "金额：¥1,234.50", ["CNY", "USD", "EUR", "HKD"]),
        (False, "", "Amount: CN¥1,234.50", ["CNY", "USD", "EUR", "HKD"]),
    ],
)
async def test_the_currency_is_the_teams_until_changed(
    bot: Harness, chinese: bool, team_currency: str, echo: str, first: list[str]
) -> None:
    rep, _ = await begin(bot, chinese=chinese, currency=team_currency)
    reply = await rep.send("1234.5")
    assert reply.text.startswith(echo + "\n")
    assert reply.buttons()[0] == first
    await press_through(rep, "跳过" if chinese else "Skip", "今天" if chinese else "Today")
    await rep.press("✅ 保存" if chinese else "✅ Save")
    [order] = await fetch(bot, Order)
    assert (order.amount, order.currency) == (Decimal("1234.50"), team_currency or "CNY")


async def test_a_team_currency_outside_the_usual_four_keeps_its_button(bot: Harness) -> None:
    rep, _ = await begin(bot, currency="GBP")
    reply = await rep.send("99999999.99")
    assert reply.text.startswith("Amount: £99,999,999.99\nCurrency: GBP.")
    assert reply.buttons()[0] == ["GBP", "CNY", "USD", "EUR", "HKD"]
    assert (await rep.press("EUR")).text.startswith("Amount: €99,999,999.99\nCurrency: EUR.")
    assert (await rep.press("GBP")).text.startswith("Amount: £99,999,999.99\nCurrency: GBP.")
    # Tapping the currency already chosen changes nothing and leaves the question as it was.
    same = await rep.press("GBP")
    assert same.text.startswith("Amount: £99,999,999.99")
    summary = await press_through(rep, "Skip", "Today")
    assert "Amount: £99,999,999.99" in summary.text
    await rep.press("✅ Save")
    [order] = await fetch(bot, Order)
    assert (order.amount, order.currency) == (Decimal("99999999.99"), "GBP")


async def test_a_currency_button_left_behind_changes_nothing(bot: Harness) -> None:
    rep, _ = await begin(bot)
    await rep.send("88")
    await rep.send("Tea")
    answer = await rep.press_for_answer("USD")
    assert answer is not None
    assert answer["text"] == "That step is already done; please answer the latest question."
    await rep.press("Today")
    await rep.press("✅ Save")
    [order] = await fetch(bot, Order)
    assert order.currency == "CNY"


@pytest.mark.parametrize(
    ("typed", "english", "chinese"),
    [
        (
            "-50",
            "The amount must be more than zero.\nOrder from Acme. How much is it?",
            "金额必须大于零。\nAcme的订单。金额是多少？",
        ),
        ("0", "The amount must be more than zero.", "金额必须大于零。"),
        ("lots", "That is not an amount I can read.", "没看懂这个金额。"),
        ("1e9", "That is not an amount I can read.", "没看懂这个金额。"),
        ("1,2,3", "That is not an amount I can read.", "没看懂这个金额。"),
        ("1000000000", "That is more than 100,000,000.", "金额超过了100,000,000"),
        ("１２３．４５６", "at most two decimal places", "最多保留两位小数"),
        (
            "1.234,50",
            "Here a dot marks the decimals and a comma the thousands. "
            'Did you mean CN¥1,234.50? Then type "1,234.50".',
            "这里用小数点表示小数，用逗号分隔千位。你是指¥1,234.50吗？请输入“1,234.50”。",
        ),
        ("12,5", "Did you mean CN¥12.50?", "你是指¥12.50吗？"),
    ],
)
@pytest.mark.parametrize("in_chinese", [False, True])
async def test_a_bad_amount_says_why_and_the_next_one_goes_on(
    bot: Harness, typed: str, english: str, chinese: str, in_chinese: bool
) -> None:
    rep, _ = await begin(bot, chinese=in_chinese)
    refused = await rep.send(typed)
    assert (chinese if in_chinese else english) in refused.text
    assert refused.buttons() == [["取消" if in_chinese else "Cancel"]]
    assert await count(bot, Order) == 0
    echo = await rep.send("1,234.50")
    assert echo.text.startswith("金额：¥1,234.50" if in_chinese else "Amount: CN¥1,234.50")
