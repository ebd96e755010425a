"""How the ticket feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.domain.roles import Role
from bot.i18n import N_
from handlers.common.menu import FIELD, Command
from handlers.ticket import complaint, customer_text, relay, tickets

COMMANDS: tuple[Command, ...] = (
    Command("complaint", N_("Report a problem; you get a number to follow it"), (Role.CUSTOMER,)),
    Command("tickets", N_("Complaint tickets and their status"), (*FIELD, Role.ADMIN, Role.CUSTOMER)),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in (complaint, relay, tickets):
        module.register(application)


def register_typed_text(application: Application) -> None:  # type: ignore[type-arg]
    """A customer's plain text outside any dialog goes to their complaint, anyone else's to the search;
    the registry adds it after every feature, since the dialogs that wait for text must see it first."""
    customer_text.register(application)
