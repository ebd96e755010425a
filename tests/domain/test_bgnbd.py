"""The BG/NBD baseline: fitted on histories simulated from the model itself, it finds the parameters back."""

from __future__ import annotations

import numpy as np

from bot.domain import bgnbd

TRUE = bgnbd.BgNbd(r=0.8, alpha=20.0, a=0.8, b=2.5)


def simulate(customers: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x, t_x, age = np.zeros(customers), np.zeros(customers), rng.uniform(100, 400, customers)
    rates = rng.gamma(TRUE.r, 1 / TRUE.alpha, customers)
    dropouts = rng.beta(TRUE.a, TRUE.b, customers)
    for i in range(customers):
        now = 0.0
        while True:
            now += rng.exponential(1 / rates[i])
            if now > age[i]:
                break
            x[i] += 1
            t_x[i] = now
            if rng.random() < dropouts[i]:
                break
    return x, t_x, age


def test_fit_recovers_the_parameters() -> None:
    x, t_x, age = simulate(6000, seed=1)
    model = bgnbd.fit(x, t_x, age)
    assert abs(model.r - TRUE.r) / TRUE.r < 0.2
    assert abs(model.alpha - TRUE.alpha) / TRUE.alpha < 0.25
    assert abs(model.a - TRUE.a) / TRUE.a < 0.3
    assert abs(model.b - TRUE.b) / TRUE.b < 0.4
    assert bgnbd.log_likelihood(
        np.array([model.r, model.alpha, model.a, model.b]), x, t_x, age
    ) >= bgnbd.log_likelihood(np.array([TRUE.r, TRUE.alpha, TRUE.a, TRUE.b]), x, t_x, age)


def test_p_alive() -> None:
    one = np.array([1.0])
    assert TRUE.p_alive(np.array([0.0]), np.array([0.0]), np.array([100.0]))[0] == 1.0
    recent = TRUE.p_alive(np.array([5.0]), np.array([95.0]), np.array([100.0]))[0]
    stale = TRUE.p_alive(np.array([5.0]), np.array([20.0]), np.array([100.0]))[0]
    assert 0 < stale < recent <= 1
    just_bought = TRUE.p_alive(one, one * 100, one * 100)[0]
    assert abs(just_bought - 1 / (1 + TRUE.a / TRUE.b)) < 1e-12


def test_expected_purchases_and_silence_agree() -> None:
    x, t_x, age = np.array([5.0, 5.0, 0.0]), np.array([95.0, 20.0, 0.0]), np.array([100.0, 100.0, 100.0])
    expected = TRUE.expected_purchases(x, t_x, age, 60.0)
    silent = TRUE.p_no_purchase(x, t_x, age, 60.0)
    assert (expected > 0).all()
    assert expected[0] > expected[1]
    assert silent[0] < silent[1]
    assert ((silent >= 0) & (silent <= 1)).all()


def test_expected_purchases_match_a_simulation() -> None:
    rng = np.random.default_rng(3)
    customers, horizon = 200000, 50.0
    rates = rng.gamma(TRUE.r, 1 / TRUE.alpha, customers)
    dropouts = rng.beta(TRUE.a, TRUE.b, customers)
    counts = np.zeros(customers)
    alive = np.ones(customers, dtype=bool)
    now = np.zeros(customers)
    while alive.any():
        now[alive] += rng.exponential(1 / rates[alive])
        alive &= now <= horizon
        counts[alive] += 1
        alive &= rng.random(customers) >= dropouts
    model = TRUE.expected_purchases(np.array([0.0]), np.array([0.0]), np.array([0.0]), horizon)[0]
    assert abs(model - counts.mean()) / counts.mean() < 0.03
