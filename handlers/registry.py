"""Every handler, in the order PTB tries them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from handlers import (
    access,
    card,
    customer_edit,
    customers_new,
    errors,
    fallback,
    invites,
    language,
    orders,
    remind,
    reminder_pushes,
    search,
    start,
    teams,
    today,
    visits,
)

GUARD_GROUP = -1


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(TypeHandler(Update, access.guard), group=GUARD_GROUP)
    for feature in (
        start,
        teams,
        invites,
        language,
        visits,
        orders,
        customers_new,
        customer_edit,
        search,
        card,
        remind,
        reminder_pushes,
        today,
    ):
        feature.register(application)
    search.register_text(application)
    fallback.register(application)
    application.add_error_handler(errors.on_error)
