"""Leaving dialogs from outside their steps: a typed command, and a button of a step already passed.

A command typed while a dialog waits for an answer ends that dialog before the command runs, so a bare
/find followed by a name searches instead of filling the old form. A press on a button of a dialog the
person is still in, but of a step that is over (Skip after the photo was sent), is answered and
changes nothing.
"""

from __future__ import annotations

from typing import Any, cast

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.runtime.context import CrmContext
from handlers.common import dialogs
from handlers.common.access import command_of
from handlers.common.buttons import Button, buttons_of
from handlers.common.texts import stale_button_text

# /cancel is each dialog's own way out; /help only lists the commands and asks for nothing.
KEEPS_DIALOGS = frozenset({"cancel", "help"})


async def end_dialogs_for_command(update: Update, context: CrmContext) -> None:
    """End every dialog the command neither starts nor re-enters, before the command runs."""
    command = command_of(update)
    if command is None or command in KEEPS_DIALOGS:
        return
    application = cast("Application[Any, CrmContext, Any, Any, Any, Any]", context.application)
    with dialogs.ending_for_command():
        for dialog in dialogs.dialogs_of(application):
            check = dialog.check_update(update)
            if check is not None and isinstance(check[2], dialogs.LeaveForCommand):
                await dialog.handle_update(update, application, check, context)


class FinishedSteps:
    """The pattern of the buttons that only a dialog's steps take, each with the draft key that
    tells whether the person is still in that dialog."""

    def __init__(self, owners: dict[Button, str]) -> None:
        self.owners = owners

    def __call__(self, data: object) -> bool:
        return self.owner(data) is not None

    def owner(self, data: object) -> str | None:
        """The draft key of the dialog whose step button this is, or None for any other data."""
        return next((key for button, key in self.owners.items() if button(data)), None)


def finished_steps(application: Application) -> FinishedSteps:  # type: ignore[type-arg]
    """Buttons of dialog steps that no handler outside a dialog takes (a Save has its own answer)."""
    elsewhere: list[Any] = []
    owners: dict[Button, str] = {}
    for group in application.handlers.values():
        for handler in group:
            if not isinstance(handler, ConversationHandler):
                elsewhere.append(handler)
    outside = {button.prefix for button in buttons_of(elsewhere)}
    for dialog in dialogs.dialogs_of(application):
        steps = [handler for handlers in dialog.states.values() for handler in handlers]
        for button in buttons_of(steps):
            if button.prefix not in outside:
                owners[button] = dialog.cancel.keys[0]
    return FinishedSteps(owners)


def step_done_handler(application: Application) -> CallbackQueryHandler[CrmContext, None]:  # type: ignore[type-arg]
    pattern = finished_steps(application)

    async def step_done(update: Update, context: CrmContext) -> None:
        """A step button the dialog did not take: that step is over, or the whole dialog is."""
        query = update.callback_query
        assert query is not None
        key = pattern.owner(query.data)
        t = context.t
        if key is not None and dialogs.in_dialog(context, key):
            text = t.gettext("That step is already done; please answer the latest question.")
        else:
            text = stale_button_text(t)
        await query.answer(text, show_alert=True)

    return CallbackQueryHandler(step_done, pattern=pattern)


def register_command_exit(application: Application, *, group: int) -> None:  # type: ignore[type-arg]
    """In a group of its own after the guard and before every feature."""
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, end_dialogs_for_command), group=group
    )


def register_finished_steps(application: Application) -> None:  # type: ignore[type-arg]
    """After every feature (and before the catch-all for stale buttons), once the dialogs are known."""
    application.add_handler(step_done_handler(application))
