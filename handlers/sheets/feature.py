"""How the sheets feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.domain.roles import Role
from bot.i18n import N_
from handlers.common.menu import MANAGEMENT, Command
from handlers.sheets import exports, imports

COMMANDS: tuple[Command, ...] = (
    Command("import", N_("Import customers from an Excel or CSV file"), (Role.MANAGER,)),
    Command("export", N_("Export customers, visits, orders, feedback or tickets"), MANAGEMENT),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in (imports, exports):
        module.register(application)
