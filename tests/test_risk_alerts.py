"""Churn-risk alerts end to end: a rise in the rescan → a push with reasons and buttons → the answer.

The jobs' clock is frozen; the rescan and the sender are called directly, as in tests/test_greetings.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.runtime.jobs import Background, background
from sandbox.factories import (
    MANAGER_TG,
    OTHER_REP_TG,
    REP_TG,
    SalesTeam,
    buyer,
    fetch,
    person,
    press_forged,
    sales_team,
)
from sandbox.harness import Harness, Person
from storage.models import AuditLog, Customer, Reminder, RiskAlert

# 10:00 in Shanghai.
NOW = datetime(2027, 5, 12, 2, 0, tzinfo=UTC)


def frozen(bot: Harness, at: datetime) -> Background:
    jobs = background(bot.app)
    jobs.clock = lambda: at
    return jobs


async def rescan_and_send(bot: Harness, at: datetime) -> int:
    """A full rescan at `at`, then the sender a few paced seconds on; how many alert pushes were queued."""
    jobs = frozen(bot, at)
    before = len(await fetch(bot, RiskAlert))
    await jobs.rescan_health(incremental=False)
    for step in range(3):
        jobs.clock = lambda step=step: at + timedelta(seconds=2 * step)  # type: ignore[misc]
        await jobs.deliver()
    jobs.clock = lambda: at
    return len(await fetch(bot, RiskAlert)) - before


async def lapsing(bot: Harness, team: SalesTeam, name: str = "Lotus Tea House") -> int:
    """A customer who ordered every 14 days until 200 days ago, last scored at low risk."""
    customer_id = await buyer(bot, team, name, now=NOW, every=14, last=200)
    await set_risk(bot, customer_id, "low")
    return customer_id


async def set_risk(bot: Harness, customer_id: int, level: str) -> None:
    async with bot.app.db.begin() as session:
        await session.execute(update(Customer).where(Customer.id == customer_id).values(risk_level=level))


async def alert_pushes(who: Person) -> list[str]:
    return [reply.text for reply in await who.replies() if reply.text[:1] in ("🔴", "🟠")]


async def staff(bot: Harness, *, chinese_manager: bool = False) -> tuple[SalesTeam, Person, Person, Person]:
    team = await sales_team(bot, manager_locale="zh_Hans" if chinese_manager else "en")
    rep = await person(bot, REP_TG)
    manager = await person(bot, MANAGER_TG, chinese=chinese_manager)
    other = await person(bot, OTHER_REP_TG)
    return team, rep, manager, other


async def test_a_rise_to_high_alerts_the_owner_with_reasons_and_the_manager_in_chinese(bot: Harness) -> None:
    team, rep, manager, other = await staff(bot, chinese_manager=True)
    lotus = await lapsing(bot, team)

    assert await rescan_and_send(bot, NOW) == 1

    push = (await rep.replies())[-1]
    (stored,) = await fetch(bot, Customer, id=lotus)
    assert push.text.splitlines()[:3] == [
        "🔴 Lotus Tea House is now at high risk of churning.",
        f"Health {stored.health_score}/100, high risk.",
        "• No order for 200 days; usually one every 18 days.",
    ]
    assert push.buttons() == [["📅 Schedule visit"], ["💤 Snooze 7 days", "👍 Not a risk"], ["Open card"]]
    assert push.message.button_data("Open card") == f"cust:open:{lotus}"

    boss = (await manager.replies())[-1]
    assert boss.text.splitlines()[0] == "🔴 Lotus Tea House的流失风险已升至高风险。"
    assert "负责人：Rita" in boss.text
    assert "• 已有200天没有下单，平时每18天一单。" in boss.text
    assert boss.buttons()[-2:] == [["🔁 转给他人"], ["打开客户卡片"]]
    assert await alert_pushes(other) == []
    (alert,) = await fetch(bot, RiskAlert)
    assert (alert.customer_id, alert.level, alert.previous_level, alert.answer) == (
        lotus,
        "high",
        "low",
        None,
    )


async def test_a_rise_to_medium_goes_to_the_owner_only(bot: Harness) -> None:
    team, rep, manager, _ = await staff(bot)
    quiet = await buyer(bot, team, "Quiet Corner", now=NOW, every=30, last=10)
    await rescan_and_send(bot, NOW)
    await set_risk(bot, quiet, "low")
    # 45 days on without an order or visit, the score slips to medium, not to high.
    later = NOW + timedelta(days=45)
    await rescan_and_send(bot, later)
    stored = (await fetch(bot, Customer, id=quiet))[0]
    assert stored.risk_level == "medium"
    (push,) = await alert_pushes(rep)
    assert push.startswith("🟠 Quiet Corner is now at medium risk of churning.\n")
    assert await alert_pushes(manager) == []


async def test_the_same_level_is_not_alerted_again_within_seven_days(bot: Harness) -> None:
    team, rep, _, _ = await staff(bot)
    lotus = await lapsing(bot, team)
    assert await rescan_and_send(bot, NOW) == 1

    await set_risk(bot, lotus, "low")
    assert await rescan_and_send(bot, NOW + timedelta(days=6, hours=23)) == 0
    await set_risk(bot, lotus, "low")
    assert await rescan_and_send(bot, NOW + timedelta(days=7, hours=1)) == 1
    assert len(await alert_pushes(rep)) == 2


async def test_snooze_mutes_the_customer_for_seven_days(bot: Harness) -> None:
    team, rep, _, _ = await staff(bot)
    lotus = await lapsing(bot, team)
    await rescan_and_send(bot, NOW)

    snoozed = await rep.press("💤 Snooze 7 days")

    assert snoozed.text.endswith("💤 Snoozed: no risk alerts for this customer until May 19.")
    assert snoozed.text.startswith("🔴 Lotus Tea House is now at high risk of churning.\n")
    assert snoozed.message.entities[0]["type"] == "bold"
    assert snoozed.buttons() == [["Open card"]]
    (alert,) = await fetch(bot, RiskAlert)
    assert alert.answer == "snoozed"
    stored = (await fetch(bot, Customer, id=lotus))[0]
    assert stored.risk_muted_until == NOW + timedelta(days=7)

    await set_risk(bot, lotus, "low")
    assert await rescan_and_send(bot, NOW + timedelta(days=8) - timedelta(hours=2)) == 1
    # The mute ended 22 hours before this rescan, and the cooldown 22 hours before too.
    assert len(await alert_pushes(rep)) == 2


async def test_not_a_risk_is_recorded_and_mutes_for_thirty_days(bot: Harness) -> None:
    team, rep, _, _ = await staff(bot)
    lotus = await lapsing(bot, team)
    await rescan_and_send(bot, NOW)

    answered = await rep.press("👍 Not a risk")

    assert "Marked as not a risk: no alerts for 30 days." in answered.text
    (alert,) = await fetch(bot, RiskAlert)
    assert (alert.answer, alert.answered_at, alert.answered_by_id) == ("not_a_risk", NOW, team.rep_id)
    for days in (8, 29):
        await set_risk(bot, lotus, "low")
        assert await rescan_and_send(bot, NOW + timedelta(days=days)) == 0
    await set_risk(bot, lotus, "low")
    assert await rescan_and_send(bot, NOW + timedelta(days=31)) == 1


async def test_schedule_visit_creates_a_follow_up_for_tomorrow_morning(bot: Harness) -> None:
    team, rep, _, _ = await staff(bot)
    lotus = await lapsing(bot, team)
    await rescan_and_send(bot, NOW)

    answered = await rep.press("📅 Schedule visit")

    assert "📅 Visit scheduled: a follow-up is due Thu, May 13, 09:00." in answered.text
    (reminder,) = await fetch(bot, Reminder, customer_id=lotus)
    assert (reminder.kind, reminder.user_id) == ("follow_up", team.rep_id)
    assert reminder.due_at == datetime(2027, 5, 13, 1, 0, tzinfo=UTC)
    stored = (await fetch(bot, Customer, id=lotus))[0]
    assert stored.next_follow_up_at == reminder.due_at
    assert (await fetch(bot, RiskAlert))[0].answer == "visit_scheduled"


async def test_a_manager_reassigns_the_customer_and_the_new_rep_is_told(bot: Harness) -> None:
    team, rep, manager, other = await staff(bot)
    lotus = await lapsing(bot, team)
    await rescan_and_send(bot, NOW)
    async with bot.app.db.begin() as session:
        session.add(
            Reminder(
                team_id=team.team_id,
                user_id=team.rep_id,
                customer_id=lotus,
                kind="custom",
                due_at=NOW + timedelta(days=2),
            )
        )

    choices = await manager.press("🔁 Reassign")
    assert choices.text == "Who should take over Lotus Tea House?"
    assert choices.buttons() == [["Li Wei"]]
    done = await manager.press("Li Wei")

    assert done.text == "🔁 Lotus Tea House now belongs to Li Wei; they have been told."
    stored = (await fetch(bot, Customer, id=lotus))[0]
    assert stored.owner_id == team.other_rep_id
    assert [r.user_id for r in await fetch(bot, Reminder, customer_id=lotus)] == [team.other_rep_id]
    (entry,) = await fetch(bot, AuditLog, action="customer.reassigned")
    assert (entry.actor_id, entry.customer_id, entry.target_user_id) == (
        team.manager_id,
        lotus,
        team.other_rep_id,
    )
    jobs = frozen(bot, NOW)
    await jobs.deliver()
    told = (await other.replies())[-1]
    assert told.text.startswith(
        "🔁 Lotus Tea House is now your customer: it was at high risk when it was handed to you."
    )
    assert "• No order for 200 days; usually one every 18 days." in told.text

    refused = await rep.press_for_answer("📅 Schedule visit")
    assert refused is not None
    assert refused["text"] == "This customer is no longer yours; the alert is for the current owner."


async def test_a_rep_cannot_reassign_and_a_stale_alert_changes_nothing(bot: Harness) -> None:
    team, rep, _, _ = await staff(bot)
    lotus = await lapsing(bot, team)
    await rescan_and_send(bot, NOW)
    (alert,) = await fetch(bot, RiskAlert)

    for data in (f"risk:move:{alert.id}", f"risk:to:{alert.id}:{team.rep_id}"):
        refused = await press_forged(bot, rep, "Reassign", data)
        assert refused is not None
        assert refused["text"] == "This button is not available to you."

    async with bot.app.db.begin() as session:
        await session.execute(update(Customer).where(Customer.id == lotus).values(erased_at=NOW))
    gone = await rep.press_for_answer("💤 Snooze 7 days")
    assert gone is not None
    assert gone["text"] == "This alert is no longer valid."
    assert (await fetch(bot, RiskAlert))[0].answer is None

    forged = await press_forged(bot, rep, "Snooze", "risk:snooze:999999")
    assert forged is not None
    assert forged["text"] == "This alert is no longer valid."


async def test_the_first_scoring_of_a_customer_alerts_nobody(bot: Harness) -> None:
    team, rep, manager, _ = await staff(bot)
    await buyer(bot, team, "Brand New Score", now=NOW, every=14, last=200)
    assert await rescan_and_send(bot, NOW) == 0
    assert await alert_pushes(rep) == []
    assert await alert_pushes(manager) == []


async def test_a_customer_muted_until_later_is_not_alerted(bot: Harness) -> None:
    team, rep, _, _ = await staff(bot)
    lotus = await lapsing(bot, team)
    async with bot.app.db.begin() as session:
        await session.execute(
            update(Customer).where(Customer.id == lotus).values(risk_muted_until=NOW + timedelta(days=3))
        )
    assert await rescan_and_send(bot, NOW) == 0
    assert await alert_pushes(rep) == []
