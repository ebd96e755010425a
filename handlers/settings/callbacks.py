"""The buttons of /settings and /lang."""

from __future__ import annotations

from bot.domain import team_settings
from bot.i18n import LOCALES
from handlers.common.buttons import EVERYONE, MANAGEMENT_ROLES, Button, OneOf

CHANGE_SETTING = Button("set", field=OneOf.of(team_settings.Field), roles=MANAGEMENT_ROLES)
LANGUAGE = Button("lang", locale=OneOf.of(LOCALES), roles=EVERYONE)
