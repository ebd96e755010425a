"""How the card feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from handlers.card import card
from handlers.common.menu import Command

COMMANDS: tuple[Command, ...] = ()


def register(application: Application) -> None:  # type: ignore[type-arg]
    card.register(application)
