"""A churn-risk alert's buttons (written by handlers/risk/pushes.py); only a manager reassigns."""

from __future__ import annotations

from bot.domain.roles import Role
from handlers.common.buttons import BIG_ID, FIELD_ROLES, ID, Button

RISK_VISIT = Button("risk:visit", alert_id=BIG_ID, roles=FIELD_ROLES)
RISK_SNOOZE = Button("risk:snooze", alert_id=BIG_ID, roles=FIELD_ROLES)
RISK_FINE = Button("risk:fine", alert_id=BIG_ID, roles=FIELD_ROLES)
RISK_MOVE = Button("risk:move", alert_id=BIG_ID, roles={Role.MANAGER})
RISK_MOVE_TO = Button("risk:to", alert_id=BIG_ID, rep_id=ID, roles={Role.MANAGER})
