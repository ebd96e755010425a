"""The health score on crafted histories with a fixed `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats

from bot.domain.enums import RiskLevel, Stage
from bot.domain.health import (
    CustomerFacts,
    OpenTicket,
    Order,
    Rating,
    TeamRhythm,
    average_ranks,
    churn_probability,
    own_rhythms,
    rfm_scores,
    score,
    shrunk_rhythm,
)

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def every(gap_days: int, count: int, *, last_days_ago: int) -> tuple[Order, ...]:
    last = NOW - timedelta(days=last_days_ago)
    return tuple(
        Order(at=last - timedelta(days=gap_days * i), amount=Decimal("100")) for i in reversed(range(count))
    )


def test_regular_buyer_on_time_is_low_risk() -> None:
    health = score(CustomerFacts(orders=every(20, 10, last_days_ago=10)), now=NOW)
    assert health.risk is RiskLevel.LOW
    assert health.score >= 90
    assert health.reasons == []
    assert health.stage is Stage.LOYAL


def test_regular_buyer_three_times_overdue_is_high_risk_with_reason() -> None:
    health = score(CustomerFacts(orders=every(20, 10, last_days_ago=60)), now=NOW, rhythm=TeamRhythm(20.0))
    assert health.risk is RiskLevel.HIGH
    assert health.reasons[0].code == "no_order"
    assert health.reasons[0].params == {"days": 60, "usual": 20}
    assert "schedule_visit" in health.actions
    assert health.stage in (Stage.AT_RISK, Stage.CHURNED)


def test_irregular_buyer_is_judged_more_leniently_than_a_regular_one() -> None:
    regular = every(20, 10, last_days_ago=35)
    last = NOW - timedelta(days=35)
    gaps = [5, 40, 8, 35, 12, 30, 3, 47, 20]
    irregular = [last]
    for gap in gaps:
        irregular.append(irregular[-1] - timedelta(days=gap))
    irregular_orders = tuple(Order(at=at, amount=Decimal("100")) for at in reversed(irregular))
    lenient = score(CustomerFacts(orders=irregular_orders), now=NOW).p_alive
    strict = score(CustomerFacts(orders=regular), now=NOW).p_alive
    assert lenient is not None
    assert strict is not None
    assert lenient > strict


def test_few_orders_are_shrunk_toward_the_team_rhythm() -> None:
    team = TeamRhythm(usual_gap_days=60.0, prior_orders=2.0)
    two = score(CustomerFacts(orders=every(10, 2, last_days_ago=1)), now=NOW, rhythm=team)
    many = score(CustomerFacts(orders=every(10, 30, last_days_ago=1)), now=NOW, rhythm=team)
    assert two.usual_gap_days is not None
    assert abs(two.usual_gap_days - (10 * 1 / 3 + 60 * 2 / 3)) < 1e-9
    assert many.usual_gap_days is not None
    assert 10 < many.usual_gap_days < 14


def test_shrinkage_weight_is_n_over_n_plus_k() -> None:
    usual, shape = shrunk_rhythm(
        np.array([1.0, 3.0]), np.array([0.0, 10.0]), np.array([0.0, 0.0]), TeamRhythm(usual_gap_days=30.0)
    )
    assert list(usual) == [30.0, 20.0]
    assert (shape >= 0.5).all()


def test_poisson_buyer_silence_is_exponential_mixed_over_the_rate() -> None:
    """With rate ~ Gamma(k + n - 1, (k + n - 1)·usual) the chance of a silent month is (β/(β+t))^α."""
    rhythm = TeamRhythm(gap_cv=1.0, prior_orders=2.0, dropout_a=1e-9, dropout_b=1.0)
    orders = np.array([1.0, 400.0])
    silent = churn_probability(np.zeros(2), orders, np.array([30.0, 30.0]), np.ones(2), rhythm, 30.0)
    assert abs(float(silent[0]) - (60 / 90) ** 2) < 0.005
    later = churn_probability(np.array([100.0]), orders[:1], np.array([30.0]), np.ones(1), rhythm, 30.0)
    assert abs(float(later[0]) - (160 / 190) ** 2) < 0.005
    assert abs(float(silent[1]) - np.exp(-1.0)) < 0.005


def test_low_nps_low_csat_and_overdue_ticket_are_reasons() -> None:
    facts = CustomerFacts(
        orders=every(20, 10, last_days_ago=5),
        nps=Rating(score=3, at=datetime(2026, 11, 2, tzinfo=UTC)),
        csat=Rating(score=2, at=datetime(2026, 11, 3, tzinfo=UTC)),
        tickets=(OpenTicket(number=42, overdue_days=2), OpenTicket(number=43)),
    )
    health = score(facts, now=NOW)
    codes = [reason.code for reason in health.reasons]
    assert codes == ["low_nps", "ticket_overdue", "low_csat", "open_tickets"]
    assert health.reasons[0].params == {"score": 3, "date": "2026-11-02T00:00:00+00:00"}
    assert health.reasons[1].params == {"number": 42, "days": 2}
    assert health.reasons[3].params == {"n": 1}
    assert health.score == 100 - 25 - 15 - 12 - 3
    assert health.risk is RiskLevel.MEDIUM
    assert {"call", "resolve_ticket"} <= set(health.actions)


def test_follow_up_overdue_and_no_visit() -> None:
    facts = CustomerFacts(
        orders=every(20, 10, last_days_ago=5),
        follow_up_due=NOW - timedelta(days=3),
        contacts=(NOW - timedelta(days=100),),
    )
    reasons = {reason.code: reason.params for reason in score(facts, now=NOW).reasons}
    due = (NOW - timedelta(days=3)).isoformat()
    assert reasons == {"follow_up_overdue": {"days": 3, "due": due}, "no_visit": {"days": 100}}


def test_no_visit_follows_the_tier_cadence() -> None:
    orders = every(20, 10, last_days_ago=5)
    visited = (NOW - timedelta(days=20),)
    assert score(CustomerFacts(orders=orders, contacts=visited, tier="C"), now=NOW).reasons == []
    vip = score(CustomerFacts(orders=orders, contacts=visited, tier="VIP"), now=NOW)
    assert [r.as_json() for r in vip.reasons] == [{"code": "no_visit", "params": {"days": 20}}]
    custom = CustomerFacts(orders=orders, contacts=visited, tier="C", cadence={"C": 10})
    assert [r.code for r in score(custom, now=NOW).reasons] == ["no_visit"]


def test_orders_declining() -> None:
    early = tuple(Order(at=NOW - timedelta(days=100 + i * 10), amount=Decimal("500")) for i in range(6))
    recent = tuple(Order(at=NOW - timedelta(days=5 + i * 10), amount=Decimal("100")) for i in range(6))
    health = score(CustomerFacts(orders=early + recent), now=NOW)
    declining = [reason for reason in health.reasons if reason.code == "orders_declining"]
    assert declining
    assert declining[0].params == {"percent": 80}


@pytest.mark.parametrize("days_ago", [0, 5, 15, 20, 25, 30, 40, 80, 400])
@pytest.mark.parametrize("count", [1, 2, 5, 12])
def test_score_moves_only_with_a_reason(days_ago: int, count: int) -> None:
    health = score(CustomerFacts(orders=every(20, count, last_days_ago=days_ago)), now=NOW)
    assert (health.score < 100) == bool(health.reasons)


def test_stages() -> None:
    assert score(CustomerFacts(), now=NOW).stage is Stage.POTENTIAL
    assert [r.code for r in score(CustomerFacts(), now=NOW).reasons] == ["no_order_ever"]
    assert score(CustomerFacts(orders=every(20, 1, last_days_ago=3)), now=NOW).stage is Stage.NEW
    assert score(CustomerFacts(orders=every(20, 4, last_days_ago=3)), now=NOW).stage is Stage.ACTIVE
    assert score(CustomerFacts(orders=every(20, 8, last_days_ago=3)), now=NOW).stage is Stage.LOYAL
    assert score(CustomerFacts(orders=every(20, 8, last_days_ago=365)), now=NOW).stage is Stage.CHURNED


def test_reasons_serialise_for_the_card() -> None:
    health = score(CustomerFacts(orders=every(20, 10, last_days_ago=60)), now=NOW, rhythm=TeamRhythm(20.0))
    assert health.reasons[0].as_json() == {"code": "no_order", "params": {"days": 60, "usual": 20}}


def test_rfm_quintiles_within_the_team() -> None:
    recency = np.arange(10, dtype=np.float64)
    frequency = np.arange(10, dtype=np.float64)
    monetary = np.full(10, 50.0)
    scores = rfm_scores(recency, frequency, monetary)
    assert scores[0].tolist() == [5, 1, 3]
    assert scores[9].tolist() == [1, 5, 3]
    assert sorted(scores[:, 0].tolist()) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_average_ranks_match_scipy_with_ties() -> None:
    rng = np.random.default_rng(7)
    for size in (1, 2, 17, 500):
        values = rng.integers(0, 12, size).astype(float)
        assert np.array_equal(average_ranks(values), stats.rankdata(values))


def test_a_batch_of_rhythms_scores_as_each_customer_alone() -> None:
    customers = [
        CustomerFacts(orders=every(20, 8, last_days_ago=60)),
        CustomerFacts(),
        CustomerFacts(orders=every(7, 2, last_days_ago=3)),
        CustomerFacts(orders=every(30, 1, last_days_ago=400), csat=Rating(1, NOW - timedelta(days=1))),
    ]
    rhythm = TeamRhythm(usual_gap_days=25.0)
    batch = own_rhythms(customers, now=NOW, rhythm=rhythm)
    assert batch[1] is None
    for facts, own in zip(customers, batch, strict=True):
        assert own == own_rhythms([facts], now=NOW, rhythm=rhythm)[0]
        assert score(facts, now=NOW, rhythm=rhythm, rhythm_of=own) == score(facts, now=NOW, rhythm=rhythm)
