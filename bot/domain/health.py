"""An explainable health score: churn risk from each customer's own purchase rhythm, plus service cues.

The heart is a renewal model. A customer's gaps between orders are gamma distributed around their
usual gap; the usual gap and its regularity are learned from their own orders and shrunk toward the
team's rhythm by weight n/(n+k), so a customer with two orders is judged mostly by the team. The
chance that a still-active customer has been silent this long is the gamma survival S(t) (exp(−λt)
for a Poisson buyer); each order may also be their last, with a beta-geometric dropout chance.
Bayes turns the two into P(alive); the score is that probability minus service penalties, and every
component that moves the score adds a reason.

Once a team has history enough, its own fitted model (bot.domain.churn_model) takes over the buying
part: the score is then 100 × P(an order within the horizon), so the risk levels are stated
probabilities, and the reasons are the factors that pushed this customer's probability up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from bot.domain import churn_model
from bot.domain.cadence import cadence_days
from bot.domain.enums import RiskLevel, Stage

Floats = npt.NDArray[np.float64]

NO_ORDER_SCORE = 60.0
MIN_PENALTY = 5.0
RATE_NODES = 64
RATE_SPAN_LOW = 12.0
RATE_SPAN_HIGH = 6.0
MIN_SHAPE = 0.5
MAX_SHAPE = 25.0
HIGH_BELOW = 40
GONE_FROM = 0.9
MEDIUM_BELOW = 70
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class TeamRhythm:
    """What is typical in the team: the prior every customer's rhythm is shrunk toward."""

    usual_gap_days: float = 30.0
    gap_cv: float = 1.0
    prior_orders: float = 2.0
    dropout_a: float = 1.0
    dropout_b: float = 4.0


@dataclass(frozen=True)
class Rating:
    """A CSAT (1–5) or NPS (0–10) answer."""

    score: int
    at: datetime


@dataclass(frozen=True)
class OpenTicket:
    """An unresolved complaint; `overdue_days` is 0 while it is within its deadline, `due_at` the deadline."""

    number: int
    overdue_days: int = 0
    due_at: datetime | None = None


@dataclass(frozen=True)
class Order:
    at: datetime
    amount: Decimal


@dataclass(frozen=True)
class CustomerFacts:
    """Everything the score looks at, gathered by the caller."""

    orders: tuple[Order, ...] = ()
    contacts: tuple[datetime, ...] = ()
    nps: Rating | None = None
    csat: Rating | None = None
    tickets: tuple[OpenTicket, ...] = ()
    follow_up_due: datetime | None = None
    tier: str = "C"
    cadence: Mapping[str, int] | None = None


@dataclass(frozen=True)
class Reason:
    """Why the score moved: a code the card renders with its params in the reader's language."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params}


@dataclass(frozen=True)
class PurchaseRisk:
    """The team model on one customer: P(no order within the horizon) and the factors that raised it,
    each with the score points it costs against a customer typical of the team."""

    probability: float
    factors: tuple[tuple[float, Reason], ...] = ()


def purchase_risks(model: churn_model.ChurnModel, purchases: churn_model.Purchases) -> list[PurchaseRisk]:
    """The model's verdict on each customer, with a reason for every factor that cost 5 points or more
    (and for the costliest one whenever the risk is not low)."""
    pushes = model.by_factor(model.read(purchases))
    factors = list(pushes)
    push = np.column_stack([pushes[factor] for factor in factors])
    logit = model.intercept + push.sum(axis=1)
    probability = np.asarray(special.expit(logit), dtype=np.float64)
    # What each factor costs: the score points it takes against a customer typical of the team.
    cost = np.where(push > 0, 100.0 * (probability[:, None] - special.expit(logit[:, None] - push)), 0.0)
    named = cost >= MIN_PENALTY
    costliest = np.argmax(cost, axis=1)
    unexplained = ~named.any(axis=1) & (cost.max(axis=1) > 0) & (100.0 * (1.0 - probability) < MEDIUM_BELOW)
    named[unexplained, costliest[unexplained]] = True
    team = model.team
    usual = team.usual_gaps(purchases)
    risks: list[PurchaseRisk] = []
    for i in range(len(purchases)):
        kept = sorted(
            ((float(cost[i, j]), factors[j]) for j in np.flatnonzero(named[i])), key=lambda item: -item[0]
        )
        risks.append(
            PurchaseRisk(
                probability=float(probability[i]),
                factors=tuple(
                    (points, _factor_reason(factor, purchases, i, usual=float(usual[i]), team=team))
                    for points, factor in kept
                ),
            )
        )
    return risks


def _factor_reason(
    factor: churn_model.Factor,
    purchases: churn_model.Purchases,
    i: int,
    *,
    usual: float,
    team: churn_model.Team,
) -> Reason:
    orders = int(purchases.orders[i])
    match factor:
        case churn_model.Factor.SILENCE if orders >= 2:
            return Reason("no_order", {"days": int(purchases.silence[i]), "usual": round(usual)})
        case churn_model.Factor.SILENCE:
            return Reason("one_order", {"days": int(purchases.silence[i])})
        case churn_model.Factor.FREQUENCY:
            months = max(1, round(float(purchases.tenure[i]) / DAYS_PER_MONTH))
            return Reason("few_orders", {"orders": orders, "months": months})
        case churn_model.Factor.VALUE:
            return Reason(
                "small_orders",
                {"average": round(float(purchases.average[i]), 2), "typical": round(team.typical_order, 2)},
            )


@dataclass(frozen=True)
class Health:
    """The verdict on one customer; `rfm` is filled by a team-wide pass (see `rfm_scores`)."""

    score: int
    risk: RiskLevel
    reasons: list[Reason]
    actions: list[str]
    stage: Stage
    p_alive: float | None
    usual_gap_days: float | None
    rfm: tuple[int, int, int] | None = None


def shrunk_rhythm(
    orders: Floats, gap_mean: Floats, gap_var: Floats, rhythm: TeamRhythm
) -> tuple[Floats, Floats]:
    """Usual gap and gamma shape per customer, each a blend of own history and team, weight n/(n+k)."""
    gaps = np.maximum(orders - 1.0, 0.0)
    weight = gaps / (gaps + rhythm.prior_orders)
    usual = weight * gap_mean + (1.0 - weight) * rhythm.usual_gap_days
    spread = np.maximum(gaps - 1.0, 0.0)
    own_cv2 = gap_var / np.maximum(gap_mean, 1.0) ** 2 * gaps / np.maximum(spread, 1.0)
    cv_weight = spread / (spread + rhythm.prior_orders)
    cv2 = cv_weight * own_cv2 + (1.0 - cv_weight) * rhythm.gap_cv**2
    shape = np.clip(1.0 / np.maximum(cv2, 1e-6), MIN_SHAPE, MAX_SHAPE)
    return np.maximum(usual, 1.0), shape


def _rate_grid(orders: Floats, usual: Floats, rhythm: TeamRhythm) -> tuple[Floats, Floats]:
    """Rates and weights (customers × nodes) of the posterior Gamma(k + n − 1, (k + n − 1)·usual).

    A log-spaced grid reaching far into slow rates: after a long silence the posterior lives there.
    """
    alpha = rhythm.prior_orders + np.maximum(orders - 1.0, 0.0)
    spread = 1.0 / np.sqrt(alpha)
    steps = np.linspace(-RATE_SPAN_LOW, RATE_SPAN_HIGH, RATE_NODES)
    log_rate = (steps[None, :] * spread[:, None]) - np.log(usual)[:, None]
    rate = np.exp(log_rate)
    log_weight = alpha[:, None] * log_rate - (alpha * usual)[:, None] * rate
    weight = np.exp(log_weight - log_weight.max(axis=1, keepdims=True))
    return rate, weight / weight.sum(axis=1, keepdims=True)


def _silent(elapsed: Floats, grid: tuple[Floats, Floats], shape: Floats) -> Floats:
    """P(the open gap outlasts `elapsed`), averaged over the rate's posterior."""
    rate, weight = grid
    scaled = shape[:, None] * rate * np.maximum(elapsed, 0.0)[:, None]
    return np.asarray((special.gammaincc(shape[:, None], scaled) * weight).sum(axis=1), dtype=np.float64)


def silent_chance(
    elapsed: Floats, orders: Floats, usual: Floats, shape: Floats, rhythm: TeamRhythm
) -> Floats:
    """P(an active customer stays silent this long by chance): exp(−λt) for a Poisson buyer, λ uncertain."""
    return _silent(elapsed, _rate_grid(orders, usual, rhythm), shape)


def _dropout(orders: Floats, rhythm: TeamRhythm) -> Floats:
    """Beta-geometric chance that the last order was the final one; it falls as orders accumulate."""
    return rhythm.dropout_a / (rhythm.dropout_a + rhythm.dropout_b + np.maximum(orders - 1.0, 0.0))


def _alive(silent: Floats, dropout: Floats) -> Floats:
    """Bayes: staying and being silent this long, against having left after the last order."""
    staying = (1.0 - dropout) * silent
    return np.asarray(staying / (staying + dropout), dtype=np.float64)


def p_alive(elapsed: Floats, orders: Floats, usual: Floats, shape: Floats, rhythm: TeamRhythm) -> Floats:
    """P(still a customer) after `elapsed` silent days."""
    return _alive(silent_chance(elapsed, orders, usual, shape, rhythm), _dropout(orders, rhythm))


def churn_probability(
    elapsed: Floats, orders: Floats, usual: Floats, shape: Floats, rhythm: TeamRhythm, horizon: float
) -> Floats:
    """P(no order in the next `horizon` days): gone, or still here and the current gap runs on."""
    grid = _rate_grid(orders, usual, rhythm)
    now = _silent(elapsed, grid, shape)
    later = _silent(elapsed + horizon, grid, shape)
    carries_on = np.where(now > 1e-300, later / np.maximum(now, 1e-300), 1.0)
    alive = _alive(now, _dropout(orders, rhythm))
    return np.asarray(1.0 - alive * (1.0 - np.clip(carries_on, 0.0, 1.0)), dtype=np.float64)


def average_ranks(values: Floats) -> npt.NDArray[np.float64]:
    """Ranks 1..n with ties sharing their average, as `scipy.stats.rankdata` gives them; in numpy,
    because importing scipy.stats would cost the bot process some 45 MB for this one function."""
    values = np.asarray(values)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    first_of_run = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    starts = np.flatnonzero(first_of_run)
    ends = np.append(starts[1:], len(values))
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = ((starts + ends + 1) / 2.0)[np.cumsum(first_of_run) - 1]
    return ranks


def rfm_scores(recency_days: Floats, frequency: Floats, monetary: Floats) -> npt.NDArray[np.int64]:
    """RFM 1–5 each by quintiles within the team (rows of recency, frequency, monetary); 5 is best."""

    def quintile(values: Floats) -> npt.NDArray[np.int64]:
        ranks = average_ranks(values) / max(len(values), 1)
        return np.clip(np.ceil(5 * ranks), 1, 5).astype(np.int64)

    return np.column_stack([quintile(-recency_days), quintile(frequency), quintile(monetary)])


@dataclass(frozen=True)
class OwnRhythm:
    """A customer's own rhythm against their silence: P(alive) now and right after the last order
    (None when the team model judges their buying, and only the usual gap is wanted)."""

    alive: float | None
    fresh: float | None
    usual_gap: float
    elapsed: float


def own_rhythms(
    customers: list[CustomerFacts], *, now: datetime, rhythm: TeamRhythm | None = None, alive: bool = True
) -> list[OwnRhythm | None]:
    """Every customer's own rhythm in one vectorised pass; None for a customer with no order.

    P(alive) is the costly part (a gamma tail over a grid of rates per customer); `alive=False`
    skips it for customers the team model scores.
    """
    rhythm = rhythm or TeamRhythm()
    found: list[OwnRhythm | None] = [None] * len(customers)
    rows, counts, means, variances, elapsed = [], [], [], [], []
    for row, facts in enumerate(customers):
        days = sorted({order.at.date().toordinal() for order in facts.orders})
        if not days:
            continue
        gaps = np.diff(np.array(days, dtype=np.float64))
        rows.append(row)
        counts.append(float(len(days)))
        means.append(float(gaps.mean()) if len(gaps) else 0.0)
        variances.append(float(gaps.var()) if len(gaps) else 0.0)
        elapsed.append(float(now.date().toordinal() - days[-1]))
    if not rows:
        return found
    n = np.array(counts)
    usual, shape = shrunk_rhythm(n, np.array(means), np.array(variances), rhythm)
    if not alive:
        for at, row in enumerate(rows):
            found[row] = OwnRhythm(alive=None, fresh=None, usual_gap=float(usual[at]), elapsed=elapsed[at])
        return found
    both = p_alive(
        np.concatenate([np.array(elapsed), np.zeros(len(n))]),
        np.concatenate([n, n]),
        np.concatenate([usual, usual]),
        np.concatenate([shape, shape]),
        rhythm,
    )
    for at, row in enumerate(rows):
        found[row] = OwnRhythm(
            alive=float(both[at]),
            fresh=float(both[len(n) + at]),
            usual_gap=float(usual[at]),
            elapsed=elapsed[at],
        )
    return found


def score(
    facts: CustomerFacts,
    *,
    now: datetime,
    rhythm: TeamRhythm | None = None,
    purchase: PurchaseRisk | None = None,
    rhythm_of: OwnRhythm | None = None,
) -> Health:
    """Health 0–100 with the reasons behind it, most important first.

    With the team model's `purchase` verdict the buying part is 100 × (1 − its probability), explained
    by its factors, and a fall in spending is not counted again: as a feature of the model it added
    nothing on real logs. Without it, each customer's own rhythm sets the buying part. `rhythm_of`
    is that rhythm computed beforehand for a whole batch (`own_rhythms`).
    """
    rhythm = rhythm or TeamRhythm()
    weighted: list[tuple[float, Reason]] = []
    explained: list[tuple[float, Reason]] = []
    actions: list[str] = []
    days = sorted({order.at.date() for order in facts.orders})
    alive: float | None = None
    usual_gap: float | None = None
    own = rhythm_of or own_rhythms([facts], now=now, rhythm=rhythm, alive=purchase is None)[0]
    if days and own is not None:
        usual_gap, elapsed = own.usual_gap, own.elapsed
        if purchase is not None:
            explained.extend(purchase.factors)
            if any(reason.code in ("no_order", "one_order") for _, reason in purchase.factors):
                actions.append("schedule_visit")
        else:
            if own.alive is None or own.fresh is None:
                own = own_rhythms([facts], now=now, rhythm=rhythm)[0] or own
            alive = own.alive
            silence = 100.0 * (1.0 - (own.alive or 0.0) / (own.fresh or 1.0))
            if silence >= MIN_PENALTY:
                usual_days = round(usual_gap)
                weighted.append((silence, Reason("no_order", {"days": int(elapsed), "usual": usual_days})))
                actions.append("schedule_visit")
        declining = _decline_percent(facts.orders, now=now, usual=usual_gap) if purchase is None else None
        if declining is not None:
            weighted.append((10.0, Reason("orders_declining", {"percent": declining})))
    else:
        weighted.append((0.0, Reason("no_order_ever")))
        actions.append("first_order_offer")
    weighted.extend(_service_penalties(facts, now=now, actions=actions))
    base = 100.0 if days else NO_ORDER_SCORE
    if days and purchase is not None:
        base = 100.0 * (1.0 - purchase.probability)
    exact = min(100.0, max(0.0, base - sum(weight for weight, _ in weighted)))
    value = round(exact)
    reasons = sorted(weighted + explained, key=lambda item: -item[0])
    return Health(
        score=value,
        risk=risk_level(exact),
        reasons=[reason for _, reason in reasons],
        actions=list(dict.fromkeys(actions)),
        stage=stage(
            facts,
            now=now,
            usual=usual_gap,
            alive=alive,
            churn=None if purchase is None else purchase.probability,
        ),
        p_alive=alive,
        usual_gap_days=usual_gap,
    )


def risk_level(value: float) -> RiskLevel:
    """With the team model, high is a 60 % or greater chance of no order within the horizon, medium 30 %."""
    if value < HIGH_BELOW:
        return RiskLevel.HIGH
    if value < MEDIUM_BELOW:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def stage(
    facts: CustomerFacts,
    *,
    now: datetime,
    usual: float | None,
    alive: float | None,
    churn: float | None = None,
) -> Stage:
    """Lifecycle stage from the same facts: no orders, first steps, regular, fading, gone.

    Fading and gone follow the team model's chance of no order within the horizon when there is one
    (over 60 %, the high-risk band, and 90 %), else the customer's own P(alive) (under 50 % and 10 %).
    """
    if not facts.orders or usual is None:
        return Stage.POTENTIAL
    if churn is not None:
        gone, fading = churn >= GONE_FROM, churn > 1.0 - HIGH_BELOW / 100
    else:
        gone, fading = (alive or 0.0) < 0.1, (alive or 0.0) < 0.5
    if gone:
        return Stage.CHURNED
    if fading:
        return Stage.AT_RISK
    order_days = {order.at.date() for order in facts.orders}
    first = min(order_days)
    if len(order_days) < 3 and (now.date() - first).days <= 3 * usual:
        return Stage.NEW
    if len(order_days) >= 6:
        return Stage.LOYAL
    return Stage.ACTIVE


def _decline_percent(orders: tuple[Order, ...], *, now: datetime, usual: float) -> int | None:
    """How far spending in the latest window fell against the one before, if by a third or more."""
    window = max(90.0, 3 * usual)
    recent = sum(o.amount for o in orders if 0 <= (now - o.at).days < window)
    earlier = sum(o.amount for o in orders if window <= (now - o.at).days < 2 * window)
    if earlier <= 0 or recent <= 0:
        return None
    drop = 1 - float(recent / earlier)
    return round(drop * 100) if drop >= 1 / 3 else None


def _service_penalties(
    facts: CustomerFacts, *, now: datetime, actions: list[str]
) -> list[tuple[float, Reason]]:
    """Complaints, low ratings, missed follow-ups and visits past the tier's cadence."""
    found: list[tuple[float, Reason]] = []
    if facts.nps is not None and facts.nps.score <= 6:
        found.append((25.0 if facts.nps.score <= 3 else 15.0, _rating("low_nps", facts.nps)))
        actions.append("call")
    if facts.csat is not None and facts.csat.score <= 2:
        found.append((20.0 if facts.csat.score <= 1 else 12.0, _rating("low_csat", facts.csat)))
        actions.append("call")
    overdue = sorted((t for t in facts.tickets if t.overdue_days > 0), key=lambda t: -t.overdue_days)
    for rank, ticket in enumerate(overdue):
        weight = 15.0 if rank == 0 else 5.0
        params = {"number": ticket.number, "days": ticket.overdue_days, **_due(ticket)}
        found.append((weight, Reason("ticket_overdue", params)))
        actions.append("resolve_ticket")
    waiting = len(facts.tickets) - len(overdue)
    if waiting > 0:
        found.append((min(3.0 * waiting, 9.0), Reason("open_tickets", {"n": waiting})))
    if facts.follow_up_due is not None and (late := (now - facts.follow_up_due).days) >= 1:
        found.append(
            (10.0, Reason("follow_up_overdue", {"days": late, "due": facts.follow_up_due.isoformat()}))
        )
        actions.append("schedule_visit")
    if facts.contacts:
        quiet = (now.date() - max(facts.contacts).date()).days
        if quiet > cadence_days(facts.tier, facts.cadence):
            found.append((5.0, Reason("no_visit", {"days": quiet})))
            actions.append("schedule_visit")
    return found


def _due(ticket: OpenTicket) -> dict[str, str]:
    """The deadline's moment, so the reason says how late it is when read, in the reader's zone."""
    return {"due": ticket.due_at.isoformat()} if ticket.due_at is not None else {}


def _rating(code: str, rating: Rating) -> Reason:
    """The rating with its moment, so each reader sees the day it was in their own time zone."""
    return Reason(code, {"score": rating.score, "date": rating.at.isoformat()})
