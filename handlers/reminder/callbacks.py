"""The buttons of /remind and the Done / Snooze buttons of a reminder's push; NEW_REMINDER is shown
under the card."""

from __future__ import annotations

from bot.services.reminders import Later
from handlers.common.buttons import BIG_ID, FIELD_ROLES, ID, PAGE, Button, OneOf

NEW_REMINDER = Button("rem:new", customer_id=ID, roles=FIELD_ROLES)

# The customer picker; its Cancel is the dialog's Cancel
REMIND_PICK = Button("rem:pick", customer_id=ID, roles=FIELD_ROLES)
REMIND_PAGE = Button("rem:page", page=PAGE, roles=FIELD_ROLES)
REMIND_CANCEL = Button("rem:cancel", roles=FIELD_ROLES)

REMIND_ABOUT_CUSTOMER = Button("rem:for:cust", roles=FIELD_ROLES)
REMIND_FOR_ME = Button("rem:for:me", roles=FIELD_ROLES)
REMIND_WHEN = Button("rem:when", choice=OneOf.of(Later), roles=FIELD_ROLES)
REMINDER_DONE = Button("rem:done", reminder_id=BIG_ID, roles=FIELD_ROLES)
REMINDER_SNOOZE = Button("rem:snz", reminder_id=BIG_ID, choice=OneOf.of(Later), roles=FIELD_ROLES)

# A holiday greeting's list of all the reader's customers, and its pages.
GREET_LIST = Button("greet:all", roles=FIELD_ROLES)
GREET_PAGE = Button("greet:page", page=PAGE, roles=FIELD_ROLES)
