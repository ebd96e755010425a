"""`fieldcrm churn-backtest`: the contract (arguments, output, errors) and the model against BG/NBD."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from bench.backtest import CUTOFF, HORIZON_DAYS, synthetic_rows, write_csv
from bot.analytics import backtest
from bot.domain.churn_data import churned, day_number, histories, parse_rows

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "churn-backtest", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backtest") / "log.csv"
    write_csv(path, synthetic_rows(600, seed=11))
    return path


def test_json_output_is_one_object_with_the_contract_keys(log_file: Path) -> None:
    done = run_cli(
        "--transactions", str(log_file), "--cutoff", "2025-01-01", "--horizon-days", "90", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"auc", "precision_at_10pct", "churn_rate", "customers"} <= set(result)
    assert 0.5 < result["auc"] <= 1
    assert 0 <= result["precision_at_10pct"] <= 1
    assert 0 < result["churn_rate"] < 1
    assert result["customers"] == len(
        {row[0] for row in synthetic_rows(600, seed=11) if row[1] <= "2025-01-01"}
    )


def test_text_output_names_each_figure(log_file: Path) -> None:
    done = run_cli("--transactions", str(log_file), "--cutoff", "2025-01-01", "--horizon-days", "90")
    assert done.returncode == 0, done.stderr
    for label in (
        "customers:",
        "churn rate:",
        "ROC AUC",
        "precision at 10%",
        "churn score",
        "days since last purchase",
        "BG/NBD expected purchases",
        "reliability, by decile of predicted risk",
    ):
        assert label in done.stdout


def test_bom_blank_lines_and_yyyymmdd_dates(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "\ufeffcustomer_id,date,amount\n\n"
        "a,20240101,10\na,2024-02-01,12.5\n\nb,20240110,3\nb,2024-06-02T10:00:00,3\n"
        "c,2024-03-01,7\na,20240701,9\n",
        encoding="utf-8",
    )
    done = run_cli(
        "--transactions", str(path), "--cutoff", "2024-06-01", "--horizon-days", "60", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["customers"] == 3
    assert result["churn_rate"] == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("customer_id,date,amount\na,2024-01-01,10\nb,2024-13-01,5\n", "row 3: bad date '2024-13-01'"),
        ("customer_id,date,amount\na,2024-01-01,ten\n", "row 2: bad amount 'ten'"),
        ("customer_id,date,amount\na,2024-01-01\n", "row 2: expected customer_id,date,amount"),
        ("id,when,total\na,2024-01-01,10\n", "row 1: expected the header customer_id,date,amount"),
    ],
)
def test_bad_rows_are_one_clear_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "log.csv"
    path.write_text(content, encoding="utf-8")
    done = run_cli("--transactions", str(path), "--cutoff", "2024-06-01", "--horizon-days", "30")
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


def test_auc_is_null_when_nobody_stays(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("customer_id,date,amount\na,2024-01-01,10\nb,2024-01-03,5\n", encoding="utf-8")
    done = run_cli(
        "--transactions", str(path), "--cutoff", "2024-02-01", "--horizon-days", "30", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result == {
        "auc": None,
        "precision_at_10pct": 1.0,
        "churn_rate": 1.0,
        "customers": 2,
        "bgnbd_auc": None,
        "bgnbd_precision_at_10pct": 1.0,
        "recency_auc": None,
        "recency_precision_at_10pct": 1.0,
        "reliability": [
            {"decile": 1, "customers": 1, "predicted": pytest.approx(0.5, abs=0.5), "observed": 1.0},
            {"decile": 2, "customers": 1, "predicted": pytest.approx(0.5, abs=0.5), "observed": 1.0},
        ],
        "levels": result["levels"],
        "model": "each customer's own rhythm; the history before the cutoff is too short for the team model",
    }
    assert [(level["level"], level["from"]) for level in result["levels"]] == [
        ("high", 0.6),
        ("medium", 0.3),
        ("low", 0.0),
    ]
    assert sum(level["customers"] for level in result["levels"]) == 2
    for level in result["levels"]:
        assert level["observed"] == (1.0 if level["customers"] else None)


def test_cutoff_before_every_transaction(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("customer_id,date,amount\na,2024-01-01,10\n", encoding="utf-8")
    done = run_cli("--transactions", str(path), "--cutoff", "2023-01-01", "--horizon-days", "30")
    assert done.returncode == 2
    assert "no transactions on or before the cutoff" in done.stderr


def test_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    missing = run_cli(
        "--transactions", str(tmp_path / "nope.csv"), "--cutoff", "2024-06-01", "--horizon-days", "30"
    )
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
    assert run_cli("--transactions", "x.csv", "--cutoff", "June", "--horizon-days", "30").returncode == 2
    assert run_cli("--transactions", "x.csv", "--cutoff", "2024-06-01", "--horizon-days", "0").returncode == 2


def test_the_reliability_table_covers_every_customer_once(log_file: Path) -> None:
    done = run_cli(
        "--transactions", str(log_file), "--cutoff", "2025-01-01", "--horizon-days", "90", "--format", "json"
    )
    result = json.loads(done.stdout)
    deciles = result["reliability"]
    assert len(deciles) == 10
    assert sum(decile["customers"] for decile in deciles) == result["customers"]
    predicted = [decile["predicted"] for decile in deciles]
    assert predicted == sorted(predicted)
    observed = sum(decile["observed"] * decile["customers"] for decile in deciles) / result["customers"]
    assert observed == pytest.approx(result["churn_rate"])


def test_help_describes_the_command() -> None:
    done = run_cli("--help")
    assert done.returncode == 0
    assert "--horizon-days" in done.stdout


MIXES = {
    "bgnbd-like": (1.0, 0.0, 0.0, 0.0),
    "regular": (0.0, 1.0, 0.0, 0.0),
    "mixed": (0.4, 0.3, 0.1, 0.2),
    "fading-and-seasonal": (0.2, 0.2, 0.3, 0.3),
}


@pytest.mark.parametrize("mix", MIXES.values(), ids=MIXES.keys())
@pytest.mark.parametrize("seed", [1, 2])
def test_ranks_synthetic_churners_about_as_well_as_bgnbd(mix: tuple[float, ...], seed: int) -> None:
    """Generated histories only check the mechanics; the claim to beat the baselines rests on real logs
    (tests/test_churn_on_real_logs.py)."""
    rows = synthetic_rows(4000, seed=seed, mix=mix)
    log = parse_rows([["customer_id", "date", "amount"], *([*row] for row in rows)])
    result = backtest.run(log, cutoff=CUTOFF, horizon_days=HORIZON_DAYS)
    assert result.auc >= result.bgnbd_auc - 0.01
    assert result.auc > 0.65
    assert result.precision_at_10pct > result.churn_rate


def test_histories_count_one_order_per_day_and_ignore_the_future() -> None:
    log = parse_rows(
        [
            ["customer_id", "date", "amount"],
            ["a", "2024-01-01", "1"],
            ["a", "2024-01-01", "2"],
            ["a", "2024-01-11", "1"],
            ["a", "2024-01-31", "1"],
            ["a", "2024-03-01", "1"],
            ["b", "2024-01-20", "1"],
        ]
    )
    history = histories(log, cutoff=day_number(date(2024, 2, 1)))
    assert history.orders.tolist() == [3.0, 1.0]
    assert history.gap_mean.tolist() == [15.0, 0.0]
    assert history.gap_var.tolist() == [25.0, 0.0]
    assert history.elapsed.tolist() == [1.0, 12.0]
    assert churned(log, history.customer, cutoff=day_number(date(2024, 2, 1)), horizon_days=30).tolist() == [
        False,
        True,
    ]


def test_metrics() -> None:
    churn = np.array([True, True, False, False])
    assert backtest.roc_auc(np.array([0.9, 0.8, 0.2, 0.1]), churn) == 1.0
    assert backtest.roc_auc(np.array([0.5, 0.5, 0.5, 0.5]), churn) == 0.5
    assert backtest.precision_at(np.array([0.9, 0.1, 0.8, 0.2]), churn, 0.25) == 1.0
