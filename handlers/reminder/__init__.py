"""/remind and the reminder pushes' buttons."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command

COMMANDS: tuple[Command, ...] = (Command("remind", N_("Set a reminder"), FIELD),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.reminder import dialog, pushes

    for module in (dialog, pushes):
        module.register(application)
