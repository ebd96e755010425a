"""Every inline button the bot writes, with who may press it: the one place its data format lives.

Keyboards write `BUTTON.data(...)`; handlers register `CallbackQueryHandler(fn, pattern=BUTTON)` and
read `BUTTON.parse(query.data)`; the guard finds the button of any press here (via the registered
handlers) and refuses junk, out-of-range ids and other roles' buttons before a handler runs.
"""

from __future__ import annotations

import re

from bot.domain import team_settings
from bot.domain.audit import Scope
from bot.domain.roles import INVITABLE_BY, Role
from bot.domain.timezones import COMMON_ZONES
from bot.i18n import LOCALES
from bot.services.exports import ExportKind, FileFormat
from bot.services.tickets import CATEGORIES
from handlers.buttons import (
    BIG_ID,
    EVERYONE,
    FIELD_ROLES,
    ID,
    INT32_MAX,
    INT64_MAX,
    MANAGEMENT_ROLES,
    PAGE,
    Button,
    Int,
    OneOf,
    Token,
)
from storage.enums import TicketSeverity

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


# Team administration: /newteam, /invite and /invites, /settings, /lang, /outbox
INVITABLE = sorted({role for roles in INVITABLE_BY.values() for role in roles})
INVITE_ROLE = Button("inv:role", role=OneOf.of(INVITABLE), roles=MANAGEMENT_ROLES)
REVOKE_INVITE = Button("inv:revoke", invite_id=ID, roles=MANAGEMENT_ROLES)
TEAM_ZONE = Button("team:tz", zone=OneOf.of(COMMON_ZONES), roles={Role.ADMIN})
CREATE_TEAM = Button("team:confirm", roles={Role.ADMIN})
CANCEL_TEAM = Button("team:cancel", roles={Role.ADMIN})
CHANGE_SETTING = Button("set", field=OneOf.of(team_settings.Field), roles=MANAGEMENT_ROLES)
LANGUAGE = Button("lang", locale=OneOf.of(LOCALES), roles=EVERYONE)
RETRY_OUTBOX = Button("box:retry", roles={Role.ADMIN})

# /audit: a page before or after an entry ("o"lder / "n"ewer), of everyone (ref 0), a person or a customer
AUDIT_PAGE = Button(
    "aud",
    scope=OneOf.of((Scope.ALL, Scope.USER, Scope.CUSTOMER)),
    ref=Int(0, INT32_MAX),
    direction=OneOf.of(("o", "n")),
    cursor=Int(0, INT64_MAX),
    roles={Role.ADMIN},
)
AUDIT_PEOPLE = Button("aud:who", roles={Role.ADMIN})

# /handover, and the successor's list of what it gave them (written by bot/services/briefing.py)
HANDOVER_FROM = Button("hov:from", rep_id=ID, roles=MANAGEMENT_ROLES)
HANDOVER_TO = Button("hov:to", from_id=ID, rep_id=ID, roles=MANAGEMENT_ROLES)
HANDOVER_NEXT = Button("hov:next", from_id=ID, roles=MANAGEMENT_ROLES)
HANDOVER_OPTION = Button("hov:opt", from_id=ID, option=OneOf.of(("tell", "off")), roles=MANAGEMENT_ROLES)
HANDOVER_GO = Button("hov:go", from_id=ID, roles=MANAGEMENT_ROLES)
HANDOVER_CANCEL = Button("hov:cancel", roles=MANAGEMENT_ROLES)
HANDED_LIST = Button("hol:list", handover_id=ID, page=PAGE, roles=FIELD_ROLES)
HANDED_PAGE = Button("hol:page", handover_id=ID, page=PAGE, roles=FIELD_ROLES)

# Erasing a customer's personal data (ERASE_ASK is under the card): the last step carries a one-time code
ERASE_SURE = Button("ers:sure", customer_id=ID, roles=MANAGEMENT_ROLES)
ERASE_DO = Button("ers:do", customer_id=ID, code=Token(re.compile(r"[0-9a-f]{8}")), roles=MANAGEMENT_ROLES)
ERASE_CANCEL = Button("ers:cancel", roles=MANAGEMENT_ROLES)

# /export and a spreadsheet import's preview (the token names the preview it belongs to)
EXPORT_KIND = Button("exp:k", kind=OneOf.of(ExportKind), roles=MANAGEMENT_ROLES)
EXPORT_FORMAT = Button(
    "exp:f", kind=OneOf.of(ExportKind), file_format=OneOf.of(FileFormat), roles=MANAGEMENT_ROLES
)
IMPORT_TOKEN = Token(re.compile(r"[A-Za-z0-9_-]{1,16}"))
CONFIRM_IMPORT = Button("imp:ok", token=IMPORT_TOKEN, roles={Role.MANAGER})
CANCEL_IMPORT = Button("imp:no", token=IMPORT_TOKEN, roles={Role.MANAGER})

# The customer's side: survey scores (written by bot/services/surveys.py), /feedback, /complaint
SURVEY_SCORE = Button("srv", survey_id=BIG_ID, score=Int(0, 10), roles={Role.CUSTOMER})
SURVEY_SKIP = Button("srv:skip", survey_id=BIG_ID, roles={Role.CUSTOMER})
FEEDBACK_ROLES = {None, Role.CUSTOMER}
SEND_FEEDBACK = Button("fdb:send", roles=FEEDBACK_ROLES)
FEEDBACK_PHOTO = Button("fdb:photo", roles=FEEDBACK_ROLES)
CANCEL_FEEDBACK = Button("fdb:cancel", roles=FEEDBACK_ROLES)
COMPLAINT_CATEGORY = Button("tkt:cat", category=OneOf.of(CATEGORIES), roles={Role.CUSTOMER})
SKIP_COMPLAINT_PHOTO = Button("tkt:skip", roles={Role.CUSTOMER})
CANCEL_COMPLAINT = Button("tkt:cancel", roles={Role.CUSTOMER})

# Tickets: the customer's buttons (bot/services/ticket_notices.py writes most of them)
WRITE_TO_TICKET = Button("tkt:ans", ticket_id=ID, roles={Role.CUSTOMER})
ADD_TO_TICKET = Button("tkt:add", ticket_id=ID, roles={Role.CUSTOMER})
TICKET_SETTLED = Button("tkt:ok", ticket_id=ID, roles={Role.CUSTOMER})
TICKET_NOT_SETTLED = Button("tkt:again", ticket_id=ID, roles={Role.CUSTOMER})

# Tickets: the staff card (bot/services/ticket_notices.py and ticket_sla.py write these too)
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
