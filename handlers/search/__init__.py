"""/find and plain typed text: finding a customer."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command

COMMANDS: tuple[Command, ...] = (Command("find", N_("Find a customer"), FIELD),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.search import find

    find.register(application)
