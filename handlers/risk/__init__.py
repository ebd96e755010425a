"""The buttons on a churn-risk alert."""

from __future__ import annotations

from telegram.ext import Application

from handlers.common.menu import Command

COMMANDS: tuple[Command, ...] = ()


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.risk import alerts

    alerts.register(application)
