"""Long polling that follows leadership: only the leader calls getUpdates (two pollers make Telegram
answer 409), so a leader that loses its lock pauses polling and resumes it when it leads again.

The first start is the runner's (`run_polling`, once `post_init` has seen this process elected);
this module only undoes and redoes a pause. A paused process keeps running: its probes answer, and
it tries for the lock on every beat, so a database outage costs a wait, never the process.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from bot.runtime.context import CrmApplication
from bot.runtime.telegram_bot import ALLOWED_UPDATES

log = logging.getLogger(__name__)

PAUSED_KEY = "polling_paused"


async def pause(application: CrmApplication) -> None:
    """Stop calling getUpdates (updates already fetched are still handled)."""
    updater = application.updater
    if updater is None or not updater.running:
        return
    # The runner may be stopping the updater at the same moment (shutdown): then it is not running.
    with suppress(RuntimeError):
        await updater.stop()
    application.bot_data[PAUSED_KEY] = True
    log.warning("polling paused: this process no longer leads; it polls again once it leads")


async def resume(application: CrmApplication) -> None:
    """Poll again after a pause, as `fieldcrm run` polls."""
    updater = application.updater
    if updater is None or not application.bot_data.get(PAUSED_KEY) or updater.running:
        return
    await updater.start_polling(allowed_updates=ALLOWED_UPDATES)
    application.bot_data.pop(PAUSED_KEY, None)
    log.info("polling resumed: this process leads again")
