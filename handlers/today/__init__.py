"""/today: the rep's agenda."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command

COMMANDS: tuple[Command, ...] = (
    Command("today", N_("Today: follow-ups, birthdays, customers at risk"), FIELD),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.today import today

    today.register(application)
