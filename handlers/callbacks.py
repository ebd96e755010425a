"""Every inline button the bot writes, with who may press it: the one place its data format lives.

Keyboards write `BUTTON.data(...)`; handlers register `CallbackQueryHandler(fn, pattern=BUTTON)` and
read `BUTTON.parse(query.data)`; the guard finds the button of any press here (via the registered
handlers) and refuses junk, out-of-range ids and other roles' buttons before a handler runs.
"""

from __future__ import annotations

from bot.domain.roles import Role
from handlers.buttons import FIELD_ROLES, ID, MANAGEMENT_ROLES, PAGE, Button

STAFF = FIELD_ROLES | {Role.ADMIN}

# The customer card
OPEN_CUSTOMER = Button("cust:open", customer_id=ID, roles=STAFF)
BACK_TO_CARD = Button("cust:card", customer_id=ID, roles=STAFF)
CUSTOMER_HISTORY = Button("cust:hist", customer_id=ID, page=PAGE, roles=STAFF)
CUSTOMER_MAP = Button("cust:map", customer_id=ID, roles=STAFF)

# Actions under the card that open other features (their other buttons are declared with them)
EDIT_CUSTOMER = Button("cust:edit", customer_id=ID, roles=STAFF)
CUSTOMER_LINK = Button("cust:link", customer_id=ID, roles=STAFF)
START_VISIT = Button("visit:start", customer_id=ID, roles=FIELD_ROLES)
START_ORDER = Button("order:start", customer_id=ID, roles=FIELD_ROLES)
NEW_REMINDER = Button("rem:new", customer_id=ID, roles=FIELD_ROLES)
XFER_PICK = Button("xfer:pick", customer_id=ID, roles=MANAGEMENT_ROLES)
ERASE_ASK = Button("ers:ask", customer_id=ID, roles=MANAGEMENT_ROLES)
