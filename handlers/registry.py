"""Every handler, in the order PTB tries them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from handlers import access, errors, fallback, invites, language, start, teams

GUARD_GROUP = -1


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(TypeHandler(Update, access.guard), group=GUARD_GROUP)
    for feature in (start, teams, invites, language):
        feature.register(application)
    fallback.register(application)
    application.add_error_handler(errors.on_error)
