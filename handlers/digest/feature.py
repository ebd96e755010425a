"""How the digest feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import MANAGEMENT, Command
from handlers.digest import digest

COMMANDS: tuple[Command, ...] = (
    Command("digest", N_("Team digest: today's figures and exceptions"), MANAGEMENT),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    digest.register(application)
