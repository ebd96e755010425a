"""A survey's score buttons (written by handlers/survey/pushes.py) and the Skip of its comment."""

from __future__ import annotations

from bot.domain.roles import Role
from handlers.common.buttons import BIG_ID, Button, Int

SURVEY_SCORE = Button("srv", survey_id=BIG_ID, score=Int(0, 10), roles={Role.CUSTOMER})
SURVEY_SKIP = Button("srv:skip", survey_id=BIG_ID, roles={Role.CUSTOMER})
