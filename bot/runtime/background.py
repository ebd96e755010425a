"""Work an update starts and leaves running: checking an uploaded file can take a minute.

On SQLite updates are handled one at a time, and each chat's in order everywhere; a handler
that waited for a file to be read would hold every other person's message back that long. The
handler starts the work here and returns; the work answers the person when it is done. One piece
of work per person at a time, so a second file waits for the first instead of doubling the cost.
PTB's `create_task` reports a failure to the error handlers with the update and saves the
person's user_data when the work ends; `Application.stop` waits for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

TASKS_KEY = "background_tasks"


def _tasks(application: AnyApplication) -> dict[int, asyncio.Task[None]]:
    """The application's running work by person, kept with it (bot_data is not persisted)."""
    tasks: dict[int, asyncio.Task[None]] = application.bot_data.setdefault(TASKS_KEY, {})
    return tasks


def busy(application: AnyApplication, user_id: int) -> bool:
    """Whether work started for this person is still running."""
    task = _tasks(application).get(user_id)
    return task is not None and not task.done()


def start(
    application: AnyApplication, user_id: int, work: Coroutine[Any, Any, None], *, update: Update, name: str
) -> None:
    """Run `work` beside the updates; the caller checked `busy` first."""
    tasks = _tasks(application)
    task = application.create_task(work, update=update, name=name)
    tasks[user_id] = task

    def forget(done: asyncio.Task[None]) -> None:
        if tasks.get(user_id) is done:
            del tasks[user_id]

    task.add_done_callback(forget)


async def settled(application: AnyApplication) -> None:
    """Wait until no work is running (tests: an update counts as handled once its work is done)."""
    tasks = _tasks(application)
    while tasks:
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        # A done callback runs on the loop's next turn.
        await asyncio.sleep(0)
