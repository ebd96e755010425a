"""What /order has gathered so far, kept under "order" in the rep's dialog data so a restart resumes it.

The field names are the JSON keys earlier releases wrote, so a draft begun before an upgrade loads.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from bot.services.orders import NewOrder
from handlers.common.dialogs import Draft


class OrderDraft(Draft):
    KEY = "order"

    customer_id: int | None = None
    customer_name: str = ""
    # The team's currency until the rep picks another.
    currency: str | None = None
    team_currency: str | None = None
    amount: Decimal | None = None
    product: str | None = None
    ordered_at: datetime | None = None
    # On the summary: each step changed from there returns to it.
    editing: bool = False

    def for_save(self) -> NewOrder | None:
        """The order to store, or None when a step is missing (a Save left from an older dialog)."""
        if (
            self.customer_id is None
            or self.amount is None
            or self.currency is None
            or self.ordered_at is None
        ):
            return None
        return NewOrder(
            customer_id=self.customer_id,
            amount=self.amount,
            currency=self.currency,
            ordered_at=self.ordered_at,
            product=self.product or None,
        )
