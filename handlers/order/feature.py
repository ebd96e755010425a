"""How the order feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command
from handlers.order import dialog

COMMANDS: tuple[Command, ...] = (Command("order", N_("Log an order"), FIELD),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    dialog.register(application)
