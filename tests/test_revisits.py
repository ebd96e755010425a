"""Revisits by cadence: overdue customers become reminders each team morning, with one summary push.

The jobs' clock is frozen and the job methods are called directly, as in tests/test_greetings.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.runtime.jobs import Background, background
from sandbox.factories import REP_TG, SalesTeam, customer, fetch, person, press_through, sales_team
from sandbox.harness import Harness, Person
from storage.models import Reminder, Team, Visit

# 09:30 in Shanghai; 01:30 UTC.
MORNING = datetime(2027, 6, 9, 1, 30, tzinfo=UTC)


def frozen(bot: Harness, at: datetime) -> Background:
    jobs = background(bot.app)
    jobs.clock = lambda: at
    return jobs


async def morning(bot: Harness, at: datetime, *, restart: bool = False) -> int:
    """The morning job at `at` (optionally as after a restart), then the sender; summaries queued."""
    jobs = frozen(bot, at)
    if restart:
        jobs._planned.clear()
    queued = await jobs.plan_revisits()
    await jobs.deliver()
    return queued


async def desk(bot: Harness) -> tuple[SalesTeam, dict[str, int]]:
    team = await sales_team(bot)

    async def made(name: str, tier: str, *, visited: int | None, created: int) -> int:
        return await customer(
            bot,
            team_id=team.team_id,
            owner_id=team.rep_id,
            name=name,
            tier=tier,
            last_visit_at=MORNING - timedelta(days=visited) if visited is not None else None,
            created_at=MORNING - timedelta(days=created),
        )

    ids = {
        "vip_due": await made("Golden Dragon", "VIP", visited=20, created=400),
        "a_fresh": await made("Apex Foods", "A", visited=10, created=400),
        "b_never": await made("Blue Harbor", "B", visited=None, created=70),
        "c_new": await made("Cedar Market", "C", visited=None, created=10),
        "other_rep": await customer(
            bot,
            team_id=team.team_id,
            owner_id=team.other_rep_id,
            name="Li's Old Shop",
            tier="VIP",
            created_at=MORNING - timedelta(days=300),
        ),
    }
    return team, ids


async def summaries(rep: Person) -> list[str]:
    return [reply.text for reply in await rep.replies() if reply.text.startswith("🚗")]


async def test_overdue_customers_become_revisit_reminders_with_one_summary(bot: Harness) -> None:
    team, ids = await desk(bot)
    rep = await person(bot, REP_TG)

    assert await morning(bot, MORNING - timedelta(hours=2)) == 0
    assert await morning(bot, MORNING) == 2

    (summary,) = await summaries(rep)
    assert summary.splitlines() == [
        "🚗 2 customers are due a visit by your visit plan:",
        "• Blue Harbor (B) — never visited",
        "• Golden Dragon (VIP) — last visit 3 weeks ago",
    ]
    assert (await rep.replies())[-1].buttons() == [["Blue Harbor"], ["Golden Dragon"]]
    mine = await fetch(bot, Reminder, user_id=team.rep_id)
    assert sorted(r.customer_id for r in mine) == sorted([ids["vip_due"], ids["b_never"]])
    assert {(r.kind, r.status) for r in mine} == {("revisit", "pending")}
    assert {r.due_at for r in mine} == {MORNING - timedelta(minutes=30)}
    # The other rep's customer is theirs: one reminder, queued for them, not in Rita's summary.
    (theirs,) = await fetch(bot, Reminder, user_id=team.other_rep_id)
    assert theirs.customer_id == ids["other_rep"]

    assert await morning(bot, MORNING + timedelta(hours=1), restart=True) == 0
    assert await morning(bot, MORNING + timedelta(days=1), restart=True) == 0
    assert len(await summaries(rep)) == 1
    assert len(await fetch(bot, Reminder, user_id=team.rep_id)) == 2


async def test_today_lists_revisits_once_and_a_visit_closes_the_reminder(bot: Harness) -> None:
    _, ids = await desk(bot)
    rep = await person(bot, REP_TG)
    await morning(bot, MORNING)

    agenda = (await rep.send("/today")).text
    assert agenda.count("Golden Dragon") == 1
    assert "2 customers due a visit" in agenda
    assert "follow-up" not in agenda

    await rep.send("/visit")
    await press_through(rep, "Golden Dragon", "Phone", "Positive", "Skip", "No follow-up", "✅ Save")

    (closed,) = await fetch(bot, Reminder, customer_id=ids["vip_due"])
    (visit,) = await fetch(bot, Visit)
    assert (closed.status, closed.done_at) == ("done", visit.visited_at)
    (still_open,) = await fetch(bot, Reminder, customer_id=ids["b_never"])
    assert still_open.status == "pending"


async def test_team_cadence_overrides_and_chinese_summary(bot: Harness) -> None:
    team = await sales_team(bot, rep_locale="zh_Hans")
    await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name="苹果食品",
        tier="A",
        last_visit_at=MORNING - timedelta(days=10),
        created_at=MORNING - timedelta(days=400),
    )
    async with bot.app.db.begin() as session:
        await session.execute(
            update(Team).where(Team.id == team.team_id).values(settings={"cadence_days": {"A": 7}})
        )
    rep = await person(bot, REP_TG, chinese=True)

    assert await morning(bot, MORNING) == 1
    (summary,) = await summaries(rep)
    assert summary.splitlines() == [
        "🚗 按拜访计划，有1位客户该去拜访了：",
        "• 苹果食品（A）— 上次拜访：1周前",
    ]


async def test_many_overdue_customers_make_one_short_message(bot: Harness) -> None:
    team = await sales_team(bot)
    for index in range(14):
        await customer(
            bot,
            team_id=team.team_id,
            owner_id=team.rep_id,
            name=f"Shop {index:02}",
            tier="C",
            created_at=MORNING - timedelta(days=100 + index),
        )
    rep = await person(bot, REP_TG)

    assert await morning(bot, MORNING) == 1
    (summary,) = await summaries(rep)
    lines = summary.splitlines()
    assert lines[0] == "🚗 14 customers are due a visit by your visit plan:"
    assert lines[1] == "• Shop 13 (C) — never visited"
    assert len(lines) == 12
    assert lines[-1] == "…and 4 more in /today."
    assert len((await rep.replies())[-1].buttons()) == 5
