"""Every handler, in the order PTB tries them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from handlers import (
    access,
    audit,
    buttons,
    card,
    complaints,
    customer_edit,
    customer_link,
    customer_text,
    customers_new,
    digest,
    erase,
    errors,
    exports,
    fallback,
    feedback,
    handover,
    imports,
    inline_lookup,
    invites,
    language,
    orders,
    outbox_admin,
    remind,
    reminder_pushes,
    risk_alerts,
    search,
    start,
    surveys,
    team_settings,
    teams,
    ticket_relay,
    tickets,
    today,
    transfers,
    visits,
)

GUARD_GROUP = -1


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(TypeHandler(Update, access.guard), group=GUARD_GROUP)
    for feature in (
        start,
        teams,
        team_settings,
        invites,
        outbox_admin,
        language,
        surveys,
        feedback,
        complaints,
        ticket_relay,
        tickets,
        visits,
        orders,
        customers_new,
        customer_edit,
        search,
        card,
        customer_link,
        remind,
        reminder_pushes,
        risk_alerts,
        today,
        digest,
        inline_lookup,
        imports,
        exports,
        handover,
        transfers,
        erase,
        audit,
    ):
        feature.register(application)
    # Customers' plain text goes to their complaint; everyone else's on to the search.
    customer_text.register(application)
    fallback.register(application)
    buttons.index_buttons(application)
    application.add_error_handler(errors.on_error)
