"""How the feedback feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.domain.roles import Role
from bot.i18n import N_
from handlers.common.menu import Command
from handlers.feedback import feedback

COMMANDS: tuple[Command, ...] = (Command("feedback", N_("Send us your feedback"), (None, Role.CUSTOMER)),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    feedback.register(application)
