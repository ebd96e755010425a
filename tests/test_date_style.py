"""One date, time, duration and money style per language, as people read it in the chat.

A reminder's confirmation names its day and time (the year only outside this year, the day as it is in
Shanghai just after midnight); /settings says how long after a visit a rating is asked; the card says
how late a complaint is and sums the orders in 万 for Chinese readers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.jobs import background
from bot.services import health as rescan
from sandbox.factories import MANAGER_TG, REP_TG, buyer, fetch, person, plant_button, sales_team
from sandbox.harness import Harness, Person
from storage.db import utcnow
from storage.models import Order, Reminder, Team, Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 10:00 on Tuesday 24 Nov 2026 in Shanghai.
T = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
# 00:10 on Tuesday 8 Dec in Shanghai, still Monday 7 Dec in UTC.
AFTER_MIDNIGHT = datetime(2026, 12, 7, 16, 10, tzinfo=UTC)
JUST_ME = {"en": "🙋 Just for me", "zh_Hans": "🙋 只是提醒自己"}
SET_FOR = {"en": "✅ Reminder set for {when}.", "zh_Hans": "✅ 已设置提醒：{when}。"}


async def reminder_typed(bot: Harness, locale: str, typed: str, *, now: datetime) -> str:
    """The first line of the confirmation after /remind with `typed` as the time, at `now`."""
    await sales_team(bot, rep_locale=locale)
    rep = await person(bot, REP_TG, chinese=locale == "zh_Hans")
    background(bot.app).clock = lambda: now
    await rep.send("/remind")
    await rep.press(JUST_ME[locale])
    await rep.send("Call the bank")
    done = await rep.send(typed)
    return done.text.splitlines()[0]


@pytest.mark.parametrize(
    ("locale", "typed", "shown"),
    [
        ("en", "5.30 pm", "Tue, Nov 24, 17:30"),
        ("en", "5:30pm", "Tue, Nov 24, 17:30"),
        ("zh_Hans", "下午5点半", "11月24日周二 17:30"),
        ("zh_Hans", "晚上8点", "11月24日周二 20:00"),
        ("zh_Hans", "明天上午10点15分", "11月25日周三 10:15"),
    ],
)
async def test_a_typed_time_is_confirmed_as_a_day_and_a_24_hour_time(
    bot: Harness, locale: str, typed: str, shown: str
) -> None:
    first = await reminder_typed(bot, locale, typed, now=T)
    assert first == SET_FOR[locale].format(when=shown)
    [row] = await fetch(bot, Reminder)
    hour, minute = (int(part) for part in shown.rsplit(" ", 1)[1].split(":"))
    assert (
        row.due_at.astimezone(SHANGHAI).time().replace(second=0) == datetime(2026, 1, 1, hour, minute).time()
    )


@pytest.mark.parametrize(
    ("locale", "typed", "shown"),
    [
        ("en", "2027-01-05 09:00", "Tue, Jan 5, 2027, 09:00"),
        ("zh_Hans", "2027-01-05 09:00", "2027年1月5日周二 09:00"),
    ],
)
async def test_another_year_is_named(bot: Harness, locale: str, typed: str, shown: str) -> None:
    assert await reminder_typed(bot, locale, typed, now=T) == SET_FOR[locale].format(when=shown)


@pytest.mark.parametrize(
    ("locale", "typed", "shown"),
    [("en", "8:30", "Tue, Dec 8, 08:30"), ("zh_Hans", "8点半", "12月8日周二 08:30")],
)
async def test_just_after_midnight_in_shanghai_it_is_already_the_next_day(
    bot: Harness, locale: str, typed: str, shown: str
) -> None:
    assert await reminder_typed(bot, locale, typed, now=AFTER_MIDNIGHT) == SET_FOR[locale].format(when=shown)
    [row] = await fetch(bot, Reminder)
    assert row.due_at == datetime(2026, 12, 8, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "button", "typed", "line"),
    [
        ("en", "When to ask for a rating", "90", "Rating question: 1 hour 30 minutes after a visit"),
        ("en", "When to ask for a rating", "0", "Rating question: less than a minute after a visit"),
        ("zh_Hans", "何时邀请评分", "90", "评分邀请：拜访后1小时30分钟发出"),
        ("zh_Hans", "何时邀请评分", "0", "评分邀请：拜访后不到1分钟发出"),
    ],
)
async def test_a_delay_keeps_its_minutes(
    bot: Harness, locale: str, button: str, typed: str, line: str
) -> None:
    await sales_team(bot, manager_locale=locale)
    manager = await person(bot, MANAGER_TG, chinese=locale == "zh_Hans")
    await manager.send("/settings")
    await manager.press(button)
    saved = await manager.send(typed)
    assert any(shown.startswith(line) for shown in saved.text.splitlines()), saved.text


@pytest.mark.parametrize(
    ("locale", "typed", "line"),
    [("en", "5.30 pm", "Daily digest at 17:30"), ("zh_Hans", "下午5点半", "日报发送时间：17:30")],
)
async def test_the_digest_time_is_typed_as_people_say_it(
    bot: Harness, locale: str, typed: str, line: str
) -> None:
    team = await sales_team(bot, manager_locale=locale)
    manager = await person(bot, MANAGER_TG, chinese=locale == "zh_Hans")
    await manager.send("/settings")
    await manager.press("Digest time" if locale == "en" else "日报时间")
    saved = await manager.send(typed)
    assert line in saved.text.splitlines()
    [row] = await fetch(bot, Team, id=team.team_id)
    assert row.settings["digest_time"] == "17:30"


async def open_card(bot: Harness, who: Person, customer_id: int) -> str:
    await plant_button(bot, who, "Open", f"cust:open:{customer_id}")
    return (await who.press("Open")).text


@pytest.mark.parametrize(
    ("locale", "late", "total"),
    [
        ("en", "Complaint #7 overdue by 3 hours.", "Orders, last 90 days: CN¥125,000.00"),
        ("zh_Hans", "投诉 #7已超时3小时。", "¥12.5万"),
    ],
)
async def test_the_card_says_how_late_a_complaint_is_and_sums_in_wan(
    bot: Harness, locale: str, late: str, total: str
) -> None:
    now = utcnow()
    team = await sales_team(bot, rep_locale=locale)
    rep = await person(bot, REP_TG, chinese=locale == "zh_Hans")
    lotus = await buyer(bot, team, "Lotus", now=now, every=30, last=100, orders=2)
    async with bot.app.db.begin() as session:
        session.add(
            Order(
                team_id=team.team_id,
                customer_id=lotus,
                rep_id=team.rep_id,
                amount=Decimal("125000"),
                currency="CNY",
                ordered_at=now - timedelta(days=5),
                created_at=now - timedelta(days=5),
            )
        )
        session.add(
            Ticket(
                team_id=team.team_id,
                number=7,
                customer_id=lotus,
                description="Broken seal",
                status="open",
                resolve_due_at=now - timedelta(hours=3, minutes=10),
                created_at=now - timedelta(days=1),
                updated_at=now - timedelta(days=1),
            )
        )
    await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=now, incremental=False)

    card = await open_card(bot, rep, lotus)
    assert late in card
    assert total in card
