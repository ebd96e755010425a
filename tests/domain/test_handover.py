"""Dealing a leaving rep's customers out: even counts, fair by value, deterministic."""

from __future__ import annotations

import pytest

from bot.domain.handover import Holding, deal, dealing_order


def book(n: int, tier: str = "B") -> list[Holding]:
    return [Holding(customer_id=i, tier=tier) for i in range(1, n + 1)]


def test_one_successor_takes_everything() -> None:
    assert deal(book(3), {7: 0}) == {7: [1, 2, 3]}


def test_counts_end_even_when_everyone_starts_empty() -> None:
    dealt = deal(book(500), {1: 0, 2: 0, 3: 0})
    assert sorted(len(ids) for ids in dealt.values()) == [166, 167, 167]
    assert sorted(i for ids in dealt.values() for i in ids) == list(range(1, 501))


def test_successors_holding_fewer_get_more_until_level() -> None:
    dealt = deal(book(30), {1: 20, 2: 0})
    assert (len(dealt[1]), len(dealt[2])) == (5, 25)
    assert 20 + len(dealt[1]) == len(dealt[2])


def test_ties_go_to_the_earlier_pick() -> None:
    assert deal(book(1), {9: 4, 3: 4}) == {9: [1], 3: []}


def test_vips_and_risky_accounts_are_spread_not_piled_on_one() -> None:
    holdings = [Holding(i, "VIP", "high") for i in range(1, 5)] + [Holding(i, "C") for i in range(5, 13)]
    dealt = deal(holdings, {1: 0, 2: 0})
    vips = {to: [i for i in ids if i <= 4] for to, ids in dealt.items()}
    assert [len(ids) for ids in vips.values()] == [2, 2]


def test_dealing_order_is_value_then_risk_then_age() -> None:
    holdings = [Holding(5, "B", "low"), Holding(4, "B", "high"), Holding(9, "VIP"), Holding(2, "X")]
    assert [h.customer_id for h in dealing_order(holdings)] == [9, 4, 5, 2]


def test_nobody_to_deal_to_is_an_error() -> None:
    with pytest.raises(ValueError, match="no successor"):
        deal(book(2), {})
