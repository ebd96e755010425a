"""A single customer changing hands."""

from __future__ import annotations

from telegram.ext import Application

from handlers.common.menu import Command

COMMANDS: tuple[Command, ...] = ()


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.transfer import transfer

    transfer.register(application)
