"""The buttons of /complaint, of a ticket's customer and of its staff card (handlers/ticket/pushes.py
puts many of them under the ticket's pushes)."""

from __future__ import annotations

from bot.domain.enums import TicketSeverity
from bot.domain.roles import Role
from bot.services.tickets import CATEGORIES
from handlers.common.buttons import ID, MANAGEMENT_ROLES, STAFF, Button, OneOf

COMPLAINT_CATEGORY = Button("tkt:cat", category=OneOf.of(CATEGORIES), roles={Role.CUSTOMER})
SKIP_COMPLAINT_PHOTO = Button("tkt:skip", roles={Role.CUSTOMER})
CANCEL_COMPLAINT = Button("tkt:cancel", roles={Role.CUSTOMER})

# The customer's buttons
WRITE_TO_TICKET = Button("tkt:ans", ticket_id=ID, roles={Role.CUSTOMER})
ADD_TO_TICKET = Button("tkt:add", ticket_id=ID, roles={Role.CUSTOMER})
TICKET_SETTLED = Button("tkt:ok", ticket_id=ID, roles={Role.CUSTOMER})
TICKET_NOT_SETTLED = Button("tkt:again", ticket_id=ID, roles={Role.CUSTOMER})

# The staff card
OPEN_TICKET = Button("tkt:open", ticket_id=ID, roles=STAFF)
TAKE_TICKET = Button("tkt:take", ticket_id=ID, roles=STAFF)
RESOLVE_TICKET = Button("tkt:done", ticket_id=ID, roles=STAFF)
TICKET_HISTORY = Button("tkt:hist", ticket_id=ID, roles=STAFF)
REPLY_TO_TICKET = Button("tkt:reply", ticket_id=ID, roles=STAFF)
NOTE_ON_TICKET = Button("tkt:note", ticket_id=ID, roles=STAFF)
TICKET_SEVERITY = Button("tkt:sev", ticket_id=ID, roles=STAFF)
SET_TICKET_SEVERITY = Button("tkt:sevto", ticket_id=ID, severity=OneOf.of(TicketSeverity), roles=STAFF)
REASSIGN_TICKET = Button("tkt:move", ticket_id=ID, roles=MANAGEMENT_ROLES)
REASSIGN_TICKET_TO = Button("tkt:to", ticket_id=ID, rep_id=ID, roles=MANAGEMENT_ROLES)
