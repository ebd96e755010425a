"""/start and /help."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import EVERYONE, Command

COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Start or restart the assistant"), EVERYONE),
    Command("help", N_("What I can do for you"), EVERYONE),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.start import start

    start.register(application)
