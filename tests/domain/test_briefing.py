"""A successor's briefing: the same size however many customers, the urgent ones first."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.briefing import BriefItem, summarize

SEEN = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)


def item(customer_id: int, **fields: object) -> BriefItem:
    values: dict[str, object] = {
        "customer_id": customer_id,
        "name": f"Customer {customer_id:03d}",
        "company": None,
        "tier": "B",
        "stage": "active",
        "health_score": 80,
        "risk_level": "low",
        "last_visit_at": SEEN,
    }
    values.update(fields)
    return BriefItem(**values)  # type: ignore[arg-type]


def test_counts_by_stage_risk_and_open_items() -> None:
    items = [
        item(1, stage="loyal", open_reminders=2),
        item(2, stage="at_risk", risk_level="high", health_score=20, open_tickets=1),
        item(3, stage="potential", risk_level=None, health_score=None, last_visit_at=None),
    ]
    summary = summarize(items, top=10)
    assert summary.total == 3
    assert summary.by_stage == {"potential": 1, "loyal": 1, "at_risk": 1}
    assert summary.by_risk == {"high": 1, "low": 1}
    assert summary.unscored == 1
    assert (summary.open_tickets, summary.open_reminders, summary.never_visited) == (1, 2, 1)


def test_the_most_urgent_come_first_and_the_rest_are_counted() -> None:
    items = [item(i) for i in range(1, 401)]
    items += [item(500 + i, risk_level="medium", health_score=50 - i) for i in range(20)]
    items += [item(900, risk_level="high", health_score=60), item(901, risk_level="low", open_tickets=2)]
    summary = summarize(items, top=5)
    assert [i.customer_id for i in summary.attention] == [900, 519, 518, 517, 516]
    assert summary.more_attention == 17
    assert summary.valuable == []


def test_when_nobody_needs_attention_the_most_valuable_lead() -> None:
    items = [item(1, tier="C"), item(2, tier="VIP"), item(3, tier="A")]
    summary = summarize(items, top=2)
    assert summary.attention == []
    assert [i.customer_id for i in summary.valuable] == [2, 3]


def test_an_empty_handover_is_an_empty_briefing() -> None:
    summary = summarize([], top=5)
    assert (summary.total, summary.by_stage, summary.attention, summary.valuable) == (0, {}, [], [])
