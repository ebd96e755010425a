"""The health rescan: stored score, risk, reasons, stage and RFM; the card; incremental runs; risk rises."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from bot.runtime.jobs import background
from bot.services import health as rescan
from sandbox.factories import REP_TG, SalesTeam, buyer, customer, fetch, person, plant_button, sales_team
from sandbox.harness import Harness
from storage.db import utcnow
from storage.models import Customer, Feedback, Order, Team, Ticket


async def crafted(bot: Harness, team: SalesTeam, now: datetime) -> dict[str, int]:
    ids = {
        "regular": await buyer(bot, team, "Regular", now=now, every=30, last=10),
        "overdue": await buyer(bot, team, "Overdue", now=now, every=14, last=200),
        "never": await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Never", tier="B"),
        "detractor": await buyer(bot, team, "Detractor", now=now, every=30, last=10),
        "complaint": await buyer(bot, team, "Complaint", now=now, every=30, last=10),
    }
    async with bot.app.db.begin() as session:
        session.add(
            Feedback(
                team_id=team.team_id,
                customer_id=ids["detractor"],
                kind="nps",
                score=2,
                created_at=now - timedelta(days=5),
            )
        )
        session.add(
            Ticket(
                team_id=team.team_id,
                number=7,
                customer_id=ids["complaint"],
                description="Broken seal",
                status="open",
                resolve_due_at=now - timedelta(days=3, hours=1),
                created_at=now - timedelta(days=4),
                updated_at=now - timedelta(days=4),
            )
        )
    return ids


async def stored(bot: Harness, customer_id: int) -> Customer:
    found: list[Customer] = await fetch(bot, Customer, id=customer_id)
    return found[0]


def codes(row: Customer) -> list[str]:
    return [reason["code"] for reason in row.health_reasons]


async def test_a_full_rescan_stores_score_risk_reasons_stage_and_rfm(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rescan, "BATCH", 2)
    now = utcnow()
    team = await sales_team(bot)
    ids = await crafted(bot, team, now)

    stats = await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=now, incremental=False)

    assert stats.scored == 5
    assert stats.batches == 3
    assert stats.rises == []
    regular = await stored(bot, ids["regular"])
    assert regular.risk_level == "low"
    assert regular.health_score is not None
    assert regular.health_score >= 90
    assert regular.stage == "loyal"
    assert regular.health_computed_at == now
    assert regular.last_order_at == now - timedelta(days=10)
    assert regular.last_visit_at == now - timedelta(days=3)
    overdue = await stored(bot, ids["overdue"])
    assert overdue.risk_level == "high"
    assert overdue.stage in ("churned", "at_risk")
    assert codes(overdue)[0] == "no_order"
    assert overdue.health_reasons[0]["params"]["days"] == 200
    never = await stored(bot, ids["never"])
    assert (never.health_score, never.risk_level, never.stage) == (60, "medium", "potential")
    assert codes(never) == ["no_order_ever"]
    assert (never.rfm_r, never.rfm_f, never.rfm_m) == (None, None, None)
    detractor = await stored(bot, ids["detractor"])
    assert codes(detractor)[0] == "low_nps"
    assert detractor.health_score is not None
    assert detractor.health_score <= 75
    complaint = await stored(bot, ids["complaint"])
    due = (now - timedelta(days=3, hours=1)).isoformat()
    params = {"number": 7, "days": 3, "due": due}
    assert complaint.health_reasons[0] == {"code": "ticket_overdue", "params": params}
    assert overdue.rfm_r is not None
    assert regular.rfm_r is not None
    assert overdue.rfm_r < regular.rfm_r
    for row in (regular, overdue, detractor, complaint):
        assert all(value in range(1, 6) for value in (row.rfm_r, row.rfm_f, row.rfm_m))


def verdict(row: Customer) -> tuple[object, ...]:
    return (
        row.health_score,
        row.risk_level,
        row.health_reasons,
        row.stage,
        (row.rfm_r, row.rfm_f, row.rfm_m),
        row.last_visit_at,
        row.last_order_at,
    )


async def test_tiny_chunks_and_batches_store_what_one_pass_does_and_nothing_else(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = utcnow()
    team = await sales_team(bot)
    ids = await crafted(bot, team, now)
    async with bot.app.db.begin() as session:
        other = Team(name="West", created_at=now)
        session.add(other)
        await session.flush()
        other_id = other.id
    outsider = await customer(bot, team_id=other_id, owner_id=team.rep_id, name="Outsider")
    await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=now, incremental=False)
    whole = {name: verdict(await stored(bot, id_)) for name, id_ in ids.items()}
    async with bot.app.db.begin() as session:
        await session.execute(
            update(Customer)
            .where(Customer.team_id == team.team_id)
            .values(health_score=None, risk_level=None, health_reasons=[], stage="potential")
            .values(rfm_r=None, rfm_f=None, rfm_m=None, last_visit_at=None, last_order_at=None)
            .values(health_computed_at=None)
        )
    monkeypatch.setattr(rescan, "BATCH", 1)
    monkeypatch.setattr(rescan, "SUMMARY_BATCH", 1)

    stats = await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=now, incremental=False)

    assert (stats.scored, stats.batches) == (5, 5)
    assert {name: verdict(await stored(bot, id_)) for name, id_ in ids.items()} == whole
    assert all([(await stored(bot, id_)).health_computed_at == now for id_ in ids.values()])
    untouched = await stored(bot, outsider)
    assert (untouched.health_computed_at, untouched.health_score) == (None, None)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "No order for 200 days; usually one every {usual} days."),
        ("zh_Hans", "已有200天没有下单，平时每{usual}天一单。"),
    ],
)
async def test_the_card_shows_health_with_the_reason(bot: Harness, locale: str, expected: str) -> None:
    now = utcnow()
    team = await sales_team(bot, rep_locale=locale)
    ids = await crafted(bot, team, now)
    await rescan.rescan_all(bot.app.db, now=now, incremental=False)
    overdue = await stored(bot, ids["overdue"])
    rep = await person(bot, REP_TG, chinese=locale == "zh_Hans")
    await rep.send("/start")
    await plant_button(bot, rep, "Open", f"cust:open:{ids['overdue']}")
    card = await rep.press("Open")

    assert str(overdue.health_score) in card.text
    assert expected.format(usual=overdue.health_reasons[0]["params"]["usual"]) in card.text


async def test_an_incremental_rescan_touches_only_customers_with_news(bot: Harness) -> None:
    first = utcnow()
    team = await sales_team(bot)
    ids = await crafted(bot, team, first)
    await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=first, incremental=False)
    later = first + timedelta(minutes=15)
    quiet = await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=later, incremental=True)
    assert quiet.scored == 0
    async with bot.app.db.begin() as session:
        session.add(
            Order(
                team_id=team.team_id,
                customer_id=ids["overdue"],
                rep_id=team.rep_id,
                amount=Decimal("900"),
                currency="CNY",
                ordered_at=first + timedelta(minutes=5),
                created_at=first + timedelta(minutes=5),
            )
        )
    newcomer = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Newcomer")

    stats = await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=later, incremental=True)

    assert stats.scored == 2
    revived = await stored(bot, ids["overdue"])
    assert revived.health_computed_at == later
    assert revived.risk_level == "low"
    assert revived.last_order_at == first + timedelta(minutes=5)
    assert (await stored(bot, newcomer)).health_computed_at == later
    for name in ("regular", "never", "detractor", "complaint"):
        assert (await stored(bot, ids[name])).health_computed_at == first


async def test_a_rescan_reports_whose_risk_rose(bot: Harness) -> None:
    first = utcnow()
    team = await sales_team(bot)
    ids = await crafted(bot, team, first)
    await rescan.rescan_all(bot.app.db, now=first, incremental=False)
    async with bot.app.db.begin() as session:
        session.add(
            Feedback(
                team_id=team.team_id,
                customer_id=ids["regular"],
                kind="nps",
                score=0,
                created_at=first + timedelta(minutes=1),
            )
        )
        session.add(
            Ticket(
                team_id=team.team_id,
                number=8,
                customer_id=ids["regular"],
                description="Wrong invoice",
                status="open",
                resolve_due_at=first - timedelta(days=2),
                created_at=first + timedelta(minutes=1),
                updated_at=first + timedelta(minutes=1),
            )
        )

    stats = await rescan.rescan_all(bot.app.db, now=first + timedelta(minutes=15), incremental=True)

    assert stats.scored == 1
    assert [(rise.customer_id, rise.before, rise.after) for rise in stats.rises] == [
        (ids["regular"], "low", "medium")
    ]
    assert (await stored(bot, ids["regular"])).risk_level == "medium"


async def test_the_background_job_rescans_on_its_clock(bot: Harness) -> None:
    at = utcnow()
    team = await sales_team(bot)
    ids = await crafted(bot, team, at)
    jobs = background(bot.app)
    jobs.clock = lambda: at

    full = await jobs.rescan_health(incremental=False)
    again = await jobs.rescan_health(incremental=True)

    assert (full.scored, again.scored) == (5, 0)
    assert (await stored(bot, ids["never"])).health_computed_at == at
