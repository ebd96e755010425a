"""/order: logging an order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command

COMMANDS: tuple[Command, ...] = (Command("order", N_("Log an order"), FIELD),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.order import dialog

    dialog.register(application)
