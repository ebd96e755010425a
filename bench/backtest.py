"""Churn backtest on a synthetic history: `python -m bench.backtest --customers 25000`.

Generates purchase logs with known churners from several kinds of buyer — BG/NBD-like Poisson
buyers with random dropout, regular buyers on a steady rhythm, seasonal (yearly) buyers and
customers who slow down and then stop — writes them to a CSV, runs `fieldcrm churn-backtest`'s
code on it and prints the time taken, our AUC and the BG/NBD baseline's AUC.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from bot.analytics import backtest
from bot.domain.churn_data import day_number, read_transactions

START = date(2023, 1, 1)
CUTOFF = date(2025, 1, 1)
HORIZON_DAYS = 90
END = CUTOFF + timedelta(days=HORIZON_DAYS)


def _poisson_buyer(rng: np.random.Generator, start: int, end: int) -> list[int]:
    rate = rng.gamma(0.7, 1 / 130)
    dropout = rng.beta(1.0, 3.0)
    days = [start]
    while True:
        if rng.random() < dropout:
            return days
        nxt = days[-1] + max(1, int(rng.exponential(1 / max(rate, 1e-4))))
        if nxt > end:
            return days
        days.append(nxt)


def _regular_buyer(rng: np.random.Generator, start: int, end: int) -> list[int]:
    gap = rng.uniform(30, 200)
    shape = rng.uniform(4, 16)
    stop = start + int(rng.exponential(500)) if rng.random() < 0.6 else end
    days = [start]
    while True:
        nxt = days[-1] + max(1, int(rng.gamma(shape, gap / shape)))
        if nxt > min(end, stop):
            return days
        days.append(nxt)


def _seasonal_buyer(rng: np.random.Generator, start: int, end: int) -> list[int]:
    stop = start + int(rng.exponential(900)) if rng.random() < 0.5 else end
    days = [start]
    while True:
        nxt = days[-1] + 365 + int(rng.normal(0, 8))
        if nxt > min(end, stop):
            return days
        days.append(nxt)


def _fading_buyer(rng: np.random.Generator, start: int, end: int) -> list[int]:
    gap = rng.uniform(15, 60)
    growth = rng.uniform(1.2, 1.6)
    purchases = int(rng.integers(2, 6))
    days = [start]
    while len(days) < purchases:
        nxt = days[-1] + max(1, int(rng.gamma(6, gap / 6)))
        if nxt > end:
            return days
        days.append(nxt)
        gap *= growth
    return days


KINDS = (_poisson_buyer, _regular_buyer, _seasonal_buyer, _fading_buyer)


def synthetic_rows(
    customers: int, *, seed: int, mix: tuple[float, ...] = (0.4, 0.3, 0.1, 0.2)
) -> list[tuple[str, str, str]]:
    """`customer_id,date,amount` rows for `customers` buyers of a random mix of kinds."""
    rng = np.random.default_rng(seed)
    first, cut, end = day_number(START), day_number(CUTOFF), day_number(END)
    rows: list[tuple[str, str, str]] = []
    kinds = rng.choice(len(KINDS), size=customers, p=np.array(mix) / sum(mix))
    for number, kind in enumerate(kinds):
        start = int(rng.integers(first, cut))
        basket = rng.lognormal(4.0, 0.6)
        for day in KINDS[kind](rng, start, end):
            when = date.fromordinal(date(1970, 1, 1).toordinal() + day)
            rows.append((f"C{number}", when.isoformat(), f"{basket * rng.uniform(0.7, 1.3):.2f}"))
    return rows


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("customer_id", "date", "amount"))
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = synthetic_rows(args.customers, seed=args.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "transactions.csv"
        write_csv(path, rows)
        started = time.perf_counter()
        result = backtest.run(read_transactions(str(path)), cutoff=CUTOFF, horizon_days=HORIZON_DAYS)
        elapsed = time.perf_counter() - started
    print(f"transactions:        {len(rows)}")
    print(result.as_text())
    print(f"time:                {elapsed:.2f} s (read, fit BG/NBD, score)")


if __name__ == "__main__":
    main()
