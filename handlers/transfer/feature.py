"""How the transfer feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from handlers.common.menu import Command
from handlers.transfer import transfer

COMMANDS: tuple[Command, ...] = ()


def register(application: Application) -> None:  # type: ignore[type-arg]
    transfer.register(application)
