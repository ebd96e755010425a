"""/order through the sandbox: amounts as reps type them, currency, product, date, refusals."""

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
from storage.models import Customer, Order

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def begin(bot: Harness, *, chinese: bool = False) -> tuple[Person, int]:
    team = await sales_team(bot, rep_locale="zh_Hans" if chinese else "en")
    acme = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
    rep = await person(bot, REP_TG, chinese=chinese)
    await rep.send("/order")
    await rep.press("Acme")
    return rep, acme


async def test_full_order_in_english(bot: Harness) -> None:
    rep, acme = await begin(bot)
    currency = await rep.send("1,234.50")
    assert "Which currency is 1,234.5 in?" in currency.text
    assert currency.buttons()[0] == ["CNY", "USD", "EUR", "HKD"]
    assert "What was ordered?" in (await rep.press("USD")).text
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
    assert "币种" in (await rep.send("1.2万")).text
    await rep.press("CNY")
    await rep.press("跳过")
    assert "还没到" in (await rep.send("2099年1月1日")).text
    assert "看不懂“香蕉”这个日期。" in (await rep.send("香蕉")).text
    summary = await rep.send("2025-03-08")
    assert "金额：¥12,000.00" in summary.text
    assert "2025年3月8日" in summary.text
    assert "已保存" in (await rep.press("✅ 保存")).text
    [order] = await fetch(bot, Order)
    assert (order.amount, order.currency, order.note) == (Decimal("12000.00"), "CNY", None)
    assert order.ordered_at == datetime(2025, 3, 8, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1234.5元", "1234.50"), ("¥1234", "1234.00"), ("1.2万", "12000.00"), ("88", "88.00")],
)
async def test_amount_formats(bot: Harness, typed: str, amount: str) -> None:
    rep, _ = await begin(bot)
    await rep.send(typed)
    await press_through(rep, "CNY", "Skip", "Yesterday", "✅ Save")
    [order] = await fetch(bot, Order)
    assert order.amount == Decimal(amount)


async def test_rejected_amounts_in_both_languages(bot: Harness) -> None:
    rep, _ = await begin(bot)
    assert "more than zero" in (await rep.send("0")).text
    assert "more than zero" in (await rep.send("-50")).text
    assert "not an amount I can read" in (await rep.send("lots")).text
    assert "more than 100,000,000" in (await rep.send("200000000")).text
    assert "two decimal places" in (await rep.send("9.999")).text
    assert "Which currency" in (await rep.send("9.99")).text
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
    await press_through(rep, "CNY", "Skip", "Today", "✏️ Edit", "Amount")
    summary = await rep.send("750")
    assert "Amount: CN¥750.00" in summary.text
    await press_through(rep, "✏️ Edit", "Currency")
    assert "Amount: HK$750.00" in (await rep.press("HKD")).text
    await rep.press("✅ Save")
    [order] = await fetch(bot, Order)
    assert (order.amount, order.currency) == (Decimal("750.00"), "HKD")


async def test_stale_save_and_cancel(bot: Harness) -> None:
    rep, _ = await begin(bot)
    await rep.send("100")
    summary = await press_through(rep, "EUR", "Skip", "Today")
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
