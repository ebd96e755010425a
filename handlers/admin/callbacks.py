"""The button of /outbox."""

from __future__ import annotations

from bot.domain.roles import Role
from handlers.common.buttons import Button

RETRY_OUTBOX = Button("box:retry", roles={Role.ADMIN})
