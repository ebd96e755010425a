"""Typed dates and time zones that must not be taken: each is refused with examples, and nothing is stored.

The visit follow-up, /remind, the order date, /newteam and /settings, in English and in Chinese.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dates import latest_ahead
from bot.domain.timezones import utc_offset_label
from bot.runtime.jobs import background
from sandbox.factories import MANAGER_TG, REP_TG, count, customer, fetch, person, press_through, sales_team
from sandbox.harness import ADMIN_ID, Harness, Person
from storage.models import AuditLog, Order, Reminder, Team, Visit

SHANGHAI = "Asia/Shanghai"
# 10:00 on Tuesday 24 Nov 2026 in Shanghai, for the dialogs that read the jobs' clock.
T = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)

# What each language says, and what it types.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "unreadable_when": 'I couldn\'t read "{text}" as a date and time.',
        "unreadable_day": 'I couldn\'t read "{text}" as a date.',
        "ahead_examples": 'For example: "tomorrow 15:00", "Friday 10:30" or "12/25 9:00".',
        "order_examples": 'For example: "today", "yesterday", "11/20" or "last Friday".',
        "too_far": "is more than two years ahead. Please pick a day up to",
        "too_early": "is too long ago: orders can be dated from Jan 1, 2000 on.",
        "passed": "has already passed",
        "not_yet": "is in the future",
        "far": "in 3 years",
        "no_follow_up": "No follow-up",
        "follow_up_none": "Next follow-up: none",
        "just_me": "🙋 Just for me",
        "skip": "Skip",
        "yesterday": "Yesterday",
    },
    "zh_Hans": {
        "unreadable_when": "无法识别“{text}”这个日期和时间。",
        "unreadable_day": "无法识别“{text}”这个日期。",
        "ahead_examples": "例如：“明天15:00”、“周五10:30”或“12月25日9:00”。",
        "order_examples": "例如：“今天”、“昨天”、“11月20日”或“上周五”。",
        "too_far": "距今超过两年。请选择",
        "too_early": "太早了：订单日期最早只能是2000年1月1日。",
        "passed": "已经过去",
        "not_yet": "还没到",
        "far": "2113年1月1日",
        "no_follow_up": "不需要跟进",
        "follow_up_none": "下次跟进：无",
        "just_me": "🙋 只是提醒自己",
        "skip": "跳过",
        "yesterday": "昨天",
    },
}
# The /visit presses up to the follow-up question: customer, kind, outcome, no notes.
VISIT_STEPS = {"en": ("Acme", "Phone", "Neutral", "Skip"), "zh_Hans": ("Acme", "电话", "一般", "跳过")}
IMPOSSIBLE = ["13/13", "-5", "tomorrow 25:00", "明天 25:00", "12.25"]


async def staff(bot: Harness, locale: str, telegram_id: int = REP_TG) -> Person:
    team = await sales_team(bot, rep_locale=locale, manager_locale=locale)
    await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
    return await person(bot, telegram_id, chinese=locale == "zh_Hans")


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_visit_follow_up_refuses_impossible_and_far_dates(bot: Harness, locale: str) -> None:
    words = WORDS[locale]
    rep = await staff(bot, locale)
    await rep.send("/visit")
    await press_through(rep, *VISIT_STEPS[locale])
    for typed in IMPOSSIBLE:
        reply = await rep.send(typed)
        assert reply.text == words["unreadable_when"].format(text=typed) + "\n" + words["ahead_examples"]
        assert any(words["no_follow_up"] in row for row in reply.buttons())
    far = await rep.send(words["far"])
    assert words["too_far"] in far.text
    limit = latest_ahead(now=datetime.now(UTC), tz=SHANGHAI)
    assert str(limit.year) in far.text
    assert far.text.endswith(words["ahead_examples"])
    assert words["passed"] in (await rep.send("2020-01-01 10:00")).text

    # Nothing typed so far reached the draft: the summary says there is no follow-up.
    summary = await rep.press(words["no_follow_up"])
    assert words["follow_up_none"] in summary.text
    assert await count(bot, Visit) == 0
    assert await count(bot, Reminder) == 0


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_remind_refuses_impossible_and_far_dates(bot: Harness, locale: str) -> None:
    words = WORDS[locale]
    rep = await staff(bot, locale)
    background(bot.app).clock = lambda: T
    await rep.send("/remind")
    await rep.press(words["just_me"])
    await rep.send("Call the bank 🏦")
    for typed in IMPOSSIBLE:
        reply = await rep.send(typed)
        assert reply.text == words["unreadable_when"].format(text=typed) + "\n" + words["ahead_examples"]
    far = await rep.send("2030-01-01 09:00")
    assert words["too_far"] in far.text
    assert ("Nov 24, 2028" if locale == "en" else "2028年11月24日") in far.text
    assert ("2030" if locale == "en" else "2030年1月1日") in far.text
    assert await fetch(bot, Reminder) == []

    # The last day of the window is taken, and shown with its year.
    done = await rep.send("2028-11-24 18:00")
    assert ("Fri, Nov 24, 2028, 18:00" if locale == "en" else "2028年11月24日周五 18:00") in done.text
    [row] = await fetch(bot, Reminder)
    assert row.due_at == datetime(2028, 11, 24, 18, 0, tzinfo=ZoneInfo(SHANGHAI))


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_order_date_refuses_impossible_old_and_future_dates(bot: Harness, locale: str) -> None:
    words = WORDS[locale]
    rep = await staff(bot, locale)
    await rep.send("/order")
    await rep.press("Acme")
    await rep.send("88")
    await rep.press("CNY")
    await rep.press(words["skip"])
    for typed in ["13/13", "-5", "2026-02-30", "12.25"]:
        reply = await rep.send(typed)
        assert reply.text == words["unreadable_day"].format(text=typed) + "\n" + words["order_examples"]
    for typed in ["1900-01-01", "1999-12-31"]:
        old = await rep.send(typed)
        assert words["too_early"] in old.text
        assert typed[:4] in old.text
        assert old.text.endswith(words["order_examples"])
    assert words["not_yet"] in (await rep.send("2099-01-01")).text
    assert await count(bot, Order) == 0

    summary = await rep.send("2000-01-01")
    assert ("Jan 1, 2000" if locale == "en" else "2000年1月1日") in summary.text
    await rep.press("✅ Save" if locale == "en" else "✅ 保存")
    [order] = await fetch(bot, Order)
    assert order.ordered_at.astimezone(ZoneInfo(SHANGHAI)).date().isoformat() == "2000-01-01"


@pytest.mark.parametrize(
    ("typed", "zone", "shown"),
    [("-5", "Etc/GMT+5", "UTC-5"), ("UTC+5:30", "Asia/Kolkata", "UTC+5:30"), ("GMT-3", "Etc/GMT+3", "UTC-3")],
)
async def test_new_team_offsets_keep_their_sign(bot: Harness, typed: str, zone: str, shown: str) -> None:
    admin = await bot.person(ADMIN_ID, "Ada")
    await admin.send("/start")
    await admin.send("/newteam")
    await admin.send("West")
    refused = await admin.send("UTC+5:15")
    assert 'I don\'t know the time zone "UTC+5:15"' in refused.text
    confirm = await admin.send(typed)
    assert shown in confirm.text
    assert "GMT+5" not in confirm.text
    await admin.press("Create")
    [team] = await fetch(bot, Team)
    assert team.timezone == zone
    overview = await admin.send("/team")
    assert overview.text.splitlines()[0].endswith(shown if zone.startswith("Etc/") else f"({shown})")


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_settings_time_zone_offsets(bot: Harness, locale: str) -> None:
    team = await sales_team(bot, manager_locale=locale)
    manager = await person(bot, MANAGER_TG, chinese=locale == "zh_Hans")
    await manager.send("/settings")
    await manager.press("Time zone" if locale == "en" else "时区")
    refused = await manager.send("UTC+15")
    sorry = "Sorry, I can't use “UTC+15” here." if locale == "en" else "抱歉，这里无法使用“UTC+15”。"
    assert refused.text.startswith(sorry)
    assert "UTC+8" in refused.text
    [row] = await fetch(bot, Team, id=team.team_id)
    assert row.timezone == SHANGHAI
    assert await count(bot, AuditLog) == 0

    saved = await manager.send("-5")
    label = "Time zone: UTC-5" if locale == "en" else "时区：UTC-5"
    assert label in saved.text.splitlines()
    assert "GMT+5" not in saved.text
    [row] = await fetch(bot, Team, id=team.team_id)
    assert row.timezone == "Etc/GMT+5"
    # Summer and winter alike.
    assert utc_offset_label(row.timezone, now=datetime(2026, 7, 1, tzinfo=UTC)) == "UTC-5"
