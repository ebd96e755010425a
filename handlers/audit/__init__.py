"""/audit: the audit trail for admins."""

from __future__ import annotations

from telegram.ext import Application

from bot.domain.roles import Role
from bot.i18n import N_
from handlers.common.menu import Command

COMMANDS: tuple[Command, ...] = (
    Command("audit", N_("Audit log: who viewed, changed, moved or erased what"), (Role.ADMIN,)),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.audit import audit

    audit.register(application)
