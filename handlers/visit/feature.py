"""How the visit feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command
from handlers.visit import dialog

COMMANDS: tuple[Command, ...] = (Command("visit", N_("Log a visit"), FIELD),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    dialog.register(application)
