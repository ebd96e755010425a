"""How the start feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import EVERYONE, Command
from handlers.start import start

COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Start or restart the assistant"), EVERYONE),
    Command("help", N_("What I can do for you"), EVERYONE),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    start.register(application)
