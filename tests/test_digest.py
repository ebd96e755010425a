"""The manager digest end to end: the job → outbox → the manager's chat, /digest and the drill-down buttons.

The jobs' clock is frozen and the job methods are called directly, as in tests/test_greetings.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.demo.live import DemoLive
from bot.runtime.jobs import Background, background
from sandbox.factories import MANAGER_TG, REP_TG, SalesTeam, customer, person, press_forged, sales_team
from sandbox.harness import Harness, Person
from storage.models import Feedback, Order, Outbox, Reminder, RiskAlert, Team, Ticket, User, Visit

# Tuesday 24 Nov 2026, 18:05 in Shanghai.
EVENING = datetime(2026, 11, 24, 10, 5, tzinfo=UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DELIVERIES = 4


def frozen(bot: Harness, at: datetime) -> Background:
    jobs = background(bot.app)
    jobs.clock = lambda: at
    return jobs


async def run(jobs: Background) -> int:
    """Run the digest job, then the sender a few paced seconds on, so text and chart both arrive."""
    queued = await jobs.push_digests()
    await delivered(jobs)
    return queued


async def delivered(jobs: Background) -> None:
    """Run the sender a few paced seconds on, so a queued text and its chart both arrive."""
    at = jobs.clock()
    for step in range(DELIVERIES):
        jobs.clock = lambda step=step: at + timedelta(seconds=2 * step)  # type: ignore[misc]
        await jobs.deliver()
    jobs.clock = lambda: at


async def add(bot: Harness, *rows: object) -> None:
    async with bot.app.db.begin() as session:
        session.add_all(rows)


async def seeded(bot: Harness, *, manager_locale: str = "en") -> tuple[SalesTeam, dict[str, int]]:
    """A Shanghai team with a day of work on 24 Nov, its past four weeks, and another team's noise."""
    team = await sales_team(bot, manager_locale=manager_locale)
    old = EVENING - timedelta(days=40)
    acme = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme", created_at=old)
    wang = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="王记商行", created_at=old)
    beta = await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.other_rep_id,
        name="Beta Foods",
        created_at=EVENING - timedelta(hours=6),
    )
    async with bot.app.db.begin() as session:
        other = Team(name="West", timezone="Asia/Shanghai")
        session.add(other)
        await session.flush()
        outsider = User(telegram_id=9001, chat_id=9001, first_name="Omar", role="rep", team_id=other.id)
        session.add(outsider)
        await session.flush()
        other_team, outsider_id = other.id, outsider.id
    theirs = await customer(
        bot, team_id=other_team, owner_id=outsider_id, name="Zeta Outside", created_at=old
    )
    today = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    rows: list[object] = [
        Visit(team_id=team.team_id, customer_id=acme, rep_id=team.rep_id, visited_at=today),
        Visit(
            team_id=team.team_id, customer_id=wang, rep_id=team.rep_id, visited_at=today + timedelta(hours=1)
        ),
        Visit(team_id=team.team_id, customer_id=beta, rep_id=team.other_rep_id, visited_at=today),
        Visit(team_id=other_team, customer_id=theirs, rep_id=outsider_id, visited_at=today),
        # 23:59 Shanghai on the 23rd: the day before, and after 18:05, so not in the same hours'
        # baseline the digest at 18:05 compares with either.
        Visit(
            team_id=team.team_id,
            customer_id=acme,
            rep_id=team.rep_id,
            visited_at=datetime(2026, 11, 23, 15, 59, tzinfo=UTC),
        ),
        *[
            Visit(
                team_id=team.team_id,
                customer_id=acme,
                rep_id=team.rep_id,
                visited_at=today - timedelta(days=d),
            )
            for d in range(2, 15)
        ],
        Order(
            team_id=team.team_id,
            customer_id=acme,
            rep_id=team.rep_id,
            amount=Decimal(1000),
            currency="CNY",
            ordered_at=today,
        ),
        Order(
            team_id=team.team_id,
            customer_id=wang,
            rep_id=team.rep_id,
            amount=Decimal(500),
            currency="CNY",
            ordered_at=today,
        ),
        Order(
            team_id=team.team_id,
            customer_id=acme,
            rep_id=team.rep_id,
            amount=Decimal(1200),
            currency="CNY",
            ordered_at=today - timedelta(days=7),
        ),
        Order(
            team_id=other_team,
            customer_id=theirs,
            rep_id=outsider_id,
            amount=Decimal(9999),
            currency="CNY",
            ordered_at=today,
        ),
        *[
            Feedback(team_id=team.team_id, customer_id=acme, kind=kind, score=score, created_at=today)
            for kind, score in (("csat", 5), ("csat", 4), ("nps", 10), ("nps", 9), ("nps", 3))
        ],
        Feedback(team_id=other_team, customer_id=theirs, kind="nps", score=0, created_at=today),
        Ticket(team_id=team.team_id, number=1, customer_id=wang, description="late", resolve_due_at=today),
        Ticket(
            team_id=team.team_id,
            number=2,
            customer_id=acme,
            description="ok",
            resolve_due_at=EVENING + timedelta(days=2),
        ),
        Ticket(
            team_id=team.team_id,
            number=3,
            customer_id=acme,
            description="done",
            status="resolved",
            resolve_due_at=today,
        ),
        Reminder(
            team_id=team.team_id,
            user_id=team.rep_id,
            customer_id=acme,
            kind="follow_up",
            due_at=EVENING - timedelta(days=1),
        ),
        Reminder(
            team_id=team.team_id,
            user_id=team.rep_id,
            customer_id=wang,
            kind="follow_up",
            due_at=EVENING + timedelta(days=1),
        ),
        RiskAlert(
            team_id=team.team_id,
            customer_id=wang,
            level="high",
            previous_level="medium",
            score=22,
            created_at=today,
        ),
        RiskAlert(
            team_id=other_team,
            customer_id=theirs,
            level="high",
            previous_level="low",
            score=10,
            created_at=today,
        ),
    ]
    await add(bot, *rows)
    return team, {"acme": acme, "wang": wang, "beta": beta, "theirs": theirs}


DIGEST = {
    "en": (
        "📊 Daily digest · East · Tue, Nov 24 · today so far (until 18:05)\n\n"
        "⚠️ Needs attention\n• 1 new high-risk customer\n• 1 overdue ticket\n• 1 overdue follow-up\n\n"
        "🚗 Visits today so far: 3 (4-week average by 18:05: 0.5) ▲ 546%\n"
        "• Rita Wang: 2 (average 0.5) ▲ 331%\n• Li Wei: 1 (average 0)\n\n"
        "👤 1 new customer\n\n"
        "💰 2 orders · CN¥1,500.00 ▲ 25% vs the same hours last week\n\n"
        "⭐ CSAT 4.5 (2 answers) · 📣 NPS +33 (3 answers)\n\n"
        "🎫 2 open tickets"
    ),
    "zh_Hans": (
        "📊 日报 · East · 11月24日周二 · 今日截至18:05\n\n"
        "⚠️ 需要关注\n• 新增1位高风险客户\n• 1张工单已超时\n• 1条跟进已逾期\n\n"
        "🚗 今日截至18:05拜访3次（近4周同时段日均0.5） ▲ 546%\n"
        "• Rita Wang：2次（平均0.5） ▲ 331%\n• Li Wei：1次（平均0）\n\n"
        "👤 新增客户1位\n\n"
        "💰 订单2笔 · ¥1,500.00，较上周同时段▲ 25%\n\n"
        "⭐ 满意度4.5（2份回复） · 📣 NPS +33（3份回复）\n\n"
        "🎫 2张未解决工单"
    ),
}


async def manager_chat(bot: Harness, *, chinese: bool = False) -> Person:
    return await person(bot, MANAGER_TG, chinese=chinese)


async def digest_keys(bot: Harness) -> list[str]:
    async with bot.app.db() as session:
        return sorted(await session.scalars(select(Outbox.dedupe_key).where(Outbox.kind == "digest")))


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_daily_digest_with_chart_in_the_managers_language(bot: Harness, locale: str) -> None:
    team, _ = await seeded(bot, manager_locale=locale)
    mona = await manager_chat(bot, chinese=locale == "zh_Hans")

    assert await run(frozen(bot, EVENING)) == 1
    replies = await mona.replies()
    text, chart = replies[-2], replies[-1]
    assert text.text == DIGEST[locale]
    assert chart.message.photo
    png = await mona.account.download(chart.message.photo[-1]["file_id"])
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 10_000
    assert await digest_keys(bot) == [
        f"digest:daily:{team.manager_id}:2026-11-24",
        f"digest:daily:{team.manager_id}:2026-11-24:chart",
    ]
    assert await run(frozen(bot, EVENING + timedelta(minutes=5))) == 0
    assert len(await mona.replies()) == len(replies)


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_an_even_nps_reads_zero_without_a_sign(bot: Harness, locale: str) -> None:
    team, ids = await seeded(bot, manager_locale=locale)
    today = EVENING - timedelta(hours=2)
    await add(
        bot, Feedback(team_id=team.team_id, customer_id=ids["acme"], kind="nps", score=2, created_at=today)
    )
    mona = await manager_chat(bot, chinese=locale == "zh_Hans")

    assert await run(frozen(bot, EVENING)) == 1
    text = (await mona.replies())[-2].text
    expected = "📣 NPS 0 (4 answers)" if locale == "en" else "📣 NPS 0（4份回复）"
    assert expected in text


async def test_drill_down_lists_only_this_teams_customers(bot: Harness) -> None:
    await seeded(bot)
    mona = await manager_chat(bot)
    await run(frozen(bot, EVENING))

    visits = await mona.press("🚗 Visits (3)")
    assert visits.text.splitlines()[0] == "🚗 Visits: 3"
    assert "Zeta Outside" not in visits.text
    assert {"Acme", "王记商行", "Beta Foods"} <= {label for row in visits.buttons() for label in row}
    risky = await mona.press("🔥 High risk (1)")
    assert risky.text == "🔥 New high-risk customers: 1\n• 王记商行 — health 22 · Rita Wang"
    card = await mona.press("王记商行")
    assert "王记商行" in card.text
    tickets = await mona.press("🎫 Overdue tickets (1)")
    assert tickets.text.startswith("🎫 Overdue tickets: 1\n• #1 王记商行 — due ")
    orders = await mona.press("💰 Orders (2)")
    assert orders.text.splitlines()[1:] == [
        "• Acme · CN¥1,000.00 — Rita Wang",
        "• 王记商行 · CN¥500.00 — Rita Wang",
    ]


async def test_forged_buttons_and_reps_are_turned_away(bot: Harness) -> None:
    team, _ = await seeded(bot)
    mona = await manager_chat(bot)
    for data in ("dig:visits:d:2026139", "dig:visits:d:20261131", "dig:visits:x:20261124", "dig:tickets:1"):
        answer = await press_forged(bot, mona, "Old", data)
        assert answer is not None
        assert "no longer active" in str(answer["text"]), data
    rita = await person(bot, REP_TG)
    refused = await rita.send("/digest")
    assert refused.text == (
        "The digest is for managers and admins: it covers the whole team. If you need this, ask your manager."
    )
    answer = await press_forged(bot, rita, "Visits", "dig:visits:d:20261124")
    assert answer is not None
    assert answer["text"] == "This button is not available to you."
    assert team.rep_id


async def test_digest_command_replies_now_with_the_chart_in_chinese(bot: Harness) -> None:
    await seeded(bot, manager_locale="zh_Hans")
    mona = await manager_chat(bot, chinese=True)
    frozen(bot, EVENING)
    await mona.send("/digest")
    replies = await mona.replies()
    assert replies[-2].text == DIGEST["zh_Hans"]
    assert replies[-1].message.photo
    assert replies[-1].text == "📈 每位销售的拜访（对比各自平均）与近14天销售额"


async def zoned_team(bot: Harness, name: str, timezone: str, telegram_id: int, **settings: str) -> int:
    async with bot.app.db.begin() as session:
        team = Team(name=name, timezone=timezone, settings=dict(settings))
        session.add(team)
        await session.flush()
        session.add(
            User(
                telegram_id=telegram_id, chat_id=telegram_id, first_name=name, role="manager", team_id=team.id
            )
        )
        return team.id


async def test_each_team_gets_its_digest_at_its_own_local_time(bot: Harness) -> None:
    await zoned_team(bot, "Shanghai", "Asia/Shanghai", 7001)
    await zoned_team(bot, "Berlin", "Europe/Berlin", 7002)
    await zoned_team(bot, "Early", "Asia/Shanghai", 7003, digest_time="17:30")
    jobs = frozen(bot, datetime(2026, 11, 24, 9, 45, tzinfo=UTC))  # 17:45 Shanghai, 10:45 Berlin
    assert await jobs.push_digests() == 1
    frozen(bot, datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    assert await jobs.push_digests() == 1
    frozen(bot, datetime(2026, 11, 24, 16, 59, tzinfo=UTC))
    assert await jobs.push_digests() == 0
    frozen(bot, datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
    assert await jobs.push_digests() == 1
    assert [key.rsplit(":", 1)[-1] for key in await digest_keys(bot) if not key.endswith("chart")] == [
        "2026-11-24"
    ] * 3


async def test_a_daylight_saving_day_is_one_25_hour_day_and_the_digest_is_at_its_local_time(
    bot: Harness,
) -> None:
    team_id = await zoned_team(bot, "NYC", "America/New_York", 7004, digest_time="23:45")
    async with bot.app.db() as session:
        manager_id = await session.scalar(select(User.id).where(User.telegram_id == 7004))
    assert manager_id is not None
    shop = await customer(bot, team_id=team_id, owner_id=manager_id, name="Shop")
    await add(
        bot,
        # 00:30 EDT and 23:30 EST on Sunday 1 Nov 2026: both on the day the clocks go back;
        # 00:30 EST on the 2nd is the next day.
        Visit(
            team_id=team_id,
            customer_id=shop,
            rep_id=manager_id,
            visited_at=datetime(2026, 11, 1, 4, 30, tzinfo=UTC),
        ),
        Visit(
            team_id=team_id,
            customer_id=shop,
            rep_id=manager_id,
            visited_at=datetime(2026, 11, 2, 4, 30, tzinfo=UTC),
        ),
        Visit(
            team_id=team_id,
            customer_id=shop,
            rep_id=manager_id,
            visited_at=datetime(2026, 11, 2, 5, 30, tzinfo=UTC),
        ),
    )
    await bot.person(7004, "NYC")
    jobs = frozen(bot, datetime(2026, 11, 2, 3, 45, tzinfo=UTC))  # 22:45 EST; it would be 23:45 in EDT
    assert await jobs.push_digests() == 0
    frozen(bot, datetime(2026, 11, 2, 4, 45, tzinfo=UTC))  # 23:45 EST
    assert await jobs.push_digests() == 1
    async with bot.app.db() as session:
        payload = await session.scalar(
            select(Outbox.payload).where(Outbox.dedupe_key.like("digest:daily:%:2026-11-01"))
        )
    assert payload is not None
    assert payload["params"]["text"] == (
        "📊 Daily digest · NYC · Sun, Nov 1 · today so far (until 23:45)\n\n"
        "🚗 Visits today so far: 2 (4-week average by 23:45: 0)\n• NYC: 2 (average 0)"
    )


async def test_weekly_digest_on_monday_from_nine_local_only(bot: Harness) -> None:
    await zoned_team(bot, "Shanghai", "Asia/Shanghai", 7005)
    jobs = frozen(bot, datetime(2026, 11, 23, 0, 59, tzinfo=UTC))  # Monday 08:59
    assert await jobs.push_digests() == 0
    frozen(bot, datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    assert await jobs.push_digests() == 1
    frozen(bot, datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    assert await jobs.push_digests() == 0
    frozen(bot, datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # Tuesday 09:00
    assert await jobs.push_digests() == 0
    keys = await digest_keys(bot)
    assert [k for k in keys if k.startswith("digest:weekly")] == [
        k for k in keys if k.endswith(("2026-W48", "2026-W48:chart"))
    ]
    assert len(keys) == 2
    async with bot.app.db() as session:
        payload = await session.scalar(
            select(Outbox.payload).where(Outbox.dedupe_key.like("digest:weekly:%-W48"))
        )
    assert payload is not None
    assert payload["params"]["text"].startswith(
        "📊 Weekly digest · Shanghai · Nov 16\u2009–\u200922\n\n✅ A quiet week"
    )


def shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in December 2026, by the East team's clock."""
    return datetime(2026, 12, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def shanghai_days_before(day: int, count: int, hour: int) -> list[datetime]:
    """`hour` on each of the `count` days before 2026-12-`day`, Shanghai time."""
    return [shanghai(day, hour) - timedelta(days=back) for back in range(1, count + 1)]


async def east_with_a_customer(bot: Harness, locale: str) -> tuple[SalesTeam, int]:
    team = await sales_team(bot, manager_locale=locale)
    acme = await customer(
        bot,
        team_id=team.team_id,
        owner_id=team.rep_id,
        name="Acme",
        created_at=shanghai(1, 9) - timedelta(60),
    )
    return team, acme


def order(team: SalesTeam, customer_id: int, amount: int, at: datetime) -> Order:
    return Order(
        team_id=team.team_id,
        customer_id=customer_id,
        rep_id=team.rep_id,
        amount=Decimal(amount),
        currency="CNY",
        ordered_at=at,
    )


def visits(team: SalesTeam, customer_id: int, *at: datetime) -> list[Visit]:
    return [
        Visit(team_id=team.team_id, customer_id=customer_id, rep_id=team.rep_id, visited_at=when)
        for when in at
    ]


MIDDAY = shanghai(8, 12, 33)  # Tuesday 8 Dec 2026, 12:33 in Shanghai.


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_a_digest_asked_for_at_midday_names_the_day_so_far_and_compares_the_same_hours(
    bot: Harness, locale: str
) -> None:
    team, acme = await east_with_a_customer(bot, locale)
    await add(
        bot,
        # Today: two visits and an order by 12:33, and what is logged for later in the day.
        *visits(team, acme, shanghai(8, 9), shanghai(8, 11), shanghai(8, 15)),
        order(team, acme, 300, shanghai(8, 9, 30)),
        order(team, acme, 900, shanghai(8, 14)),
        # Each of the four weeks' days: one visit by 12:33, one after it (whole days average 2).
        *visits(team, acme, *shanghai_days_before(8, 28, 10), *shanghai_days_before(8, 28, 15)),
        # Last Tuesday: 200 by 12:33, 1,000 over the whole day.
        order(team, acme, 200, shanghai(1, 10)),
        order(team, acme, 800, shanghai(1, 16)),
    )
    mona = await manager_chat(bot, chinese=locale == "zh_Hans")
    frozen(bot, MIDDAY)

    await mona.send("/digest")
    lines = (await mona.replies())[-2].text.splitlines()

    if locale == "en":
        assert lines == [
            "📊 Daily digest · East · Tue, Dec 8 · today so far (until 12:33)",
            "",
            "🚗 Visits today so far: 2 (4-week average by 12:33: 1) ▲ 100%",
            "• Rita Wang: 2 (average 1) ▲ 100%",
            "",
            "💰 1 order · CN¥300.00 ▲ 50% vs the same hours last week",
        ]
        return
    title, _, head, rita, _, sales = lines
    assert title == "📊 日报 · East · 12月8日周二 · 今日截至12:33"
    assert head == "🚗 今日截至12:33拜访2次（近4周同时段日均1） ▲ 100%"
    assert rita.startswith("• Rita Wang")
    assert rita.endswith("▲ 100%")
    assert "¥300.00" in sales
    assert sales.endswith("较上周同时段▲ 50%")


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_yesterdays_digest_names_its_day_and_compares_whole_days(bot: Harness, locale: str) -> None:
    """The demo's button sends yesterday's digest before 18:00: never "today", and whole days compared."""
    team, acme = await east_with_a_customer(bot, locale)
    await add(
        bot,
        # Monday 7 Dec, morning and evening; this morning's visit is today's.
        *visits(team, acme, shanghai(7, 10), shanghai(7, 20), shanghai(8, 8)),
        order(team, acme, 600, shanghai(7, 21)),
        # One evening visit on each of the four weeks' days before Monday: an average of 1.
        *visits(team, acme, *shanghai_days_before(7, 28, 20)),
        # Last Monday: 400 over the whole day, none of it by 09:00.
        order(team, acme, 200, shanghai(7, 10) - timedelta(days=7)),
        order(team, acme, 200, shanghai(7, 20) - timedelta(days=7)),
    )
    mona = await manager_chat(bot, chinese=locale == "zh_Hans")
    jobs = frozen(bot, shanghai(8, 9))

    assert "on its way to 1 managers" in await DemoLive(bot.app).send_digest()
    await delivered(jobs)
    text, chart = (await mona.replies())[-2:]
    lines = text.text.splitlines()

    assert chart.message.photo
    if locale == "en":
        assert lines == [
            "📊 Daily digest · East · yesterday, Mon, Dec 7",
            "",
            "🚗 Visits yesterday: 2 (4-week average 1) ▲ 100%",
            "• Rita Wang: 2 (average 1) ▲ 100%",
            "",
            "💰 1 order · CN¥600.00 ▲ 50% vs last week",
        ]
        assert "today" not in f"{text.text} {chart.text}".lower()
        return
    title, _, head, rita, _, sales = lines
    assert title == "📊 日报 · East · 昨天（12月7日周一）"
    assert head == "🚗 昨日拜访2次（近4周日均1） ▲ 100%"
    assert rita.startswith("• Rita Wang")
    assert rita.endswith("▲ 100%")
    assert "¥600.00" in sales
    assert sales.endswith("▲ 50%")
    assert "同时段" not in sales
    shown = f"{text.text} {chart.text}"
    assert "今天" not in shown
    assert "今日" not in shown
