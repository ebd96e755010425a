"""The digest's drill-down buttons (written by handlers/digest/message.py): a list over a period,
daily or weekly from its first day, or a list of what is overdue now."""

from __future__ import annotations

from bot.domain.digest import Kind as PeriodKind
from bot.services.digest import Drill
from handlers.common.buttons import MANAGEMENT_ROLES, Button, Day, OneOf

DIGEST_PERIOD_LISTS = {
    drill: Button(f"dig:{drill.value}", period=OneOf.of(PeriodKind), first=Day(), roles=MANAGEMENT_ROLES)
    for drill in (Drill.RISK, Drill.VISITS, Drill.NEW, Drill.ORDERS)
}
DIGEST_NOW_LISTS = {
    drill: Button(f"dig:{drill.value}", roles=MANAGEMENT_ROLES) for drill in (Drill.TICKETS, Drill.FOLLOW_UPS)
}
