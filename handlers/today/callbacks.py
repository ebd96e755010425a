"""The buttons under /today (written by handlers/today/today.py and sections.py): a cut section's
button opens the whole section as a new message, whose ◀/▶ buttons turn its pages in place."""

from __future__ import annotations

from bot.services.today import Part
from handlers.common.buttons import FIELD_ROLES, PAGE, Button, OneOf

PARTS = OneOf.of(Part)

TODAY_SECTION = Button("today:all", part=PARTS, roles=FIELD_ROLES)
TODAY_PAGE = Button("today:page", part=PARTS, page=PAGE, roles=FIELD_ROLES)
