"""/today's sections in full: a section cut short has a button that opens all of it, ten a page, ◀/▶
turn the pages in place, each customer keeps their buttons, and forged or stale presses are answered."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.domain.enums import ReminderStatus
from bot.domain.roles import Role
from bot.services.today import Part
from handlers.common.buttons import button_index
from handlers.today.callbacks import TODAY_PAGE, TODAY_SECTION
from sandbox.factories import NOT_YOURS, STALE, press_forged, refused_as
from sandbox.harness import Harness
from storage.models import Reminder
from tests.support.reminders import (
    MANAGER,
    OTHER,
    REP,
    Desk,
    T,
    add_customer,
    add_reminder,
    chatting,
    desk,
    frozen,
)

OVERDUE = 23
WORDS = {
    "en": {
        "all": "⚠️ All {n} overdue",
        "title": "⚠️ {n} overdue follow-ups · page {page} of {pages}",
        "next": "Next ▶",
        "previous": "◀ Previous",
        "visit": "📝 Log visit",
    },
    "zh_Hans": {
        "all": "⚠️ 全部{n}条逾期跟进",
        "title": "⚠️ {n}条跟进已逾期 · 第{page}/{pages}页",
        "next": "下一页 ▶",
        "previous": "◀ 上一页",
        "visit": "📝 记录拜访",
    },
}


async def overdue_day(bot: Harness, *, rep_locale: str = "en") -> Desk:
    """Rita has 23 overdue follow-ups (Shop 23 the longest overdue), one due later today and one done;
    Otto, her colleague, has two overdue follow-ups of his own."""
    d = await desk(bot, rep_locale=rep_locale)
    for n in range(1, OVERDUE + 1):
        shop = await add_customer(bot, d, f"Shop {n:02d}")
        await add_reminder(bot, d, due_at=T - timedelta(hours=n), customer_id=shop, note=f"call {n}")
    await add_reminder(bot, d, due_at=T + timedelta(hours=2), note="later today")
    await add_reminder(bot, d, due_at=T - timedelta(days=3), note="done already", status=ReminderStatus.DONE)
    for n in (1, 2):
        theirs = await add_customer(bot, d, f"Otto's {n}", owner_id=d.other_id)
        await add_reminder(
            bot, d, due_at=T - timedelta(minutes=n), customer_id=theirs, user_id=d.other_id, note="otto"
        )
    frozen(bot, T)
    return d


def shops(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^• Shop (\d\d)[:：] ?call ", text, flags=re.MULTILINE)]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_a_rep_pages_through_every_overdue_follow_up_once(bot: Harness, locale: str) -> None:
    await overdue_day(bot, rep_locale=locale)
    words = WORDS[locale]
    rep = await chatting(bot, REP, chinese=locale == "zh_Hans")
    agenda = await rep.send("/today")
    assert [words["all"].format(n=OVERDUE)] in agenda.buttons()

    first = await rep.press(words["all"].format(n=OVERDUE))
    assert first.message.message_id != agenda.message.message_id
    assert first.text.splitlines()[0] == words["title"].format(n=OVERDUE, page=1, pages=3)
    assert first.buttons()[0] == ["Shop 23", words["visit"]]
    assert first.buttons()[-1] == [words["next"]]
    seen = shops(first.text)
    second = await rep.press(words["next"])
    assert second.message.message_id == first.message.message_id
    assert second.text.splitlines()[0] == words["title"].format(n=OVERDUE, page=2, pages=3)
    assert second.buttons()[-1] == [words["previous"], words["next"]]
    seen += shops(second.text)
    third = await rep.press(words["next"])
    assert third.message.message_id == first.message.message_id
    assert third.text.splitlines()[0] == words["title"].format(n=OVERDUE, page=3, pages=3)
    assert third.buttons()[-1] == [words["previous"]]
    seen += shops(third.text)

    # Longest overdue first, each once; what is due later, done, or Otto's, never.
    assert seen == list(range(OVERDUE, 0, -1))
    assert len(first.text.splitlines()) == 11
    assert "otto" not in first.text + second.text + third.text
    back = await rep.press(words["previous"])
    assert shops(back.text) == shops(second.text)
    card = await rep.press("Shop 13")
    assert "Shop 13" in card.text.splitlines()[0]


async def test_a_manager_sees_the_team_with_owners(bot: Harness) -> None:
    await overdue_day(bot)
    manager = await chatting(bot, MANAGER)
    await manager.send("/today")
    listed = await manager.press("⚠️ All 25 overdue")
    assert listed.text.splitlines()[0] == "⚠️ 25 overdue follow-ups · page 1 of 3"
    assert "• Shop 23: call 23 · Mon, Nov 23, 10:00 — Rita" in listed.text
    last = await manager.press("Next ▶")
    last = await manager.press("Next ▶")
    assert "• Otto's 1: otto · Tue, Nov 24, 08:59 — Otto" in last.text.splitlines()


async def test_a_rep_never_sees_another_reps_items(bot: Harness) -> None:
    await overdue_day(bot)
    otto = await chatting(bot, OTHER)
    agenda = await otto.send("/today")
    assert "⚠️ 2 overdue follow-ups" in agenda.text
    assert "All" not in str(agenda.buttons())
    # Rita's pages, forged into Otto's chat, show Otto only his own.
    for data in ("today:all:overdue", "today:page:overdue:2"):
        await press_forged(bot, otto, "Rita's list", data)
        text = (await otto.last_message()).text
        assert text.splitlines()[0] == "⚠️ 2 overdue follow-ups"
        assert "Shop" not in text


async def test_a_forged_page_is_answered_with_the_last_page_and_junk_as_stale(bot: Harness) -> None:
    await overdue_day(bot)
    rep = await chatting(bot, REP)
    answer = await press_forged(bot, rep, "Far", "today:page:overdue:9999")
    assert answer is not None
    assert answer["text"] == "This list has 3 pages now; here is the last one."
    shown = await rep.last_message()
    assert shown.text.splitlines()[0] == "⚠️ 23 overdue follow-ups · page 3 of 3"
    assert shops(shown.text) == [3, 2, 1]
    answer = await press_forged(bot, rep, "Birthdays", "today:all:born")
    assert answer is not None
    assert answer["text"] == "Nothing on this list any more."
    for data in (
        "today:page:overdue:10001",
        "today:page:overdue:-1",
        "today:page:overdue:²",
        "today:page:overdue",
        "today:page:nothing:0",
        "today:all:overdue:0",
        "today:all",
    ):
        assert await refused_as(bot, rep, data) == STALE, data


async def test_a_stale_page_after_follow_ups_were_done(bot: Harness) -> None:
    d = await overdue_day(bot)
    rep = await chatting(bot, REP)
    await rep.send("/today")
    await rep.press("⚠️ All 23 overdue")
    await rep.press("Next ▶")
    await rep.press("Next ▶")
    async with bot.app.db.begin() as session:
        await session.execute(
            update(Reminder)
            .where(Reminder.user_id == d.rep_id, Reminder.note.in_([f"call {n}" for n in range(10, 24)]))
            .values(status=ReminderStatus.DONE)
        )
    # 14 of the 23 are done: one page is left, and ◀ from page 3 (page 2) is past its end.
    answer = await rep.press_for_answer("◀ Previous")
    assert answer is not None
    assert answer["text"] == "This list has only one page now; here it is."
    shown = await rep.last_message()
    assert shown.text.splitlines()[0] == "⚠️ 9 overdue follow-ups"
    assert shops(shown.text) == list(range(9, 0, -1))
    assert "Next ▶" not in str(shown.buttons())
    async with bot.app.db.begin() as session:
        await session.execute(
            update(Reminder).where(Reminder.user_id == d.rep_id).values(status=ReminderStatus.DONE)
        )
    answer = await press_forged(bot, rep, "The first page", "today:page:overdue:0")
    assert answer is not None
    assert answer["text"] == "Nothing on this list any more."


async def test_only_field_staff_may_open_a_section(bot: Harness) -> None:
    await overdue_day(bot)
    stranger = await bot.person(9999, "Sam")
    await stranger.send("/start")
    for data in ("today:all:overdue", "today:page:overdue:1"):
        assert await refused_as(bot, stranger, data) == NOT_YOURS, data
    assert "Shop" not in "".join(reply.text for reply in await stranger.replies())


async def test_every_section_button_is_one_the_guard_accepts_from_field_staff(bot: Harness) -> None:
    index = button_index(bot.app)
    for part in Part:
        for data in (TODAY_SECTION.data(part=part), TODAY_PAGE.data(part=part, page=10_000)):
            button, args = index.find(data)
            assert args["part"] == part.value
            assert button.roles == {Role.REP, Role.MANAGER}


async def test_each_cut_section_has_its_button_in_chinese(bot: Harness) -> None:
    d = await desk(bot, rep_locale="zh_Hans")
    for n in range(7):
        await add_customer(
            bot,
            d,
            f"Risky {n}",
            risk_level="high",
            health_score=10 + n,
            health_computed_at=T - timedelta(hours=1),
        )
    frozen(bot, T)
    rep = await chatting(bot, REP, chinese=True)
    agenda = await rep.send("/today")
    assert agenda.buttons()[-1] == ["🔥 全部7位流失风险客户"]
    listed = await rep.press("🔥 全部7位流失风险客户")
    assert listed.text.splitlines()[0] == "🔥 新增7位流失风险客户"
    assert listed.text.splitlines()[1:] == [f"• Risky {n} — 高风险，健康度{10 + n}" for n in range(7)]
