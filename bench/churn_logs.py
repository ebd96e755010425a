"""The churn score on real purchase logs, beside both baselines: `python -m bench.churn_logs [LOG.csv ...]`.

For every log (by default the real ones under tests/data/) and every horizon (3, 6 and 12 months),
the score is backtested at three cutoffs, each leaving the whole horizon observed after it: the
last possible one and the two a quarter and half a year before. Each row gives ROC AUC and
precision in the riskiest 10 % of the churn score, of days since the last purchase, and of
BG/NBD's expected purchases, with a mark where the score loses to the better baseline. Prints
figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import math
import warnings
from datetime import date, timedelta
from pathlib import Path

from bot.analytics import backtest
from bot.domain.churn_data import EPOCH, Transactions, read_transactions

REAL_LOGS = (
    Path(__file__).parents[1] / "tests" / "data" / "cdnow_sample.csv",
    Path(__file__).parents[1] / "tests" / "data" / "online_retail.csv",
)
HORIZONS = (91, 182, 365)
EARLIER = (0, 91, 182)


def cutoffs(log: Transactions, horizon_days: int) -> list[date]:
    """The cutoffs that leave the whole horizon observed, latest first, after the log's first quarter."""
    first, last = int(log.day.min()), int(log.day.max())
    latest = last - horizon_days
    return [EPOCH + timedelta(days=latest - back) for back in EARLIER if latest - back > first + 91]


def row(name: str, cutoff: date, horizon_days: int, result: backtest.Backtest) -> str:
    ours = (result.auc, result.precision_at_10pct)
    baselines = (
        (result.recency_auc, result.recency_precision_at_10pct),
        (result.bgnbd_auc, result.bgnbd_precision_at_10pct),
    )
    behind = any(ours[i] < max(b[i] for b in baselines) for i in (0, 1))
    cells = " ".join(f"{auc:6.3f} {top:6.3f}" for auc, top in (ours, *baselines))
    mark = "  behind" if behind else ""
    split = f"{cutoff} {horizon_days:4d} {result.customers:7d} {result.churn_rate:6.3f}"
    return f"{name:15s} {split}  {cells}{mark}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="*", type=Path, default=list(REAL_LOGS))
    args = parser.parse_args()
    print("each model: ROC AUC, then precision in the riskiest 10 %; 'behind': the score loses to a baseline")
    print(
        f"{'log':15s} {'cutoff':10s} {'days':>4s} {'custs':>7s} {'churn':>6s}  "
        f"{'score':>13s} {'recency':>13s} {'BG/NBD':>13s}"
    )
    for path in args.logs:
        log = read_transactions(str(path))
        for horizon_days in HORIZONS:
            for cutoff in cutoffs(log, horizon_days):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    result = backtest.run(log, cutoff=cutoff, horizon_days=horizon_days)
                if not math.isnan(result.auc):
                    print(row(path.stem, cutoff, horizon_days, result))


if __name__ == "__main__":
    main()
