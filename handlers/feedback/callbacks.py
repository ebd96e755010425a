"""The buttons of /feedback, which strangers may send too."""

from __future__ import annotations

from bot.domain.roles import Role
from handlers.common.buttons import Button

FEEDBACK_ROLES = {None, Role.CUSTOMER}
SEND_FEEDBACK = Button("fdb:send", roles=FEEDBACK_ROLES)
FEEDBACK_PHOTO = Button("fdb:photo", roles=FEEDBACK_ROLES)
CANCEL_FEEDBACK = Button("fdb:cancel", roles=FEEDBACK_ROLES)
