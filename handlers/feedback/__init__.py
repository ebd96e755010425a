"""/feedback: free text (and a photo) that reaches the staff."""

from __future__ import annotations

from telegram.ext import Application

from bot.domain.roles import Role
from bot.i18n import N_
from handlers.common.menu import Command

COMMANDS: tuple[Command, ...] = (Command("feedback", N_("Send us your feedback"), (None, Role.CUSTOMER)),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.feedback import feedback

    feedback.register(application)
