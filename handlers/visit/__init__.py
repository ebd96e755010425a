"""/visit: logging a visit."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command

COMMANDS: tuple[Command, ...] = (Command("visit", N_("Log a visit"), FIELD),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.visit import dialog

    dialog.register(application)
