"""One customer changing hands: XFER_PICK is shown under the card; Approve / Refuse under a rep's
request (written by handlers/transfer/pushes.py)."""

from __future__ import annotations

from handlers.common.buttons import ID, MANAGEMENT_ROLES, Button

XFER_PICK = Button("xfer:pick", customer_id=ID, roles=MANAGEMENT_ROLES)
XFER_TO = Button("xfer:to", customer_id=ID, rep_id=ID, roles=MANAGEMENT_ROLES)
XFER_APPROVE = Button("xfer:ok", request_id=ID, roles=MANAGEMENT_ROLES)
XFER_REFUSE = Button("xfer:no", request_id=ID, roles=MANAGEMENT_ROLES)
