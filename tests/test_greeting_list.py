"""A holiday greeting's "+N more" opens: all the owner's customers, ten a page, ◀/▶ in place, each a
button to their card; only the reader's own customers, whatever page a press names."""

from __future__ import annotations

import re

import pytest

from sandbox.factories import STALE, press_forged, refused_as
from sandbox.harness import Harness
from tests.test_greetings import OTHER, OWNER, SPRING_FESTIVAL, chatting, customer, frozen, run, staff, team

WORDS = {
    "en": {
        "all": "👥 All 23 customers",
        "title": "👥 Your 23 customers · page {page} of 3",
        "next": "Next ▶",
    },
    "zh_Hans": {"all": "👥 全部23位客户", "title": "👥 你的23位客户 · 第{page}/3页", "next": "下一页 ▶"},
}


def listed(text: str) -> list[str]:
    return re.findall(r"^• (.+)$", text, flags=re.MULTILINE)


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_every_customer_behind_a_holiday_greeting_is_reached_once(bot: Harness, locale: str) -> None:
    team_id = await team(bot)
    owner = await staff(bot, team_id, OWNER, locale=locale)
    other = await staff(bot, team_id, OTHER)
    names = ["Acme Ltd", *(f"客户{n:02d}" for n in range(22))]
    for name in names:
        await customer(bot, team_id, owner, name)
    await customer(bot, team_id, other, "Otto's Shop")
    rita = await chatting(bot, OWNER, locale)
    await run(frozen(bot, SPRING_FESTIVAL))
    words = WORDS[locale]

    first = await rita.press(words["all"])
    assert first.text.splitlines()[0] == words["title"].format(page=1)
    assert first.buttons()[0] == ["Acme Ltd", "客户00"]
    second = await rita.press(words["next"])
    third = await rita.press(words["next"])
    assert third.message.message_id == second.message.message_id == first.message.message_id
    assert third.text.splitlines()[0] == words["title"].format(page=3)
    assert words["next"] not in str(third.buttons())
    assert listed(first.text) + listed(second.text) + listed(third.text) == names
    card = await rita.press("客户21")
    assert "客户21" in card.text.splitlines()[0]


async def test_a_forged_page_shows_the_last_and_only_the_readers_own(bot: Harness) -> None:
    team_id = await team(bot)
    owner = await staff(bot, team_id, OWNER)
    other = await staff(bot, team_id, OTHER)
    for n in range(12):
        await customer(bot, team_id, owner, f"Shop {n:02d}")
    await customer(bot, team_id, other, "Otto's Shop")
    otto = await chatting(bot, OTHER)
    answer = await press_forged(bot, otto, "Rita's page", "greet:page:1")
    assert answer is not None
    assert answer["text"] == "This list has only one page now; here it is."
    assert listed((await otto.last_message()).text) == ["Otto's Shop"]
    for data in ("greet:page:10001", "greet:page:x", "greet:all:0", "greet:page"):
        assert await refused_as(bot, otto, data) == STALE, data
