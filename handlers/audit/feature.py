"""How the audit feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.domain.roles import Role
from bot.i18n import N_
from handlers.audit import audit
from handlers.common.menu import Command

COMMANDS: tuple[Command, ...] = (
    Command("audit", N_("Audit log: who viewed, changed, moved or erased what"), (Role.ADMIN,)),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    audit.register(application)
