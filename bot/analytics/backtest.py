"""`fieldcrm churn-backtest`: how well the churn score ranks the customers who really stopped buying.

Every customer with a transaction up to the cutoff is scored from that history alone; those with no
transaction in (cutoff, cutoff + horizon] are the churners. Two baselines rank the same split: days
since the last purchase (longest first), and BG/NBD fitted on the same history as the published model
is scored, by the purchases it expects in the horizon (fewest first). The score is the team model
fitted as production fits it, on the history one horizon before the cutoff, or each customer's own
rhythm when that history is too short. The reliability table sets the predicted churn probability
beside the churn observed, per decile of predicted risk and per risk level.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy import stats

from bot.domain import bgnbd, churn_model
from bot.domain.churn_data import Histories, Transactions, churned, day_number, histories
from bot.domain.health import HIGH_BELOW, MEDIUM_BELOW, TeamRhythm, churn_probability, shrunk_rhythm

Floats = npt.NDArray[np.float64]

# A health score below 40 is high risk and below 70 medium: probabilities of 60 % and 30 %.
HIGH_FROM = 1.0 - HIGH_BELOW / 100
MEDIUM_FROM = 1.0 - MEDIUM_BELOW / 100


@dataclass(frozen=True)
class Decile:
    """One tenth of the customers by predicted risk: what the score said, and what happened."""

    customers: int
    predicted: float
    observed: float


@dataclass(frozen=True)
class Level:
    """The customers a risk level holds: the probabilities that put them there, and what happened."""

    name: str
    low: float
    customers: int
    predicted: float | None
    observed: float | None


@dataclass(frozen=True)
class Backtest:
    auc: float
    precision_at_10pct: float
    churn_rate: float
    customers: int
    bgnbd_auc: float
    bgnbd_precision_at_10pct: float
    recency_auc: float
    recency_precision_at_10pct: float
    reliability: tuple[Decile, ...]
    levels: tuple[Level, ...]
    model: str

    def as_json(self) -> str:
        return json.dumps(
            {
                "auc": _figure(self.auc),
                "precision_at_10pct": _figure(self.precision_at_10pct),
                "churn_rate": _figure(self.churn_rate),
                "customers": self.customers,
                "bgnbd_auc": _figure(self.bgnbd_auc),
                "bgnbd_precision_at_10pct": _figure(self.bgnbd_precision_at_10pct),
                "recency_auc": _figure(self.recency_auc),
                "recency_precision_at_10pct": _figure(self.recency_precision_at_10pct),
                "reliability": [
                    {
                        "decile": number,
                        "customers": decile.customers,
                        "predicted": _figure(decile.predicted),
                        "observed": _figure(decile.observed),
                    }
                    for number, decile in enumerate(self.reliability, start=1)
                ],
                "levels": [
                    {
                        "level": level.name,
                        "from": _figure(level.low),
                        "customers": level.customers,
                        "predicted": None if level.predicted is None else _figure(level.predicted),
                        "observed": None if level.observed is None else _figure(level.observed),
                    }
                    for level in self.levels
                ],
                "model": self.model,
            }
        )

    def as_text(self) -> str:
        lines = [
            f"customers:           {self.customers}",
            f"churn rate:          {self.churn_rate:.3f}",
            "",
            "                           ROC AUC   precision at 10%",
            f"churn score               {self.auc:7.3f}   {self.precision_at_10pct:16.3f}",
            f"days since last purchase  {self.recency_auc:7.3f}   {self.recency_precision_at_10pct:16.3f}",
            f"BG/NBD expected purchases {self.bgnbd_auc:7.3f}   {self.bgnbd_precision_at_10pct:16.3f}",
            f"(churn score: {self.model})",
            "",
            "reliability, by decile of predicted risk (1 = safest)",
            "decile  customers  predicted  observed",
        ]
        lines += [
            f"{number:6d}  {decile.customers:9d}  {decile.predicted:9.3f}  {decile.observed:8.3f}"
            for number, decile in enumerate(self.reliability, start=1)
        ]
        lines += [
            "",
            "risk levels (predicted probability of no purchase in the horizon)",
            "level   from  customers  predicted  observed",
        ]
        lines += [
            f"{level.name:6s}  {level.low:4.0%}  {level.customers:9d}  "
            f"{_cell(level.predicted):>9s}  {_cell(level.observed):>8s}"
            for level in self.levels
        ]
        return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _figure(value: float) -> float | None:
    """A rounded figure; AUC is undefined (null) when everyone churned or nobody did."""
    return None if math.isnan(value) else round(value, 6)


def team_rhythm(history: Histories, fitted: bgnbd.BgNbd | None) -> TeamRhythm:
    """The team's typical gap and regularity, from customers with enough orders to show them.

    A fitted BG/NBD lends its empirical-Bayes priors: the gamma shape r of purchase rates is how many
    orders the team's rhythm is worth, and Beta(a, b) is the dropout chance.
    """
    repeat = history.orders >= 2
    usual = float(np.median(history.gap_mean[repeat])) if repeat.any() else 30.0
    steady = history.orders >= 4
    gaps = history.orders[steady] - 1.0
    cv2 = history.gap_var[steady] / np.maximum(history.gap_mean[steady], 1.0) ** 2 * gaps / (gaps - 1.0)
    cv = float(np.sqrt(np.mean(np.clip(cv2, 0.0, 4.0)))) if steady.sum() >= 10 else 1.0
    if fitted is None:
        return TeamRhythm(usual_gap_days=max(usual, 1.0), gap_cv=max(cv, 0.2))
    return TeamRhythm(
        usual_gap_days=max(usual, 1.0),
        gap_cv=max(cv, 0.2),
        prior_orders=min(max(fitted.r, 0.3), 5.0),
        dropout_a=fitted.a,
        dropout_b=fitted.b,
    )


def risk_scores(history: Histories, rhythm: TeamRhythm, horizon_days: int) -> Floats:
    """Churn probability over the horizon for every customer in `history`."""
    usual, shape = shrunk_rhythm(history.orders, history.gap_mean, history.gap_var, rhythm)
    return churn_probability(history.elapsed, history.orders, usual, shape, rhythm, float(horizon_days))


def roc_auc(risk: Floats, churn: npt.NDArray[np.bool_]) -> float:
    """Probability a random churner is ranked above a random stayer (ties count half)."""
    positives = int(churn.sum())
    negatives = len(churn) - positives
    if positives == 0 or negatives == 0:
        return math.nan
    ranks = stats.rankdata(risk)
    return float((ranks[churn].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def precision_at(risk: Floats, churn: npt.NDArray[np.bool_], share: float) -> float:
    top = max(1, math.ceil(share * len(risk)))
    riskiest = np.argsort(-risk, kind="stable")[:top]
    return float(churn[riskiest].mean())


def reliability(risk: Floats, churn: npt.NDArray[np.bool_], groups: int = 10) -> tuple[Decile, ...]:
    """Customers split into `groups` equal parts by predicted risk, safest first."""
    order = np.argsort(risk, kind="stable")
    return tuple(
        Decile(customers=len(part), predicted=float(risk[part].mean()), observed=float(churn[part].mean()))
        for part in np.array_split(order, min(groups, len(order)))
    )


def levels(risk: Floats, churn: npt.NDArray[np.bool_]) -> tuple[Level, ...]:
    """Customers by the risk level their probability gives them: high, medium, low."""
    bounds = (("high", HIGH_FROM, 1.01), ("medium", MEDIUM_FROM, HIGH_FROM), ("low", 0.0, MEDIUM_FROM))
    found = []
    for name, low, high in bounds:
        inside = (risk >= low) & (risk < high)
        count = int(inside.sum())
        found.append(
            Level(
                name=name,
                low=low,
                customers=count,
                predicted=float(risk[inside].mean()) if count else None,
                observed=float(churn[inside].mean()) if count else None,
            )
        )
    return tuple(found)


def run(log: Transactions, *, cutoff: date, horizon_days: int) -> Backtest:
    cut = day_number(cutoff)
    history = histories(log, cutoff=cut)
    if len(history.customer) == 0:
        raise ValueError("no transactions on or before the cutoff")
    churn = churned(log, history.customer, cutoff=cut, horizon_days=horizon_days)
    # As the BG/NBD paper measures them: repeat purchases, and times from the first purchase.
    x = history.orders - 1.0
    t_x = history.last - history.first
    age = cut - history.first
    try:
        baseline: bgnbd.BgNbd | None = bgnbd.fit(x, t_x, age)
    except (ValueError, FloatingPointError):
        baseline = None
    model = _team_model(log, cut=cut, horizon_days=horizon_days)
    if model is None:
        risk = risk_scores(history, team_rhythm(history, baseline), horizon_days)
        how = "each customer's own rhythm; the history before the cutoff is too short for the team model"
    else:
        how = (
            f"team model fitted on {model.customers} customers "
            f"over the {model.trained_days} days before the cutoff"
        )
        risk = model.probability(model.read(purchases(log, history)))
    expected = baseline.expected_purchases(x, t_x, age, float(horizon_days)) if baseline else np.zeros(len(x))
    baseline_risk = -expected
    recency = (cut - history.last).astype(np.float64)
    return Backtest(
        auc=roc_auc(risk, churn),
        precision_at_10pct=precision_at(risk, churn, 0.10),
        churn_rate=float(churn.mean()),
        customers=len(history.customer),
        bgnbd_auc=roc_auc(baseline_risk, churn),
        bgnbd_precision_at_10pct=precision_at(baseline_risk, churn, 0.10),
        recency_auc=roc_auc(recency, churn),
        recency_precision_at_10pct=precision_at(recency, churn, 0.10),
        reliability=reliability(risk, churn),
        levels=levels(risk, churn),
        model=how,
    )


def purchases(log: Transactions, history: Histories) -> churn_model.Purchases:
    """The order aggregates the team model reads, from a log's histories as of their day."""
    before = log.day <= history.today
    spend = np.bincount(log.customer[before], weights=log.amount[before], minlength=len(log.customers))
    return churn_model.Purchases(
        today=float(history.today),
        orders=history.orders,
        first=history.first,
        last=history.last,
        total=np.asarray(spend[history.customer], dtype=np.float64),
    )


def _team_model(log: Transactions, *, cut: int, horizon_days: int) -> churn_model.ChurnModel | None:
    """The model as production fits it: on the customers one horizon (or less) before the cutoff."""
    days = churn_model.training_days(float(log.day.min()), float(cut), horizon_days)
    if days is None:
        return None
    then = histories(log, cutoff=cut - days)
    if len(then.customer) == 0:
        return None
    lapsed = churned(log, then.customer, cutoff=cut - days, horizon_days=days)
    return churn_model.learn(purchases(log, then), lapsed, horizon_days=horizon_days, trained_days=days)
