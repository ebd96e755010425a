"""Every inline button the bot writes, with who may press it: the one place its data format lives.

Keyboards write `BUTTON.data(...)`; handlers register `CallbackQueryHandler(fn, pattern=BUTTON)` and
read `BUTTON.parse(query.data)`; the guard finds the button of any press here (via the registered
handlers) and refuses junk, out-of-range ids and other roles' buttons before a handler runs.
"""

from __future__ import annotations

import re

from bot.domain import team_settings
from bot.domain.audit import Scope
from bot.domain.customer_fields import Field
from bot.domain.dates import QuickChoice
from bot.domain.digest import Kind as PeriodKind
from bot.domain.enums import TicketSeverity, Tier, VisitKind, VisitOutcome
from bot.domain.money import CURRENCIES
from bot.domain.roles import INVITABLE_BY, Role
from bot.domain.timezones import COMMON_ZONES
from bot.i18n import LOCALES
from bot.services.digest import Drill
from bot.services.exports import ExportKind, FileFormat
from bot.services.reminders import Later
from bot.services.tickets import CATEGORIES
from handlers.common.buttons import (
    BIG_ID,
    EVERYONE,
    FIELD_ROLES,
    ID,
    INT32_MAX,
    INT64_MAX,
    MANAGEMENT_ROLES,
    PAGE,
    Button,
    Day,
    Int,
    OneOf,
    Token,
)

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


# /new: Skip names the field it skips, so a Skip left on an earlier question cannot skip the current one
NEW_SKIP = Button("new:skip", field=OneOf.of(Field), roles=FIELD_ROLES)
NEW_TIER = Button("new:tier", tier=OneOf.of(Tier), roles=FIELD_ROLES)
NEW_TRANSFER = Button("new:transfer", customer_id=ID, roles=FIELD_ROLES)
NEW_ANYWAY = Button("new:anyway", roles=FIELD_ROLES)
NEW_CANCEL = Button("new:cancel", roles=FIELD_ROLES)

# Editing a customer (EDIT_CUSTOMER is under the card)
EDIT_FIELD = Button("cust:ef", customer_id=ID, field=OneOf.of(Field), roles=STAFF)
EDIT_TIER = Button("cust:et", tier=OneOf.of(Tier), roles=STAFF)
EDIT_CLEAR = Button("cust:eclear", roles=STAFF)
EDIT_CANCEL = Button("cust:ecancel", roles=STAFF)

# /find pages: the search text rides along when it fits in 64 bytes, else it is empty (kept in user_data)
FIND_PAGE = Button("find:page", page=PAGE, text=Token(re.compile(r".*", re.DOTALL)), roles=FIELD_ROLES)

# The customer picker inside /visit, /order and /remind; its Cancel is the dialog's Cancel
VISIT_PICK = Button("visit:pick", customer_id=ID, roles=FIELD_ROLES)
VISIT_PAGE = Button("visit:page", page=PAGE, roles=FIELD_ROLES)
VISIT_CANCEL = Button("visit:cancel", roles=FIELD_ROLES)
ORDER_PICK = Button("order:pick", customer_id=ID, roles=FIELD_ROLES)
ORDER_PAGE = Button("order:page", page=PAGE, roles=FIELD_ROLES)
ORDER_CANCEL = Button("order:cancel", roles=FIELD_ROLES)
REMIND_PICK = Button("rem:pick", customer_id=ID, roles=FIELD_ROLES)
REMIND_PAGE = Button("rem:page", page=PAGE, roles=FIELD_ROLES)
REMIND_CANCEL = Button("rem:cancel", roles=FIELD_ROLES)

# /visit (START_VISIT is under the card)
VISIT_STEPS = ("kind", "outcome", "notes", "checkin", "followup")
VISIT_KIND = Button("visit:kind", kind=OneOf.of(VisitKind), roles=FIELD_ROLES)
VISIT_OUTCOME = Button("visit:out", outcome=OneOf.of(VisitOutcome), roles=FIELD_ROLES)
VISIT_SKIP_NOTES = Button("visit:notes:skip", roles=FIELD_ROLES)
VISIT_ADOPT = Button("visit:adopt", answer=OneOf.of(("yes", "no")), roles=FIELD_ROLES)
VISIT_FOLLOW_UP = Button("visit:fu", choice=OneOf.of((*QuickChoice, "none")), roles=FIELD_ROLES)
VISIT_SAVE = Button("visit:save", roles=FIELD_ROLES)
VISIT_EDIT = Button("visit:edit", roles=FIELD_ROLES)
VISIT_GOTO = Button("visit:goto", step=OneOf.of(VISIT_STEPS), roles=FIELD_ROLES)

# /order (START_ORDER is under the card)
ORDER_STEPS = ("amount", "currency", "product", "date")
ORDER_CURRENCY = Button("order:cur", code=OneOf.of(CURRENCIES), roles=FIELD_ROLES)
ORDER_SKIP_PRODUCT = Button("order:prod:skip", roles=FIELD_ROLES)
ORDER_DATE = Button("order:date", day=OneOf.of(("today", "yesterday")), roles=FIELD_ROLES)
ORDER_SAVE = Button("order:save", roles=FIELD_ROLES)
ORDER_EDIT = Button("order:edit", roles=FIELD_ROLES)
ORDER_GOTO = Button("order:goto", step=OneOf.of(ORDER_STEPS), roles=FIELD_ROLES)

# /remind (NEW_REMINDER is under the card) and the Done / Snooze buttons of a reminder's push
REMIND_ABOUT_CUSTOMER = Button("rem:for:cust", roles=FIELD_ROLES)
REMIND_FOR_ME = Button("rem:for:me", roles=FIELD_ROLES)
REMIND_WHEN = Button("rem:when", choice=OneOf.of(Later), roles=FIELD_ROLES)
REMINDER_DONE = Button("rem:done", reminder_id=BIG_ID, roles=FIELD_ROLES)
REMINDER_SNOOZE = Button("rem:snz", reminder_id=BIG_ID, choice=OneOf.of(Later), roles=FIELD_ROLES)

# A churn-risk alert (written by bot/services/risk_alerts.py); only a manager reassigns
RISK_VISIT = Button("risk:visit", alert_id=BIG_ID, roles=FIELD_ROLES)
RISK_SNOOZE = Button("risk:snooze", alert_id=BIG_ID, roles=FIELD_ROLES)
RISK_FINE = Button("risk:fine", alert_id=BIG_ID, roles=FIELD_ROLES)
RISK_MOVE = Button("risk:move", alert_id=BIG_ID, roles={Role.MANAGER})
RISK_MOVE_TO = Button("risk:to", alert_id=BIG_ID, rep_id=ID, roles={Role.MANAGER})

# One customer changing hands (XFER_PICK is under the card); Approve / Refuse are written by
# bot/services/transfers.py under a rep's request
XFER_TO = Button("xfer:to", customer_id=ID, rep_id=ID, roles=MANAGEMENT_ROLES)
XFER_APPROVE = Button("xfer:ok", request_id=ID, roles=MANAGEMENT_ROLES)
XFER_REFUSE = Button("xfer:no", request_id=ID, roles=MANAGEMENT_ROLES)

# The digest's drill-down buttons (written by bot/services/digest_message.py): a list over a period,
# daily or weekly from its first day, or a list of what is overdue now
DIGEST_PERIOD_LISTS = {
    drill: Button(f"dig:{drill.value}", period=OneOf.of(PeriodKind), first=Day(), roles=MANAGEMENT_ROLES)
    for drill in (Drill.RISK, Drill.VISITS, Drill.NEW, Drill.ORDERS)
}
DIGEST_NOW_LISTS = {
    drill: Button(f"dig:{drill.value}", roles=MANAGEMENT_ROLES) for drill in (Drill.TICKETS, Drill.FOLLOW_UPS)
}
