"""The digest's lists page by page: every "+N more" has a button to the whole list, ◀/▶ turn its pages
in place, an overdue ticket's button opens the ticket, and forged or foreign presses are answered."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.digest import daily
from bot.domain.roles import Role
from bot.runtime.jobs import background
from bot.services.digest import NOW_DRILLS, PERIOD_DRILLS
from handlers.common.buttons import button_index
from handlers.digest.lists import page_data
from sandbox.factories import (
    MANAGER_TG,
    NOT_YOURS,
    REP_TG,
    STALE,
    SalesTeam,
    customer,
    person,
    press_forged,
    refused_as,
    sales_team,
)
from sandbox.harness import Harness, Person
from storage.models import Team, Ticket, User, Visit

EVENING = datetime(2026, 11, 24, 10, 5, tzinfo=UTC)  # Tuesday 24 Nov 2026, 18:05 in Shanghai.
OVERDUE = 23
WEST_MANAGER_TG = 9101
WORDS = {
    "en": {
        "tickets": "🎫 Overdue tickets ({n})",
        "title": "🎫 Overdue tickets: {n} · page {page} of {pages}",
        "next": "Next ▶",
        "previous": "◀ Previous",
        "reps": "👥 All reps ({n})",
        "reps_title": "🚗 Visits per rep: {n} reps · page {page} of {pages}",
    },
    "zh_Hans": {
        "tickets": "🎫 超时工单（{n}）",
        "title": "🎫 超时工单：{n} · 第{page}/{pages}页",
        "next": "下一页 ▶",
        "previous": "◀ 上一页",
        "reps": "👥 全部销售（{n}）",
        "reps_title": "🚗 每位销售的拜访：共{n}位 · 第{page}/{pages}页",
    },
}


def frozen(bot: Harness, at: datetime) -> None:
    background(bot.app).clock = lambda: at


async def overdue_desk(bot: Harness, *, locale: str = "en") -> tuple[SalesTeam, Person]:
    """East with 23 overdue tickets over three customers, one on time, and West with one overdue
    ticket of its own; Mona (East's manager) reads in `locale`."""
    team = await sales_team(bot, manager_locale=locale)
    names = ("Acme", "王记商行", "Beta Foods")
    owners = (team.rep_id, team.rep_id, team.other_rep_id)
    ids = [
        await customer(bot, team_id=team.team_id, owner_id=owner, name=name)
        for name, owner in zip(names, owners, strict=True)
    ]
    async with bot.app.db.begin() as session:
        session.add_all(
            Ticket(
                team_id=team.team_id,
                number=number,
                customer_id=ids[number % 3],
                description=f"late {number}",
                resolve_due_at=EVENING - timedelta(hours=number),
            )
            for number in range(1, OVERDUE + 1)
        )
        session.add(
            Ticket(
                team_id=team.team_id,
                number=OVERDUE + 1,
                customer_id=ids[0],
                description="on time",
                resolve_due_at=EVENING + timedelta(days=1),
            )
        )
        west = Team(name="West", timezone="Asia/Shanghai")
        session.add(west)
        await session.flush()
        wendy = User(
            telegram_id=WEST_MANAGER_TG,
            chat_id=WEST_MANAGER_TG,
            first_name="Wendy",
            role="manager",
            team_id=west.id,
            locale="en",
        )
        session.add(wendy)
        await session.flush()
        west_id, wendy_id = west.id, wendy.id
    theirs = await customer(bot, team_id=west_id, owner_id=wendy_id, name="Zeta Outside")
    async with bot.app.db.begin() as session:
        session.add(
            Ticket(
                team_id=west_id,
                number=900,
                customer_id=theirs,
                description="theirs",
                resolve_due_at=EVENING - timedelta(hours=1),
            )
        )
    mona = await person(bot, MANAGER_TG, chinese=locale == "zh_Hans")
    frozen(bot, EVENING)
    return team, mona


def numbers(text: str) -> list[int]:
    return [int(found) for found in re.findall(r"^• #(\d+) ", text, flags=re.MULTILINE)]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_paging_through_a_long_overdue_list_reaches_every_ticket_once(
    bot: Harness, locale: str
) -> None:
    _, mona = await overdue_desk(bot, locale=locale)
    words = WORDS[locale]
    await mona.send("/digest")

    first = await mona.press(words["tickets"].format(n=OVERDUE))
    assert first.text.splitlines()[0] == words["title"].format(n=OVERDUE, page=1, pages=3)
    assert words["previous"] not in str(first.buttons())
    seen = numbers(first.text)
    second = await mona.press(words["next"])
    assert second.message.message_id == first.message.message_id
    assert second.text.splitlines()[0] == words["title"].format(n=OVERDUE, page=2, pages=3)
    seen += numbers(second.text)
    third = await mona.press(words["next"])
    assert third.message.message_id == first.message.message_id
    assert third.text.splitlines()[0] == words["title"].format(n=OVERDUE, page=3, pages=3)
    assert words["next"] not in str(third.buttons())
    seen += numbers(third.text)

    # Longest overdue first, every overdue ticket once, the one on time and West's never.
    assert seen == list(range(OVERDUE, 0, -1))
    back = await mona.press(words["previous"])
    assert numbers(back.text) == numbers(second.text)
    assert len(await mona.replies()) == 4  # /digest's text and chart, the list, /help's answer


async def test_an_overdue_tickets_button_opens_that_ticket(bot: Harness) -> None:
    _, mona = await overdue_desk(bot)
    await mona.send("/digest")
    listed = await mona.press("🎫 Overdue tickets (23)")
    assert "#22 · 王记商行" in {label for row in listed.buttons() for label in row}
    card = await mona.press("#22 · 王记商行")
    assert card.message.message_id != listed.message.message_id
    assert card.text.splitlines()[0] == "🎫 Complaint #22 · 王记商行"
    assert "late 22" in card.text


async def test_a_forged_page_is_answered_with_the_last_page_and_junk_as_stale(bot: Harness) -> None:
    _, mona = await overdue_desk(bot)
    answer = await press_forged(bot, mona, "Far", "digp:tickets:9999")
    assert answer is not None
    assert answer["text"] == "This list has 3 pages now; here is the last one."
    shown = await mona.last_message()
    assert shown.text.splitlines()[0] == "🎫 Overdue tickets: 23 · page 3 of 3"
    assert numbers(shown.text) == [3, 2, 1]
    for data in (
        "digp:tickets:10001",
        "digp:tickets:-1",
        "digp:tickets:²",
        "digp:tickets",
        "digp:visits:d:20261124",
        "digp:visits:d:20261131:0",
        "digp:reps:x:20261124:0",
        "digp:nothing:0",
    ):
        assert await refused_as(bot, mona, data) == STALE, data


async def test_a_page_is_only_for_managers_and_shows_only_their_own_team(bot: Harness) -> None:
    await overdue_desk(bot)
    rita = await person(bot, REP_TG)
    for data in ("digp:tickets:0", "digp:visits:d:20261124:1", "dig:reps:d:20261124"):
        assert await refused_as(bot, rita, data) == NOT_YOURS, data
    assert "Acme" not in "".join(reply.text for reply in await rita.replies())

    wendy = await bot.person(WEST_MANAGER_TG, "Wendy")
    await wendy.send("/help")
    moved = await press_forged(bot, wendy, "East's page", "digp:tickets:1")
    assert moved is not None
    assert moved["text"] == "This list has only one page now; here it is."
    title, line = (await wendy.last_message()).text.splitlines()
    assert title == "🎫 Overdue tickets: 1"
    assert line.startswith("• #900 Zeta Outside — due ")
    answer = await press_forged(bot, wendy, "East's visits", "digp:visits:d:20261124:0")
    assert answer is not None
    assert answer["text"] == "Nothing on this list any more."


async def many_reps(bot: Harness, team: SalesTeam, count: int) -> None:
    """`count` more reps in East, rep n with n visits today, so the digest ranks them."""
    shop = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Shop")
    async with bot.app.db.begin() as session:
        for n in range(1, count + 1):
            rep = User(telegram_id=20_000 + n, first_name=f"Rep{n:02d}", role="rep", team_id=team.team_id)
            session.add(rep)
            await session.flush()
            session.add_all(
                Visit(
                    team_id=team.team_id,
                    customer_id=shop,
                    rep_id=rep.id,
                    visited_at=EVENING - timedelta(minutes=5 * visit + 1),
                )
                for visit in range(n)
            )


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_the_rep_list_cut_in_the_digest_opens_in_full(bot: Harness, locale: str) -> None:
    team = await sales_team(bot, manager_locale=locale)
    await many_reps(bot, team, 11)
    mona = await person(bot, MANAGER_TG, chinese=locale == "zh_Hans")
    frozen(bot, EVENING)
    words = WORDS[locale]

    digest = await mona.send("/digest")
    text = (await mona.replies())[-2].text
    assert "Rep04" in text
    assert "Rep03" not in text
    assert "+3 more" in text or "还有3条" in text
    listed = await mona.press(words["reps"].format(n=11))
    assert listed.text.splitlines()[0] == words["reps_title"].format(n=11, page=1, pages=2)
    rest = await mona.press(words["next"])
    reps = re.findall(r"^• (Rep\d\d)", listed.text + "\n" + rest.text, flags=re.MULTILINE)
    assert reps == [f"Rep{n:02d}" for n in range(11, 0, -1)]
    assert digest.message.photo


async def test_every_list_button_is_one_the_guard_accepts_from_a_manager(bot: Harness) -> None:
    """Each list and page button parses as a declared button that managers and admins may press."""
    index = button_index(bot.app)
    period = daily(EVENING.date())
    datas = [page_data(what, period, 10_000) for what in PERIOD_DRILLS]
    datas += [page_data(what, None, 10_000) for what in NOW_DRILLS]
    for data in datas:
        button, args = index.find(data)
        assert args["page"] == 10_000
        assert button.roles == {Role.MANAGER, Role.ADMIN}
