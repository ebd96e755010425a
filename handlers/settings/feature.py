"""How the settings feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import EVERYONE, MANAGEMENT, Command
from handlers.settings import language, team

COMMANDS: tuple[Command, ...] = (
    Command(
        "settings",
        N_("Team settings: time zone, digest, how often to visit, response times, quiet hours"),
        MANAGEMENT,
    ),
    Command("lang", N_("Language: English / 简体中文"), EVERYONE),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in (team, language):
        module.register(application)
