"""/handover: a leaving rep's customers handed to others."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import MANAGEMENT, Command

COMMANDS: tuple[Command, ...] = (
    Command("handover", N_("Hand a rep's customers over to other reps"), MANAGEMENT),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.handover import handover

    handover.register(application)
