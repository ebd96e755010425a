"""The buttons of /newteam, /team, /invite and /invites."""

from __future__ import annotations

from bot.domain.roles import INVITABLE_BY, Role
from bot.domain.timezones import COMMON_ZONES
from handlers.common.buttons import ID, MANAGEMENT_ROLES, PAGE, Button, OneOf

INVITABLE = sorted({role for roles in INVITABLE_BY.values() for role in roles})
INVITE_ROLE = Button("inv:role", role=OneOf.of(INVITABLE), roles=MANAGEMENT_ROLES)
REVOKE_INVITE = Button("inv:revoke", invite_id=ID, roles=MANAGEMENT_ROLES)
TEAM_ZONE = Button("team:tz", zone=OneOf.of(COMMON_ZONES), roles={Role.ADMIN})
CREATE_TEAM = Button("team:confirm", roles={Role.ADMIN})
CANCEL_TEAM = Button("team:cancel", roles={Role.ADMIN})
# /team's member list in full, when the message had to cut it short, and its pages.
TEAM_MEMBERS = Button("team:all", roles=MANAGEMENT_ROLES)
TEAM_MEMBERS_PAGE = Button("team:page", page=PAGE, roles=MANAGEMENT_ROLES)
