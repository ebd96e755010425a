"""A dialog begun before an upgrade goes on after it: the typed drafts read what the previous
release stored (plain JSON under the same keys), and a draft they cannot read starts afresh."""

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from bot.domain.enums import VisitKind, VisitOutcome
from bot.runtime.context import CrmContext
from handlers.common.dialogs import load
from handlers.order.draft import OrderDraft
from handlers.visit.draft import VisitDraft

# As the release before typed drafts wrote them into the persisted dialog data.
OLD_VISIT = {
    "customer_id": 7,
    "customer_name": "Acme",
    "kind": "on_site",
    "outcome": "positive",
    "notes": "met the buyer",
    "lat": 31.2304,
    "lon": 121.4737,
    "acc": 12.5,
    "distance": 22,
    "follow_up": "2026-12-09T01:00:00+00:00",
    "editing": True,
}
OLD_ORDER = {
    "customer_id": 7,
    "customer_name": "Acme",
    "amount": "1250.50",
    "currency": "CNY",
    "product": "Tea, 20 boxes",
    "ordered_at": "2026-12-07T02:00:00+00:00",
}


def context_with(user_data: dict[str, Any]) -> CrmContext:
    return cast(CrmContext, SimpleNamespace(user_data=user_data))


def test_an_old_visit_draft_loads_and_saves_as_the_rep_left_it() -> None:
    draft = load(context_with({"visit": OLD_VISIT}), VisitDraft)
    visit = draft.for_save()
    assert visit is not None
    assert (visit.customer_id, visit.kind, visit.outcome) == (7, VisitKind.ON_SITE, VisitOutcome.POSITIVE)
    assert visit.notes == "met the buyer"
    assert visit.check_in is not None
    assert visit.check_in.distance_m == 22
    assert visit.follow_up_at == datetime(2026, 12, 9, 1, tzinfo=UTC)
    assert draft.editing


def test_an_old_order_draft_loads_with_its_exact_amount() -> None:
    order = load(context_with({"order": OLD_ORDER}), OrderDraft).for_save()
    assert order is not None
    assert order.amount == Decimal("1250.50")
    assert (order.currency, order.product) == ("CNY", "Tea, 20 boxes")
    assert order.ordered_at == datetime(2026, 12, 7, 2, tzinfo=UTC)


def test_a_draft_that_cannot_be_read_starts_afresh() -> None:
    damaged = {"visit": {**OLD_VISIT, "kind": "teleport", "customer_id": "seven"}}
    draft = load(context_with(damaged), VisitDraft)
    assert draft == VisitDraft()
    assert draft.for_save() is None
    assert load(context_with({"order": ["not", "a", "draft"]}), OrderDraft) == OrderDraft()
