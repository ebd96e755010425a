"""The customer's side of a survey."""

from __future__ import annotations

from telegram.ext import Application

from handlers.common.menu import Command

COMMANDS: tuple[Command, ...] = ()


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers.survey import survey

    survey.register(application)
