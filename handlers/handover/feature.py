"""How the handover feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import MANAGEMENT, Command
from handlers.handover import handover

COMMANDS: tuple[Command, ...] = (
    Command("handover", N_("Hand a rep's customers over to other reps"), MANAGEMENT),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    handover.register(application)
