"""How the customer feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command
from handlers.customer import edit, erase, link, new

COMMANDS: tuple[Command, ...] = (Command("new", N_("Add a customer"), FIELD),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in (new, edit, link, erase):
        module.register(application)
