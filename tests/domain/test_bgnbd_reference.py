"""The BG/NBD baseline is the published model: on the CDNOW sample, prepared as Fader, Hardie and Lee
(2005) prepared it, the fit and the expected purchases match their figures.

Preparation: purchases on one day are one purchase; the calibration period ends on 30 September
1997; x counts repeat purchases, t_x and T run from the first purchase, in weeks.
"""

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from bot.domain import bgnbd
from bot.domain.churn_data import day_number, histories, read_transactions

CDNOW = Path(__file__).parents[1] / "data" / "cdnow_sample.csv"
CALIBRATION_END = date(1997, 9, 30)
WEEK = 7.0

# Table 1 of the paper, and the same fit to more digits as CLVTools' tests state it.
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
LOG_LIKELIHOOD = -9582.4

Calibration = tuple[np.ndarray, np.ndarray, np.ndarray]


@pytest.fixture(scope="module")
def calibration() -> Calibration:
    cut = day_number(CALIBRATION_END)
    history = histories(read_transactions(str(CDNOW)), cutoff=cut)
    x = history.orders - 1.0
    t_x = (history.last - history.first) / WEEK
    age = (cut - history.first) / WEEK
    return x, t_x, age


def test_the_calibration_data_is_the_papers(calibration: Calibration) -> None:
    x, _, _ = calibration
    assert len(x) == 2357
    assert x.sum() == 2457


@pytest.mark.parametrize("name", PUBLISHED)
def test_each_parameter_is_within_one_percent_of_the_published_fit(
    calibration: Calibration, name: str
) -> None:
    fitted = bgnbd.fit(*calibration)
    assert getattr(fitted, name) == pytest.approx(PUBLISHED[name], rel=0.01)


def test_the_fit_reaches_the_published_likelihood(
    calibration: Calibration,
) -> None:
    fitted = bgnbd.fit(*calibration)
    params = np.array([fitted.r, fitted.alpha, fitted.a, fitted.b])
    assert bgnbd.log_likelihood(params, *calibration) == pytest.approx(LOG_LIKELIHOOD, abs=0.1)


def test_expected_purchases_of_the_papers_example_customer(
    calibration: Calibration,
) -> None:
    """Two repeat purchases, the last at week 30.43, seen for 38.86 weeks: 1.226 in the next 39."""
    fitted = bgnbd.fit(*calibration)
    expected = fitted.expected_purchases(np.array([2.0]), np.array([30.43]), np.array([38.86]), 39.0)
    assert float(expected[0]) == pytest.approx(1.226, rel=0.01)
