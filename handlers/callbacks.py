"""Moving: each feature declares its buttons in handlers/<feature>/callbacks.py; this module goes."""

from __future__ import annotations

from handlers.admin.callbacks import *  # noqa: F403
from handlers.audit.callbacks import *  # noqa: F403
from handlers.card.callbacks import *  # noqa: F403
from handlers.common.buttons import STAFF  # noqa: F401
from handlers.customer.callbacks import *  # noqa: F403
from handlers.digest.callbacks import *  # noqa: F403
from handlers.feedback.callbacks import *  # noqa: F403
from handlers.handover.callbacks import *  # noqa: F403
from handlers.order.callbacks import *  # noqa: F403
from handlers.reminder.callbacks import *  # noqa: F403
from handlers.risk.callbacks import *  # noqa: F403
from handlers.search.callbacks import *  # noqa: F403
from handlers.settings.callbacks import *  # noqa: F403
from handlers.sheets.callbacks import *  # noqa: F403
from handlers.survey.callbacks import *  # noqa: F403
from handlers.team.callbacks import *  # noqa: F403
from handlers.ticket.callbacks import *  # noqa: F403
from handlers.transfer.callbacks import *  # noqa: F403
from handlers.visit.callbacks import *  # noqa: F403
