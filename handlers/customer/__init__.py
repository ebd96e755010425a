"""A customer's record: /new, editing, the personal link, and erasure."""

from __future__ import annotations

from telegram.ext import Application

from bot.i18n import N_
from handlers.common.menu import FIELD, Command

COMMANDS: tuple[Command, ...] = (Command("new", N_("Add a customer"), FIELD),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.customer import edit, erase, link, new

    for module in (new, edit, link, erase):
        module.register(application)
