"""How the admin feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.domain.roles import Role
from bot.i18n import N_
from handlers.admin import outbox
from handlers.common.menu import Command

COMMANDS: tuple[Command, ...] = (Command("outbox", N_("Pushes waiting or undelivered"), (Role.ADMIN,)),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    outbox.register(application)
