"""The buttons of /new, of editing a customer, of the customer's link and of erasing their data.

EDIT_CUSTOMER, CUSTOMER_LINK and ERASE_ASK are shown under the card.
"""

from __future__ import annotations

import re

from bot.domain.customer_fields import Field
from bot.domain.enums import Tier
from handlers.common.buttons import FIELD_ROLES, ID, MANAGEMENT_ROLES, STAFF, Button, OneOf, Token

EDIT_CUSTOMER = Button("cust:edit", customer_id=ID, roles=STAFF)
CUSTOMER_LINK = Button("cust:link", customer_id=ID, roles=STAFF)
ERASE_ASK = Button("ers:ask", customer_id=ID, roles=MANAGEMENT_ROLES)

# Erasing a customer's personal data: the last step carries a one-time code
ERASE_SURE = Button("ers:sure", customer_id=ID, roles=MANAGEMENT_ROLES)
ERASE_DO = Button("ers:do", customer_id=ID, code=Token(re.compile(r"[0-9a-f]{8}")), roles=MANAGEMENT_ROLES)
ERASE_CANCEL = Button("ers:cancel", roles=MANAGEMENT_ROLES)

# /new: Skip names the field it skips, so a Skip left on an earlier question cannot skip the current one
NEW_SKIP = Button("new:skip", field=OneOf.of(Field), roles=FIELD_ROLES)
NEW_TIER = Button("new:tier", tier=OneOf.of(Tier), roles=FIELD_ROLES)
NEW_TRANSFER = Button("new:transfer", customer_id=ID, roles=FIELD_ROLES)
NEW_ANYWAY = Button("new:anyway", roles=FIELD_ROLES)
# The early duplicate warning names the step it followed, so an old warning cannot pass a later one
NEW_CONTINUE = Button("new:go", field=OneOf.of((Field.NAME, Field.PHONE)), roles=FIELD_ROLES)
NEW_CANCEL = Button("new:cancel", roles=FIELD_ROLES)

# Editing a customer
EDIT_FIELD = Button("cust:ef", customer_id=ID, field=OneOf.of(Field), roles=STAFF)
EDIT_TIER = Button("cust:et", tier=OneOf.of(Tier), roles=STAFF)
EDIT_CLEAR = Button("cust:eclear", roles=STAFF)
EDIT_CANCEL = Button("cust:ecancel", roles=STAFF)
