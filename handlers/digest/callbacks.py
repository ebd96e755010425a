"""The digest's drill-down buttons (written by handlers/digest/message.py and lists.py): a list over a
period, daily or weekly from its first day, or a list of what is overdue now; each opens as a new
message, whose ◀/▶ buttons turn its pages in place."""

from __future__ import annotations

from bot.domain.digest import Kind as PeriodKind
from bot.services.digest import NOW_DRILLS, PERIOD_DRILLS
from handlers.common.buttons import MANAGEMENT_ROLES, PAGE, Button, Day, OneOf

PERIODS = OneOf.of(PeriodKind)

DIGEST_PERIOD_LISTS = {
    drill: Button(f"dig:{drill.value}", period=PERIODS, first=Day(), roles=MANAGEMENT_ROLES)
    for drill in PERIOD_DRILLS
}
DIGEST_NOW_LISTS = {drill: Button(f"dig:{drill.value}", roles=MANAGEMENT_ROLES) for drill in NOW_DRILLS}
DIGEST_PERIOD_PAGES = {
    drill: Button(f"digp:{drill.value}", period=PERIODS, first=Day(), page=PAGE, roles=MANAGEMENT_ROLES)
    for drill in PERIOD_DRILLS
}
DIGEST_NOW_PAGES = {
    drill: Button(f"digp:{drill.value}", page=PAGE, roles=MANAGEMENT_ROLES) for drill in NOW_DRILLS
}
