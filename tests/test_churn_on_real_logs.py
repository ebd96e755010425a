"""The churn score on the real purchase logs in tests/data/, beside both baselines.

Each split is fitted as production fits it (the team's own history one horizon before the cutoff).
The splits are the ones where the log leaves room for that history; `python -m bench.churn_logs`
prints every split of every log, including those where the score is behind.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.analytics import backtest
from bot.domain.churn_data import read_transactions

DATA = Path(__file__).parent / "data"

SPLITS = [
    ("cdnow_sample.csv", date(1997, 9, 30), 91),
    ("cdnow_sample.csv", date(1997, 7, 1), 182),
    ("cdnow_sample.csv", date(1997, 6, 30), 365),
    ("online_retail.csv", date(2011, 6, 10), 91),
    ("online_retail.csv", date(2011, 9, 9), 91),
    ("online_retail.csv", date(2011, 6, 10), 182),
]


@pytest.mark.parametrize(("log", "cutoff", "horizon_days"), SPLITS)
def test_the_score_ranks_churners_ahead_of_both_baselines(log: str, cutoff: date, horizon_days: int) -> None:
    result = backtest.run(read_transactions(str(DATA / log)), cutoff=cutoff, horizon_days=horizon_days)
    assert result.model.startswith("team model")
    assert result.auc > max(result.recency_auc, result.bgnbd_auc)
    assert result.precision_at_10pct >= max(
        result.recency_precision_at_10pct, result.bgnbd_precision_at_10pct
    )


@pytest.mark.parametrize(
    ("log", "cutoff"), [("cdnow_sample.csv", date(1997, 12, 30)), ("online_retail.csv", date(2011, 9, 9))]
)
def test_the_risk_levels_hold_the_churn_they_state(log: str, cutoff: date) -> None:
    """Customers called high risk churn more than medium ones, medium more than low, and each level of
    a hundred customers or more churns within 0.15 of the probability that put them there."""
    result = backtest.run(read_transactions(str(DATA / log)), cutoff=cutoff, horizon_days=91)
    observed = [level.observed for level in result.levels]
    assert None not in observed
    assert observed == sorted(observed, key=lambda value: -(value or 0.0))
    for level in result.levels:
        if level.customers >= 100:
            assert level.predicted is not None
            assert level.observed is not None
            assert abs(level.predicted - level.observed) < 0.15
