"""The demo team: a realistic year of history, seeded once, that the real scores and digest can read."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.demo import history as demo_history
from bot.demo import seed as demo_seed
from bot.demo.team import CUSTOMER_ACCOUNTS, REPS, STAFF
from bot.domain import digest as figures
from bot.domain.enums import ReminderStatus, RiskLevel, TicketStatus
from bot.services import digest, health
from sandbox.harness import Harness
from storage.db import utcnow
from storage.models import Customer, Feedback, Order, Reminder, Team, Ticket, User, Visit
from storage.queries import digest as digest_queries

NOW = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
COUNTED = (Team, User, Customer, Visit, Order, Feedback, Ticket, Reminder)


def test_plan_is_the_same_every_time_and_looks_like_a_team() -> None:
    book = demo_history.plan(NOW)
    assert book == demo_history.plan(NOW)
    assert len(book) == 400
    assert Counter(c.owner for c in book) == {rep.telegram_id: 50 for rep in REPS}
    assert len({c.name for c in book}) == 400
    assert set(Counter(c.pattern for c in book)) == set(demo_history.Pattern)
    chinese = sum(1 for c in book if any("\u4e00" <= ch <= "\u9fff" for ch in c.name))
    assert 100 < chinese < 300
    first_order = min(at for c in book for at, _ in c.orders)
    assert NOW - first_order > timedelta(days=300)
    assert all(at <= NOW for c in book for at in [v.at for v in c.visits] + [at for at, _ in c.orders])


def test_plan_is_a_healthy_team_with_a_few_problems() -> None:
    """What a manager meets first: mostly satisfied customers, a handful of slips, not a crisis."""
    book = demo_history.plan(NOW)
    month = [r for c in book for r in c.ratings if NOW - r.at <= timedelta(days=30)]
    csat = [r.score for r in month if r.kind == "csat"]
    nps = [r.score for r in month if r.kind == "nps"]
    promoters, detractors = sum(s >= 9 for s in nps), sum(s <= 6 for s in nps)
    assert len(csat) > 100
    assert sum(csat) / len(csat) >= 4.0
    assert len(nps) > 50
    assert (promoters - detractors) * 100 / len(nps) >= 30
    slipped = [c for c in book if c.follow_up and c.follow_up.due_at < NOW - timedelta(days=1)]
    assert 0 < len(slipped) <= 2 * len(REPS)
    open_complaints = [t for c in book for t in c.tickets if t.resolved_at is None]
    assert 0 < len(open_complaints) <= 2 * len(REPS)


async def test_seed_once_with_risks_that_have_reasons(bot: Harness) -> None:
    now = utcnow()
    assert await demo_seed.seed(bot.app.db, now=now)
    counts = await _counts(bot)
    assert not await demo_seed.seed(bot.app.db, now=now + timedelta(hours=1))
    assert await _counts(bot) == counts
    assert counts[Team] == 1
    assert counts[User] == len(STAFF) + len(CUSTOMER_ACCOUNTS)
    assert counts[Customer] == 400
    assert counts[Visit] > 2000
    assert counts[Order] > 3000

    # The seed scored everyone as of yesterday; today's news raises some of them now.
    stats = await health.rescan_all(bot.app.db, now=now, incremental=False)
    assert stats.scored == 400
    assert stats.rises
    async with bot.app.db() as session:
        levels = (await session.execute(select(Customer.risk_level, Customer.health_reasons))).all()
        overdue = await session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(Reminder.status == ReminderStatus.PENDING, Reminder.due_at < now)
        )
        open_tickets = await session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.status != TicketStatus.CLOSED)
        )
    risky = [reasons for level, reasons in levels if level == RiskLevel.HIGH]
    assert 30 < len(risky) < 150
    codes = Counter(reason["code"] for _, reasons in levels for reason in reasons or ())
    assert {"no_order", "no_visit", "follow_up_overdue", "low_nps", "ticket_overdue"} <= set(codes)
    assert overdue
    assert open_tickets


async def test_yesterdays_digest_has_something_to_say(bot: Harness) -> None:
    now = utcnow()
    await demo_seed.seed(bot.app.db, now=now)
    async with bot.app.db() as session:
        [team] = await digest_queries.teams(session)
        yesterday = figures.today(now, team.timezone).first - timedelta(days=1)
        figures_of_day = await digest.gather(session, team=team, period=figures.daily(yesterday), now=now)
    assert sum(rep.visits for rep in figures_of_day.reps) > 0
    assert len(figures_of_day.reps) == len(REPS)
    assert figures_of_day.exceptions.overdue_follow_ups > 0
    assert figures_of_day.exceptions.open_tickets > 0
    assert len(figures_of_day.active_reps) == len(REPS)
    assert sum(figures_of_day.chart_revenue) > 0


async def test_demo_people_can_work_at_once(bot: Harness) -> None:
    await demo_seed.seed(bot.app.db, now=utcnow())
    ravi = await bot.person(3000, "Ravi")
    found = await ravi.send("/find acme")
    assert found.buttons()[0][0].startswith("Acme Trading")
    wei = await bot.person(3001, "李伟", language_code="zh-hans")
    assert "张三" in str((await wei.send("zs")).buttons())
    assert "Acme" not in str((await wei.send("acme")).buttons())


async def _counts(bot: Harness) -> dict[type, int]:
    async with bot.app.db() as session:
        return {
            model: int(await session.scalar(select(func.count()).select_from(model)) or 0)
            for model in COUNTED
        }
