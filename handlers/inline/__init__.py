"""Inline mode: `@bot name` in any chat offers the typist's customers."""

from __future__ import annotations

from telegram.ext import Application

from handlers.common.menu import Command

COMMANDS: tuple[Command, ...] = ()


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.inline import lookup

    lookup.register(application)
