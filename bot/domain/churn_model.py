"""The team's churn model: the chance of no order within the horizon, learned from the team's own past.

Rules tuned on generated histories lost to "days since the last order" on real logs, so the model is
fitted for every team on its own history: its customers as they stood one horizon ago, and whether
each then ordered within that horizon. The features are few and come from order aggregates alone
(silence, silence against the usual gap, orders, tenure, order value, and BG/NBD's expected purchases
and P(alive)). Every weight is held to the direction its feature must push (a longer silence never
makes a customer safer), which keeps a fit on a few hundred customers sane and each weight
explainable. A logistic fit is calibrated on the history it saw, so its probability can be stated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from bot.domain import bgnbd

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

HORIZON_DAYS = 90
MIN_HISTORY_DAYS = 90
MIN_TRAINING_DAYS = 28
MIN_CUSTOMERS = 100
MIN_OUTCOMES = 10
SAMPLE = 100_000
BGNBD_SAMPLE = 10_000
PENALTY = 1.0
MAX_SILENCE_RATIO = 50.0


class Factor(StrEnum):
    """What a feature says about a customer; the reasons on the card are per factor."""

    SILENCE = "silence"
    FREQUENCY = "frequency"
    VALUE = "value"


# Each feature: the factor it belongs to and the sign its weight must have (+1: more is riskier).
FEATURES: tuple[tuple[str, Factor, int], ...] = (
    ("log days since the last order", Factor.SILENCE, 1),
    ("days since the last order / horizon", Factor.SILENCE, 1),
    ("log silence against the usual gap", Factor.SILENCE, 1),
    ("silence / usual gap", Factor.SILENCE, 1),
    ("logit BG/NBD P(alive)", Factor.SILENCE, -1),
    ("log orders", Factor.FREQUENCY, -1),
    ("log orders a month", Factor.FREQUENCY, -1),
    ("log BG/NBD expected orders in the horizon", Factor.FREQUENCY, -1),
    ("log average order value", Factor.VALUE, -1),
)


@dataclass(frozen=True)
class Purchases:
    """Order aggregates per customer as of day `today`: order count, first and last order day, spend."""

    today: float
    orders: Floats
    first: Floats
    last: Floats
    total: Floats

    def __len__(self) -> int:
        return len(self.orders)

    def take(self, rows: npt.NDArray[np.int64]) -> Purchases:
        return Purchases(self.today, self.orders[rows], self.first[rows], self.last[rows], self.total[rows])

    @property
    def silence(self) -> Floats:
        return np.maximum(self.today - self.last, 0.0)

    @property
    def tenure(self) -> Floats:
        return np.maximum(self.today - self.first, 0.0)

    @property
    def monthly(self) -> Floats:
        """Orders a month over the customer's tenure, counting at least a month of it."""
        return np.maximum(self.orders, 1.0) / (np.maximum(self.tenure, 30.44) / 30.44)

    @property
    def average(self) -> Floats:
        return np.maximum(self.total, 0.0) / np.maximum(self.orders, 1.0)


@dataclass(frozen=True)
class Team:
    """What is typical in the team on one day: the frame each customer's features are read in."""

    usual_gap: float
    typical_order: float
    bgnbd: bgnbd.BgNbd | None

    def usual_gaps(self, purchases: Purchases) -> Floats:
        """Each customer's own average gap, or the team's for a customer with a single order."""
        repeat = purchases.orders >= 2
        own = (purchases.last - purchases.first) / np.maximum(purchases.orders - 1.0, 1.0)
        return np.where(repeat, np.maximum(own, 1.0), self.usual_gap)


def read_team(purchases: Purchases, *, seed: int = 0) -> Team:
    """Medians of the team and a BG/NBD fitted on (a sample of) its customers."""
    repeat = purchases.orders >= 2
    gaps = (purchases.last - purchases.first)[repeat] / (purchases.orders[repeat] - 1.0)
    usual = float(np.median(gaps)) if len(gaps) else 30.0
    typical = float(np.median(purchases.average)) if len(purchases) else 0.0
    sample = _sample(len(purchases), seed, BGNBD_SAMPLE)
    x = purchases.orders[sample] - 1.0
    t_x = (purchases.last - purchases.first)[sample]
    age = purchases.tenure[sample]
    try:
        with np.errstate(all="ignore"):
            fitted = bgnbd.fit(x, t_x, age) if len(sample) and age.max() > 0 else None
    except (ValueError, FloatingPointError):
        fitted = None
    return Team(usual_gap=max(usual, 1.0), typical_order=typical, bgnbd=fitted)


def features(purchases: Purchases, team: Team, horizon_days: int) -> Floats:
    """One row per customer, one column per entry of FEATURES."""
    silence = purchases.silence
    usual = team.usual_gaps(purchases)
    n = len(purchases)
    expected = np.ones(n)
    alive_logit = np.zeros(n)
    if team.bgnbd is not None:
        x, t_x, age = purchases.orders - 1.0, purchases.last - purchases.first, purchases.tenure
        with np.errstate(all="ignore"):
            expected = team.bgnbd.expected_purchases(x, t_x, age, float(horizon_days))
            alive = team.bgnbd.p_alive(x, t_x, age)
        expected = np.nan_to_num(expected, nan=0.0, posinf=1e6, neginf=0.0)
        alive = np.clip(np.nan_to_num(alive, nan=0.5), 1e-6, 1.0 - 1e-6)
        alive_logit = np.log(alive / (1.0 - alive))
    return np.column_stack(
        [
            np.log1p(silence),
            silence / horizon_days,
            np.log1p(silence) - np.log1p(usual),
            np.minimum(silence / usual, MAX_SILENCE_RATIO),
            alive_logit,
            np.log(np.maximum(purchases.orders, 1.0)),
            np.log(purchases.monthly),
            np.log(np.maximum(expected, 1e-6)),
            np.log1p(purchases.average),
        ]
    )


@dataclass(frozen=True)
class ChurnModel:
    """A fitted model: the team frame its features are read in, standardisation, signed weights and
    intercept, for one horizon. Customers are scored in the frame the model learned in, so a feature
    means the same at scoring as in training, and a rescan fits BG/NBD once."""

    team: Team
    horizon_days: int
    trained_days: int
    customers: int
    mean: Floats
    scale: Floats
    weights: Floats
    intercept: float

    def read(self, purchases: Purchases) -> Floats:
        """The feature rows of these customers."""
        return features(purchases, self.team, self.horizon_days)

    def contributions(self, rows: Floats) -> Floats:
        """Each feature's push on the log-odds, against a customer typical of the training history."""
        return ((rows - self.mean) / self.scale) * self.weights

    def probability(self, rows: Floats) -> Floats:
        return np.asarray(
            special.expit(self.intercept + self.contributions(rows).sum(axis=1)), dtype=np.float64
        )

    def by_factor(self, rows: Floats) -> dict[Factor, Floats]:
        pushes = self.contributions(rows)
        return {
            factor: pushes[:, [i for i, (_, owner, _) in enumerate(FEATURES) if owner is factor]].sum(axis=1)
            for factor in Factor
        }


def training_days(first_day: float, today: float, horizon_days: int) -> int | None:
    """How far back the model looks to learn: one horizon, or less when the history is shorter."""
    span = int(today - first_day) - MIN_HISTORY_DAYS
    days = min(horizon_days, span)
    return days if days >= MIN_TRAINING_DAYS else None


def fit(
    rows: Floats, churned: Bools, *, team: Team, horizon_days: int, trained_days: int, seed: int = 0
) -> ChurnModel | None:
    """Signed-weight logistic regression with a light ridge; None when the history cannot support it."""
    outcomes = int(churned.sum())
    if len(rows) < MIN_CUSTOMERS or min(outcomes, len(rows) - outcomes) < MIN_OUTCOMES:
        return None
    sample = _sample(len(rows), seed, SAMPLE)
    x, y = rows[sample], churned[sample].astype(np.float64)
    mean = x.mean(axis=0)
    spread = x.std(axis=0)
    scale = np.where(spread > 1e-9, spread, np.inf)
    z = (x - mean) / scale

    def loss(w: Floats) -> tuple[float, Floats]:
        logit = w[0] + z @ w[1:]
        value = float(np.sum(np.logaddexp(0.0, logit) - y * logit) + PENALTY * np.sum(w[1:] ** 2) / 2)
        residual = special.expit(logit) - y
        gradient = np.concatenate(([residual.sum()], z.T @ residual + PENALTY * w[1:]))
        return value, gradient

    bounds = [(None, None)] + [(0.0, None) if sign > 0 else (None, 0.0) for _, _, sign in FEATURES]
    found = optimize.minimize(loss, np.zeros(len(FEATURES) + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return ChurnModel(
        team=team,
        horizon_days=horizon_days,
        trained_days=trained_days,
        customers=len(rows),
        mean=mean,
        scale=scale,
        weights=np.asarray(found.x[1:], dtype=np.float64),
        intercept=float(found.x[0]),
    )


def learn(then: Purchases, churned: Bools, *, horizon_days: int, trained_days: int) -> ChurnModel | None:
    """Fit on the customers as they stood `trained_days` ago and whether they ordered since."""
    if len(then) == 0:
        return None
    team = read_team(then)
    rows = features(then, team, horizon_days)
    return fit(rows, churned, team=team, horizon_days=horizon_days, trained_days=trained_days)


def _sample(size: int, seed: int, most: int) -> npt.NDArray[np.int64]:
    """Every row, or a fixed random sample of `most`: a fit costs the same for a million customers."""
    if size <= most:
        return np.arange(size, dtype=np.int64)
    return np.sort(np.random.default_rng(seed).choice(size, most, replace=False)).astype(np.int64)
