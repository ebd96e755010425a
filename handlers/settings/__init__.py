"""/settings for the team and /lang for each person."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import EVERYONE, MANAGEMENT, Command

COMMANDS: tuple[Command, ...] = (
    Command("settings", N_("Team settings: time zone, digest, cadence, SLA, quiet hours"), MANAGEMENT),
    Command("lang", N_("Language: English / 简体中文"), EVERYONE),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.settings import language, team

    for module in (team, language):
        module.register(application)
