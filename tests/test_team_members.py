"""/team cut short: a button opens every member, twenty a page, ◀/▶ in place; managers and admins only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from sandbox.factories import NOT_YOURS, STALE, press_forged, refused_as
from sandbox.harness import ADMIN_ID, Harness, Person
from storage.models import Team, User

REPS = 150
WORDS = {
    "en": {"all": "👥 All 151 members", "title": "👥 151 team members · page {page} of 8", "next": "Next ▶"},
    "zh_Hans": {"all": "👥 全部151位成员", "title": "👥 团队成员151位 · 第{page}/8页", "next": "下一页 ▶"},
}


async def big_team(bot: Harness, *, chinese: bool = False) -> Person:
    """An admin (Ada) with a team of 150 reps whose long names fill /team before it is done."""
    admin = await bot.person(ADMIN_ID, "Ada", language_code="zh-hans" if chinese else "en")
    await admin.send("/start")
    await admin.send("/newteam")
    await admin.send("Big")
    await admin.send("Shanghai")
    await admin.press("创建" if chinese else "Create")
    async with bot.app.db.begin() as session:
        team = await session.scalar(select(Team))
        assert team is not None
        session.add_all(
            User(telegram_id=90_000 + n, first_name=f"Rep {n:03d} " + "x" * 60, role="rep", team_id=team.id)
            for n in range(REPS)
        )
    return admin


def reps(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^• Rep (\d{3}) ", text, flags=re.MULTILINE)]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_every_member_of_a_big_team_is_reached_once(bot: Harness, locale: str) -> None:
    admin = await big_team(bot, chinese=locale == "zh_Hans")
    words = WORDS[locale]
    overview = await admin.send("/team")
    assert overview.buttons() == [[words["all"]]]
    page = await admin.press(words["all"])
    assert page.message.message_id != overview.message.message_id
    seen = reps(page.text)
    for number in range(2, 9):
        page = await admin.press(words["next"])
        assert page.text.splitlines()[0] == words["title"].format(page=number)
        seen += reps(page.text)
    assert words["next"] not in str(page.buttons())
    assert seen == list(range(REPS))


async def test_a_small_team_has_no_button_and_a_forged_page_shows_the_last(bot: Harness) -> None:
    admin = await big_team(bot)
    async with bot.app.db.begin() as session:
        await session.execute(update(User).where(User.telegram_id >= 90_005).values(team_id=None))
    overview = await admin.send("/team")
    assert overview.buttons() == []
    answer = await press_forged(bot, admin, "Old page", "team:page:3")
    assert answer is not None
    assert answer["text"] == "This list has only one page now; here it is."
    assert reps((await admin.last_message()).text) == [0, 1, 2, 3, 4]
    for data in ("team:page:10001", "team:page:x", "team:all:0"):
        assert await refused_as(bot, admin, data) == STALE, data
    rep = await bot.person(90_001, "Rep")
    await rep.send("/start")
    assert await refused_as(bot, rep, "team:all") == NOT_YOURS
