"""The buttons of /visit; START_VISIT is shown under the card and on /today."""

from __future__ import annotations

from bot.domain.dates import QuickChoice
from bot.domain.enums import VisitKind, VisitOutcome
from handlers.common.buttons import FIELD_ROLES, ID, PAGE, Button, OneOf

START_VISIT = Button("visit:start", customer_id=ID, roles=FIELD_ROLES)

# The customer picker; its Cancel is the dialog's Cancel
VISIT_PICK = Button("visit:pick", customer_id=ID, roles=FIELD_ROLES)
VISIT_PAGE = Button("visit:page", page=PAGE, roles=FIELD_ROLES)
VISIT_CANCEL = Button("visit:cancel", roles=FIELD_ROLES)

VISIT_STEPS = ("kind", "outcome", "notes", "checkin", "followup")
VISIT_KIND = Button("visit:kind", kind=OneOf.of(VisitKind), roles=FIELD_ROLES)
VISIT_OUTCOME = Button("visit:out", outcome=OneOf.of(VisitOutcome), roles=FIELD_ROLES)
VISIT_SKIP_NOTES = Button("visit:notes:skip", roles=FIELD_ROLES)
VISIT_ADOPT = Button("visit:adopt", answer=OneOf.of(("yes", "no")), roles=FIELD_ROLES)
VISIT_FOLLOW_UP = Button("visit:fu", choice=OneOf.of((*QuickChoice, "none")), roles=FIELD_ROLES)
VISIT_SAVE = Button("visit:save", roles=FIELD_ROLES)
VISIT_EDIT = Button("visit:edit", roles=FIELD_ROLES)
VISIT_GOTO = Button("visit:goto", step=OneOf.of(VISIT_STEPS), roles=FIELD_ROLES)
