"""The real-log churn bench: its cutoffs leave each horizon observed, and its rows carry every figure."""

from datetime import timedelta

from bench.churn_logs import REAL_LOGS, cutoffs, row
from bot.analytics import backtest
from bot.domain.churn_data import EPOCH, read_transactions


def test_every_cutoff_leaves_the_whole_horizon_inside_the_log() -> None:
    log = read_transactions(str(REAL_LOGS[0]))
    last = EPOCH + timedelta(days=int(log.day.max()))
    found = cutoffs(log, 182)
    assert found
    assert found == sorted(found, reverse=True)
    assert all(cutoff + timedelta(days=182) <= last for cutoff in found)


def test_a_row_names_the_split_and_all_three_rankings() -> None:
    log = read_transactions(str(REAL_LOGS[0]))
    cutoff = cutoffs(log, 91)[0]
    result = backtest.run(log, cutoff=cutoff, horizon_days=91)
    line = row("cdnow_sample", cutoff, 91, result)
    assert line.startswith(f"cdnow_sample    {cutoff}   91    2357")
    figures = [f"{value:.3f}" for value in (result.auc, result.recency_auc, result.bgnbd_auc)]
    assert all(figure in line for figure in figures)
