"""The buttons of /order; START_ORDER is shown under the card."""

from __future__ import annotations

from bot.domain.money import CURRENCIES
from handlers.common.buttons import FIELD_ROLES, ID, PAGE, Button, OneOf

START_ORDER = Button("order:start", customer_id=ID, roles=FIELD_ROLES)

# The customer picker; its Cancel is the dialog's Cancel
ORDER_PICK = Button("order:pick", customer_id=ID, roles=FIELD_ROLES)
ORDER_PAGE = Button("order:page", page=PAGE, roles=FIELD_ROLES)
ORDER_CANCEL = Button("order:cancel", roles=FIELD_ROLES)

ORDER_STEPS = ("amount", "currency", "product", "date")
ORDER_CURRENCY = Button("order:cur", code=OneOf.of(CURRENCIES), roles=FIELD_ROLES)
# The team's own currency when it is not one of CURRENCIES (read from the draft, not the press)
ORDER_TEAM_CURRENCY = Button("order:curteam", roles=FIELD_ROLES)
ORDER_SKIP_PRODUCT = Button("order:prod:skip", roles=FIELD_ROLES)
ORDER_DATE = Button("order:date", day=OneOf.of(("today", "yesterday")), roles=FIELD_ROLES)
ORDER_SAVE = Button("order:save", roles=FIELD_ROLES)
ORDER_EDIT = Button("order:edit", roles=FIELD_ROLES)
ORDER_GOTO = Button("order:goto", step=OneOf.of(ORDER_STEPS), roles=FIELD_ROLES)
