"""The buttons of /handover, and of the successor's list of what it gave them (written by
handlers/handover/briefing.py)."""

from __future__ import annotations

from handlers.common.buttons import FIELD_ROLES, ID, MANAGEMENT_ROLES, PAGE, Button, OneOf

HANDOVER_FROM = Button("hov:from", rep_id=ID, roles=MANAGEMENT_ROLES)
HANDOVER_TO = Button("hov:to", from_id=ID, rep_id=ID, roles=MANAGEMENT_ROLES)
HANDOVER_NEXT = Button("hov:next", from_id=ID, roles=MANAGEMENT_ROLES)
HANDOVER_OPTION = Button("hov:opt", from_id=ID, option=OneOf.of(("tell", "off")), roles=MANAGEMENT_ROLES)
HANDOVER_GO = Button("hov:go", from_id=ID, roles=MANAGEMENT_ROLES)
HANDOVER_CANCEL = Button("hov:cancel", roles=MANAGEMENT_ROLES)
HANDED_LIST = Button("hol:list", handover_id=ID, page=PAGE, roles=FIELD_ROLES)
HANDED_PAGE = Button("hol:page", handover_id=ID, page=PAGE, roles=FIELD_ROLES)
