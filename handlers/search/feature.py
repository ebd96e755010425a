"""How the search feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command
from handlers.search import find

COMMANDS: tuple[Command, ...] = (Command("find", N_("Find a customer"), FIELD),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    find.register(application)
