"""The Beta-Geometric/NBD model (Fader, Hardie & Lee, 2005): the baseline our churn score must beat.

Each customer buys as a Poisson process with a gamma-distributed rate and may drop out after any
purchase with a beta-distributed probability. Fitted by maximum likelihood on (x, t_x, T): repeat
purchases, time of the last purchase and age, all measured from the first purchase.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

Array = npt.NDArray[np.float64]

MAX_ITERATIONS = 800


@dataclass(frozen=True)
class BgNbd:
    """Fitted parameters: purchase rate ~ Gamma(r, alpha), dropout probability ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    def p_alive(self, x: Array, t_x: Array, age: Array) -> Array:
        """P(the customer is still active at `age`), eq. (11) of the paper."""
        ratio = np.exp((self.r + x) * (np.log(self.alpha + age) - np.log(self.alpha + t_x)))
        dead_odds = np.where(x > 0, self.a / (self.b + np.maximum(x, 1.0) - 1.0) * ratio, 0.0)
        return np.asarray(1.0 / (1.0 + dead_odds), dtype=np.float64)

    def p_no_purchase(self, x: Array, t_x: Array, age: Array, horizon: float) -> Array:
        """P(no purchase in (age, age + horizon]): dead, or alive and silent by chance."""
        silent = np.exp((self.r + x) * (np.log(self.alpha + age) - np.log(self.alpha + age + horizon)))
        return np.asarray(1.0 - self.p_alive(x, t_x, age) * (1.0 - silent), dtype=np.float64)

    def expected_purchases(self, x: Array, t_x: Array, age: Array, horizon: float) -> Array:
        """Expected purchases in (age, age + horizon], eq. (10) of the paper."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = horizon / (alpha + age + horizon)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1.0, z)
        head = (a + b + x - 1.0) / (a - 1.0)
        body = 1.0 - ((alpha + age) / (alpha + age + horizon)) ** (r + x) * hyp
        ratio = ((alpha + age) / (alpha + t_x)) ** (r + x)
        dead_odds = np.where(x > 0, a / (b + np.maximum(x, 1.0) - 1.0) * ratio, 0.0)
        return np.asarray(head * body / (1.0 + dead_odds), dtype=np.float64)


def log_likelihood(params: Array, x: Array, t_x: Array, age: Array) -> float:
    """Total log-likelihood of (r, alpha, a, b) over all customers, eq. (6) of the paper."""
    r, alpha, a, b = params
    common = (
        special.gammaln(r + x)
        - special.gammaln(r)
        + r * np.log(alpha)
        + special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    alive = -(r + x) * np.log(alpha + age)
    safe_x = np.maximum(x, 1.0)
    dropped = np.log(a) - np.log(b + safe_x - 1.0) - (r + x) * np.log(alpha + t_x)
    total = np.where(x > 0, np.logaddexp(alive, dropped), alive)
    return float(np.sum(common + total))


def fit(x: Array, t_x: Array, age: Array) -> BgNbd:
    """Maximum-likelihood parameters; optimised on log scale so they stay positive."""
    scale = max(float(np.mean(age)), 1e-9)
    xs, ts, ages = x, t_x / scale, age / scale

    def objective(log_params: Array) -> float:
        value = -log_likelihood(np.exp(log_params), xs, ts, ages)
        return value if np.isfinite(value) else 1e300

    # A simplex search finds the basin, then a bounded quasi-Newton step polishes it. The search is
    # capped: on a team of perfectly regular buyers, whose optimum lies far out on a flat ridge, it
    # would otherwise wander for a minute.
    result = optimize.minimize(
        objective, np.zeros(4), method="Nelder-Mead", options={"maxiter": MAX_ITERATIONS}
    )
    result = optimize.minimize(objective, result.x, method="L-BFGS-B", bounds=[(-9.0, 9.0)] * 4)
    r, alpha, a, b = np.exp(result.x)
    return BgNbd(r=float(r), alpha=float(alpha) * scale, a=float(a), b=float(b))
