"""How the reminder feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command
from handlers.reminder import dialog, greeting_list, pushes

COMMANDS: tuple[Command, ...] = (Command("remind", N_("Set a reminder"), FIELD),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in (dialog, pushes, greeting_list):
        module.register(application)
