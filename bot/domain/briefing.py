"""What a successor needs to hear about the customers handed to them, boiled down to one message.

However many customers arrive, the briefing is the same size: counts by stage and risk, the open
items, and the few customers to look at first (the most urgent at-risk ones, or else the most
valuable), each with the reasons behind its score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.handover import RISK_RANK, TIER_RANK

STAGES = ("potential", "new", "active", "loyal", "at_risk", "churned")
RISKS = ("high", "medium", "low")


@dataclass(frozen=True, slots=True)
class BriefItem:
    """One customer as its new owner first reads it."""

    customer_id: int
    name: str
    company: str | None
    tier: str
    stage: str
    health_score: int | None
    risk_level: str | None
    reasons: list[Any] = field(default_factory=list)
    last_visit_at: datetime | None = None
    open_tickets: int = 0
    open_reminders: int = 0

    @property
    def needs_attention(self) -> bool:
        """At risk by score or stage, or someone is waiting for an answer."""
        return self.risk_level in ("high", "medium") or self.stage == "at_risk" or self.open_tickets > 0


@dataclass(frozen=True, slots=True)
class Briefing:
    total: int
    by_stage: dict[str, int]
    by_risk: dict[str, int]
    unscored: int
    open_tickets: int
    open_reminders: int
    never_visited: int
    # The customers to lead with, at most `top`: those needing attention, most urgent first...
    attention: list[BriefItem]
    # ...and how many more need it than are shown.
    more_attention: int
    # When nobody needs attention: the most valuable ones instead.
    valuable: list[BriefItem]


def urgency(item: BriefItem) -> tuple[int, int, int, int, str, int]:
    """Sort key, most urgent first: risk, then lower health, more open tickets, higher tier."""
    return (
        RISK_RANK.get(item.risk_level or "", len(RISK_RANK)),
        item.health_score if item.health_score is not None else 101,
        -item.open_tickets,
        TIER_RANK.get(item.tier, len(TIER_RANK)),
        item.name,
        item.customer_id,
    )


def value(item: BriefItem) -> tuple[int, str, int]:
    return (TIER_RANK.get(item.tier, len(TIER_RANK)), item.name, item.customer_id)


def summarize(items: Sequence[BriefItem], *, top: int) -> Briefing:
    """The briefing over `items`; the lists hold at most `top` customers each."""
    stages = Counter(item.stage for item in items)
    risks = Counter(item.risk_level for item in items if item.risk_level in RISKS)
    urgent = sorted((item for item in items if item.needs_attention), key=urgency)
    return Briefing(
        total=len(items),
        by_stage={stage: stages[stage] for stage in STAGES if stages[stage]},
        by_risk={risk: risks[risk] for risk in RISKS if risks[risk]},
        unscored=sum(1 for item in items if item.risk_level not in RISKS),
        open_tickets=sum(item.open_tickets for item in items),
        open_reminders=sum(item.open_reminders for item in items),
        never_visited=sum(1 for item in items if item.last_visit_at is None),
        attention=urgent[:top],
        more_attention=max(len(urgent) - top, 0),
        valuable=[] if urgent else sorted(items, key=value)[:top],
    )
