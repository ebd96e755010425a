"""The customer card: the 360° profile, its history pages, the map, and an erased customer's card."""

from __future__ import annotations

from telegram.ext import Application

from handlers.common.menu import Command

COMMANDS: tuple[Command, ...] = ()


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.card import card

    card.register(application)
