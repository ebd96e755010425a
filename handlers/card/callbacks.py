"""The card's own buttons; the actions under it are declared by the features that take them."""

from __future__ import annotations

from handlers.common.buttons import ID, PAGE, STAFF, Button

OPEN_CUSTOMER = Button("cust:open", customer_id=ID, roles=STAFF)
BACK_TO_CARD = Button("cust:card", customer_id=ID, roles=STAFF)
CUSTOMER_HISTORY = Button("cust:hist", customer_id=ID, page=PAGE, roles=STAFF)
CUSTOMER_MAP = Button("cust:map", customer_id=ID, roles=STAFF)
