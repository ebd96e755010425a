"""Transaction logs as numpy arrays, and each customer's purchase history summarised as of a day.

Days are integers (days since 1970-01-01) so every summary is a vectorised pass over the log.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

EPOCH = date(1970, 1, 1)
HEADER = ("customer_id", "date", "amount")


class TransactionFileError(ValueError):
    """A transaction log that cannot be read; the message names the row."""


@dataclass(frozen=True)
class Transactions:
    """One row per transaction: customer index (into `customers`), day number and amount."""

    customers: tuple[str, ...]
    customer: Ints
    day: Ints
    amount: Floats


@dataclass(frozen=True)
class Histories:
    """Per-customer purchase summaries as of `today` (a day number), built from purchases up to it."""

    today: int
    customer: Ints
    orders: Floats
    first: Floats
    last: Floats
    gap_mean: Floats
    gap_var: Floats

    @property
    def elapsed(self) -> Floats:
        """Days since the last purchase."""
        return self.today - self.last


def day_number(value: date) -> int:
    return (value - EPOCH).days


def parse_day(text: str) -> int:
    """An ISO date (2026-11-02, optionally with a time) or YYYYMMDD, as a day number."""
    text = text.strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return day_number(date.fromisoformat(text[:10]))


def read_transactions(path: str) -> Transactions:
    """Read a `customer_id,date,amount` CSV; UTF-8 BOM and blank lines are fine, bad rows are not."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return parse_rows(csv.reader(handle))


def parse_rows(rows: Iterable[list[str]]) -> Transactions:
    index: dict[str, int] = {}
    customers: list[int] = []
    days: list[int] = []
    amounts: list[float] = []
    header_seen = False
    for line, row in enumerate(rows, start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if not header_seen:
            if tuple(cell.strip().lower() for cell in row) != HEADER:
                raise TransactionFileError(f"row {line}: expected the header customer_id,date,amount")
            header_seen = True
            continue
        if len(row) != 3 or not row[0].strip():
            raise TransactionFileError(f"row {line}: expected customer_id,date,amount, got {row!r}")
        try:
            day = parse_day(row[1])
        except ValueError:
            raise TransactionFileError(f"row {line}: bad date {row[1]!r}") from None
        try:
            amount = float(row[2])
        except ValueError:
            raise TransactionFileError(f"row {line}: bad amount {row[2]!r}") from None
        if not np.isfinite(amount):
            raise TransactionFileError(f"row {line}: bad amount {row[2]!r}")
        customers.append(index.setdefault(row[0].strip(), len(index)))
        days.append(day)
        amounts.append(amount)
    if not header_seen:
        raise TransactionFileError("row 1: expected the header customer_id,date,amount")
    return Transactions(
        customers=tuple(index),
        customer=np.asarray(customers, dtype=np.int64),
        day=np.asarray(days, dtype=np.int64),
        amount=np.asarray(amounts, dtype=np.float64),
    )


def histories(log: Transactions, *, cutoff: int) -> Histories:
    """Summaries of purchases up to and including `cutoff`; purchases on one day count as one order."""
    before = log.day <= cutoff
    customer, day = log.customer[before], log.day[before]
    order = np.lexsort((day, customer))
    customer, day = customer[order], day[order]
    new_day = np.ones(len(day), dtype=bool)
    new_day[1:] = (customer[1:] != customer[:-1]) | (day[1:] != day[:-1])
    ids, starts = np.unique(customer, return_index=True)
    visit_customer = customer[new_day]
    visit_day = day[new_day].astype(np.float64)
    slot = np.searchsorted(ids, visit_customer)
    orders = np.bincount(slot, minlength=len(ids)).astype(np.float64)
    first = day[starts].astype(np.float64)
    last = day[np.r_[starts[1:], len(day)].astype(np.int64) - 1].astype(np.float64) if len(day) else first
    is_gap = np.zeros(len(visit_day), dtype=bool)
    is_gap[1:] = visit_customer[1:] == visit_customer[:-1]
    gaps = np.diff(visit_day, prepend=0.0)[is_gap]
    gap_slot = slot[is_gap]
    n_gaps = np.maximum(orders - 1, 1.0)
    gap_mean = np.bincount(gap_slot, weights=gaps, minlength=len(ids)) / n_gaps
    squares = np.bincount(gap_slot, weights=gaps**2, minlength=len(ids)) / n_gaps
    gap_var = np.maximum(squares - gap_mean**2, 0.0)
    return Histories(
        today=cutoff,
        customer=ids.astype(np.int64),
        orders=orders,
        first=first,
        last=last,
        gap_mean=gap_mean,
        gap_var=gap_var,
    )


def churned(log: Transactions, customers: Ints, *, cutoff: int, horizon_days: int) -> npt.NDArray[np.bool_]:
    """True for each customer with no transaction in (cutoff, cutoff + horizon_days]."""
    inside = (log.day > cutoff) & (log.day <= cutoff + horizon_days)
    active = np.zeros(len(log.customers), dtype=bool)
    active[log.customer[inside]] = True
    return np.asarray(~active[customers], dtype=np.bool_)
