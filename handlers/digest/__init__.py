"""The manager's digest on demand and its drill-down lists."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import MANAGEMENT, Command

COMMANDS: tuple[Command, ...] = (
    Command("digest", N_("Team digest: today's figures and exceptions"), MANAGEMENT),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.digest import digest

    digest.register(application)
