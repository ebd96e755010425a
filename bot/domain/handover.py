"""Spreading a leaving rep's customers over their successors, evenly by count and fairly by value."""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

TIER_RANK = {"VIP": 0, "A": 1, "B": 2, "C": 3}
RISK_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True, slots=True)
class Holding:
    """A customer about to change hands, with what decides the dealing order."""

    customer_id: int
    tier: str
    risk_level: str | None = None


def dealing_order(holdings: Sequence[Holding]) -> list[Holding]:
    """Most valuable first, the riskier of equal value before the safer, then oldest first."""
    return sorted(
        holdings,
        key=lambda h: (
            TIER_RANK.get(h.tier, len(TIER_RANK)),
            RISK_RANK.get(h.risk_level or "", 3),
            h.customer_id,
        ),
    )


def deal(holdings: Sequence[Holding], loads: Mapping[int, int]) -> dict[int, list[int]]:
    """Customer ids per successor, round-robin with balancing.

    `loads` maps each successor (in the order the manager picked them) to how many customers they
    own already. Customers go out in `dealing_order`, each to whoever holds fewest at that moment
    (ties to the earlier pick): counts end as even as they can be, and VIPs and at-risk accounts
    are spread as well rather than landing on one person.
    """
    if not loads:
        raise ValueError("no successor")
    dealt: dict[int, list[int]] = {successor: [] for successor in loads}
    heap = [(max(load, 0), position, successor) for position, (successor, load) in enumerate(loads.items())]
    heapq.heapify(heap)
    for holding in dealing_order(holdings):
        load, position, successor = heapq.heappop(heap)
        dealt[successor].append(holding.customer_id)
        heapq.heappush(heap, (load + 1, position, successor))
    return dealt
