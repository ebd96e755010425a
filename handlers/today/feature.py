"""How the today feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command
from handlers.today import today

COMMANDS: tuple[Command, ...] = (
    Command("today", N_("Today: follow-ups, birthdays, customers at risk"), FIELD),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    today.register(application)
