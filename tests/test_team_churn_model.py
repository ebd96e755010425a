"""The team's own churn model in the rescan: fitted once the history allows, its probabilities are the
stored risk levels, and its reasons read on the card in both languages; a young team keeps the rhythm."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from bot.services import health as rescan
from bot.services.customers import search_columns
from sandbox import SandboxServer
from sandbox.factories import REP_TG, SalesTeam, buyer, customer, fetch, person, plant_button, sales_team
from sandbox.harness import Harness, Person, Reply, running_bot, settings_for
from storage.db import utcnow
from storage.models import Customer, Order

PURCHASE_CODES = {"no_order", "one_order", "few_orders", "small_orders"}


async def shops(
    bot: Harness, team: SalesTeam, now: datetime, plans: list[list[tuple[int, int]]]
) -> list[int]:
    """One customer per plan, each plan a list of (days ago, amount) orders, in one transaction."""
    async with bot.app.db.begin() as session:
        rows = [
            Customer(
                team_id=team.team_id,
                owner_id=team.other_rep_id,
                name=f"Shop {index:03d}",
                **search_columns(name=f"Shop {index:03d}", company=None, e164=None),
            )
            for index in range(len(plans))
        ]
        session.add_all(rows)
        await session.flush()
        session.add_all(
            Order(
                team_id=team.team_id,
                customer_id=row.id,
                rep_id=team.other_rep_id,
                amount=Decimal(amount),
                currency="CNY",
                ordered_at=now - timedelta(days=days, hours=hour),
                created_at=now - timedelta(days=days, hours=hour),
            )
            for row, plan in zip(rows, plans, strict=True)
            for hour, (days, amount) in enumerate(plan)
        )
        return [row.id for row in rows]


def history(seed: int, *, span: int) -> list[list[tuple[int, int]]]:
    """Steady buyers, buyers who stopped at various times, one-order customers and newcomers."""
    rng = random.Random(seed)
    plans: list[list[tuple[int, int]]] = []

    def rhythm(start: int, stop: int) -> list[tuple[int, int]]:
        gap, base = rng.choice((7, 10, 14, 21, 30)), rng.randint(200, 900)
        days, plan = float(start), []
        while days >= stop:
            plan.append((round(days), round(base * rng.uniform(0.8, 1.2))))
            days -= gap * rng.uniform(0.8, 1.2)
        return plan

    for _ in range(60):
        plans.append(rhythm(rng.randint(span * 3 // 8, span), rng.randint(0, 6)))
    for _ in range(50):
        plans.append(rhythm(span - rng.randint(0, span // 4), rng.randint(20, span * 3 // 4)))
    for _ in range(30):
        plans.append([(rng.randint(20, span - 20), rng.randint(100, 900))])
    for _ in range(10):
        plans.append(rhythm(rng.randint(10, 60), 0))
    return plans


async def open_card(bot: Harness, who: Person, customer_id: int) -> Reply:
    await plant_button(bot, who, "Open", f"cust:open:{customer_id}")
    return await who.press("Open")


async def stored(bot: Harness, customer_id: int) -> Customer:
    found: list[Customer] = await fetch(bot, Customer, id=customer_id)
    return found[0]


async def seasoned_team(
    bot: Harness, now: datetime, *, rep_locale: str = "en"
) -> tuple[SalesTeam, dict[str, int]]:
    """Lapsed, Steady and Once (Rita's) among 150 shops with some 400 days of orders, rescanned."""
    team = await sales_team(bot, rep_locale=rep_locale)
    ids = {
        "lapsed": await buyer(bot, team, "Lapsed", now=now, every=14, last=120),
        "steady": await buyer(bot, team, "Steady", now=now, every=14, last=5),
        "once": await buyer(bot, team, "Once", now=now, every=14, last=200, orders=1),
    }
    await shops(bot, team, now, history(20_261_207, span=400))
    await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=now, incremental=False)
    return team, ids


async def test_a_seasoned_team_is_scored_by_its_own_model(bot: Harness) -> None:
    now = utcnow()
    team, ids = await seasoned_team(bot, now)
    never = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Never")
    await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=now, incremental=True)
    async with bot.app.db() as session:
        picture = await rescan.team_picture(session, team_id=team.team_id, now=now)

    assert picture.model is not None
    assert (picture.model.horizon_days, picture.model.trained_days) == (90, 90)
    assert picture.model.customers >= 100
    rows = {row.id: row for row in await fetch(bot, Customer, team_id=team.team_id)}
    risks = picture.purchase_risks(list(rows))
    assert set(risks) == set(rows) - {never}
    for customer_id, risk in risks.items():
        row, p = rows[customer_id], risk.probability
        assert [reason.as_json() for _, reason in risk.factors] == [
            reason for reason in row.health_reasons if reason["code"] in PURCHASE_CODES
        ]
        if any(reason["code"] not in PURCHASE_CODES for reason in row.health_reasons):
            continue
        # No service cue: the score is the model's chance of an order, and the level its stated band.
        assert row.health_score == round(100 * (1 - p)), row.name
        assert (row.risk_level == "high") == (p > 0.6), row.name
        assert (row.risk_level == "low") == (p < 0.3), row.name
    typical_rate = float(np.median(picture.purchases.monthly))
    for customer_id, risk in risks.items():
        for _, reason in risk.factors:
            if reason.code == "few_orders":
                rate = reason.params["orders"] / reason.params["months"]
                assert rate < 1.5 * typical_rate, rows[customer_id].name
    levels = {row.risk_level for row in rows.values()}
    assert levels == {"low", "medium", "high"}

    lapsed, steady, once = rows[ids["lapsed"]], rows[ids["steady"]], rows[ids["once"]]
    assert risks[lapsed.id].probability > 0.9
    assert lapsed.risk_level == "high"
    assert lapsed.health_reasons[0] == {"code": "no_order", "params": {"days": 120, "usual": 14}}
    assert risks[steady.id].probability < 0.1
    assert steady.risk_level == "low"
    assert steady.health_score is not None
    assert steady.health_score >= 90
    assert not {reason["code"] for reason in steady.health_reasons} & PURCHASE_CODES
    assert once.risk_level == "high"
    assert once.health_reasons[0] == {"code": "one_order", "params": {"days": 200}}
    assert (rows[never].health_score, rows[never].risk_level) == (60, "medium")
    assert [reason["code"] for reason in rows[never].health_reasons] == ["no_order_ever"]


@pytest.mark.parametrize(
    ("locale", "health", "lapsed", "once"),
    [
        (
            "en",
            "Health: {score}/100, high risk",
            "No order for 120 days; usually one every 14 days.",
            "A single order so far, 200 days ago.",
        ),
        (
            "zh_Hans",
            "健康度：{score}/100，高风险",
            "已有120天没有下单，平时每14天一单。",
            "只下过一单，已过去200天。",
        ),
    ],
    ids=["en", "zh_Hans"],
)
async def test_the_card_says_why_in_the_reps_language(
    bot: Harness, locale: str, health: str, lapsed: str, once: str
) -> None:
    now = utcnow()
    _, ids = await seasoned_team(bot, now, rep_locale=locale)
    rep = await person(bot, REP_TG, chinese=locale == "zh_Hans")
    await rep.send("/start")

    lapsed_card = (await open_card(bot, rep, ids["lapsed"])).text
    once_card = (await open_card(bot, rep, ids["once"])).text

    assert lapsed_card.startswith("Lapsed")
    assert lapsed in lapsed_card
    assert once_card.startswith("Once")
    assert once in once_card
    assert health.format(score=(await stored(bot, ids["lapsed"])).health_score) in lapsed_card
    assert health.format(score=(await stored(bot, ids["once"])).health_score) in once_card


@pytest.mark.parametrize("young", ["short history", "few customers"])
async def test_a_young_team_keeps_the_rhythm_scoring(bot: Harness, young: str) -> None:
    now = utcnow()
    team = await sales_team(bot)
    lapsed = await buyer(bot, team, "Lapsed", now=now, every=7, last=50)
    steady = await buyer(bot, team, "Steady", now=now, every=7, last=2)
    plans = history(20_261_207, span=110) if young == "short history" else history(20_261_207, span=400)[::2]
    await shops(bot, team, now, plans)

    stats = await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=now, incremental=False)
    async with bot.app.db() as session:
        picture = await rescan.team_picture(session, team_id=team.team_id, now=now)

    assert stats.scored == len(plans) + 2
    assert picture.model is None
    assert picture.purchase_risks([lapsed, steady]) == {}
    gone, regular = await stored(bot, lapsed), await stored(bot, steady)
    assert gone.risk_level == "high"
    assert gone.health_reasons[0]["code"] == "no_order"
    assert gone.health_reasons[0]["params"]["days"] == 50
    assert regular.risk_level == "low"
    assert not {reason["code"] for reason in regular.health_reasons} & PURCHASE_CODES


async def test_a_restart_on_scored_customers_changes_nothing(
    sandbox: SandboxServer, database_url: str
) -> None:
    """Rescanning after a restart, on a database whose customers the model already scored, stores
    the same verdicts and raises no alert; the owner's card reads as before, in Chinese."""
    settings = settings_for(sandbox, database_url)
    now = utcnow()
    async with running_bot(settings, sandbox) as bot:
        team, ids = await seasoned_team(bot, now, rep_locale="zh_Hans")
        before = {
            row.id: (row.health_score, row.risk_level, row.health_reasons, row.stage)
            for row in await fetch(bot, Customer, team_id=team.team_id)
        }
    async with running_bot(settings, sandbox) as bot:
        stats = await rescan.rescan_team(bot.app.db, team_id=team.team_id, now=now, incremental=False)
        after = {
            row.id: (row.health_score, row.risk_level, row.health_reasons, row.stage)
            for row in await fetch(bot, Customer, team_id=team.team_id)
        }
        rep = await person(bot, REP_TG, chinese=True)
        card = (await open_card(bot, rep, ids["lapsed"])).text
    assert stats.rises == []
    assert after == before
    assert "已有120天没有下单，平时每14天一单。" in card
