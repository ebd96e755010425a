"""The team churn model's mechanics on generated customers: when it fits, the signs its weights keep,
its calibration on the history it learned from, and the reasons it gives with their numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pytest

from bot.domain import churn_model, health
from bot.domain.churn_model import FEATURES, Purchases
from bot.domain.enums import RiskLevel, Stage

TODAY = 20_000.0


def generated(size: int, seed: int) -> tuple[Purchases, npt.NDArray[np.bool_]]:
    """Customers whose chance of coming back falls with their silence against their own gap."""
    rng = np.random.default_rng(seed)
    orders = rng.integers(1, 15, size).astype(np.float64)
    gap = rng.uniform(7, 60, size)
    silence = rng.exponential(gap * 1.5)
    last = TODAY - silence
    first = last - gap * (orders - 1)
    total = orders * rng.lognormal(5, 0.5, size)
    odds = np.exp(1.5 * np.log1p(silence / gap) - 0.4 * np.log(orders) - 1.0)
    lapsed = rng.random(size) < odds / (1 + odds)
    return Purchases(TODAY, orders, first, last, total), lapsed


def fitted(
    size: int = 3000, seed: int = 1
) -> tuple[churn_model.ChurnModel, Purchases, npt.NDArray[np.bool_]]:
    then, lapsed = generated(size, seed)
    model = churn_model.learn(then, lapsed, horizon_days=90, trained_days=90)
    assert model is not None
    return model, then, lapsed


def test_weights_keep_the_direction_each_feature_must_push() -> None:
    model, _, _ = fitted()
    signs = np.array([sign for _, _, sign in FEATURES])
    assert np.all(model.weights * signs >= 0)
    silence = [i for i, (_, factor, _) in enumerate(FEATURES) if factor is churn_model.Factor.SILENCE]
    assert model.weights[silence].sum() > 0


def test_probabilities_are_calibrated_on_the_history_learned_from() -> None:
    model, then, lapsed = fitted()
    predicted = model.probability(model.read(then))
    assert predicted.mean() == pytest.approx(lapsed.mean(), abs=0.01)
    riskiest = predicted >= np.quantile(predicted, 0.8)
    assert lapsed[riskiest].mean() > lapsed[~riskiest].mean() + 0.2


@pytest.mark.parametrize(
    ("size", "everyone_lapses", "expected"),
    [(99, False, "too few customers"), (500, True, "one outcome only")],
)
def test_no_model_without_history_to_support_one(size: int, everyone_lapses: bool, expected: str) -> None:
    then, lapsed = generated(size, 2)
    if everyone_lapses:
        lapsed = np.ones(size, dtype=bool)
    assert churn_model.learn(then, lapsed, horizon_days=90, trained_days=90) is None, expected


def test_the_learning_window_is_one_horizon_or_what_the_history_allows() -> None:
    assert churn_model.training_days(first_day=0, today=400, horizon_days=90) == 90
    assert churn_model.training_days(first_day=0, today=150, horizon_days=90) == 60
    assert churn_model.training_days(first_day=0, today=117, horizon_days=90) is None


def one(orders: float, *, silence: float, gap: float, average: float = 150.0) -> Purchases:
    last = TODAY - silence
    first = last - gap * (orders - 1)
    return Purchases(
        TODAY, np.array([orders]), np.array([first]), np.array([last]), np.array([orders * average])
    )


def test_reasons_are_the_factors_that_raised_this_customers_probability() -> None:
    model, _, _ = fitted()
    on_time = health.purchase_risks(model, one(10, silence=5, gap=20))[0]
    lapsed = health.purchase_risks(model, one(10, silence=200, gap=20))[0]
    single = health.purchase_risks(model, one(1, silence=150, gap=0))[0]
    assert on_time.probability < 0.3
    assert on_time.factors == ()
    assert lapsed.probability > 0.6
    assert lapsed.factors[0][1] == health.Reason("no_order", {"days": 200, "usual": 20})
    assert single.factors[0][1] == health.Reason("one_order", {"days": 150})
    for risk in (lapsed, single):
        points = [points for points, _ in risk.factors]
        assert points == sorted(points, reverse=True)
        assert all(point > 0 for point in points)


def test_the_score_is_the_stated_probability_less_service_penalties() -> None:
    model, _, _ = fitted()
    (risk,) = health.purchase_risks(model, one(10, silence=200, gap=20))
    now = datetime(2024, 10, 5, tzinfo=UTC)
    orders = tuple(health.Order(now - timedelta(days=200 + 20 * i), Decimal(150)) for i in range(10))
    quiet = health.score(health.CustomerFacts(orders=orders), now=now, purchase=risk)
    assert quiet.score == round(100 * (1 - risk.probability))
    assert quiet.risk is RiskLevel.HIGH
    assert quiet.reasons[0].code == "no_order"
    assert quiet.stage is (Stage.CHURNED if risk.probability >= 0.9 else Stage.AT_RISK)
    unhappy = health.CustomerFacts(orders=orders, csat=health.Rating(1, now - timedelta(days=2)))
    assert health.score(unhappy, now=now, purchase=risk).score == max(0, quiet.score - 20)


@pytest.mark.parametrize("shape", ["one day for everyone", "refunds and zero amounts", "a 40-digit total"])
def test_a_hostile_history_fits_or_declines_without_nonsense(shape: str) -> None:
    """Histories a careless import or a hostile file could leave: every probability stays a number
    between 0 and 1, and every reason is one the card can render."""
    size = 400
    rng = np.random.default_rng(7)
    orders = np.ones(size) if shape == "one day for everyone" else rng.integers(1, 6, size).astype(np.float64)
    last = (
        np.full(size, TODAY - 100.0) if shape == "one day for everyone" else TODAY - rng.uniform(0, 300, size)
    )
    first = last - 10.0 * (orders - 1)
    total = {
        "one day for everyone": np.full(size, 50.0),
        "refunds and zero amounts": rng.choice([-500.0, 0.0, 20.0], size),
        "a 40-digit total": np.full(size, 1e40),
    }[shape]
    then = Purchases(TODAY, orders, first, last, total)
    lapsed = rng.random(size) < 0.5
    with np.errstate(all="raise"):
        model = churn_model.learn(then, lapsed, horizon_days=90, trained_days=90)
    assert model is not None
    for risk in health.purchase_risks(model, then):
        assert 0.0 <= risk.probability <= 1.0
        assert all(
            np.isfinite(points) and reason.code in {"no_order", "one_order", "few_orders", "small_orders"}
            for points, reason in risk.factors
        )
