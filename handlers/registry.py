"""Every handler, in the order PTB tries them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from handlers.admin import outbox as outbox_admin
from handlers.audit import audit
from handlers.card import card
from handlers.common import access, buttons, errors, fallback
from handlers.customer import edit as customer_edit
from handlers.customer import erase
from handlers.customer import link as customer_link
from handlers.customer import new as customers_new
from handlers.digest import digest
from handlers.feedback import feedback
from handlers.handover import handover
from handlers.inline import lookup as inline_lookup
from handlers.order import dialog as orders
from handlers.reminder import dialog as remind
from handlers.reminder import pushes as reminder_pushes
from handlers.risk import alerts as risk_alerts
from handlers.search import find as search
from handlers.settings import language
from handlers.settings import team as team_settings
from handlers.sheets import exports, imports
from handlers.start import start
from handlers.survey import survey as surveys
from handlers.team import invites, teams
from handlers.ticket import complaint as complaints
from handlers.ticket import customer_text, tickets
from handlers.ticket import relay as ticket_relay
from handlers.today import today
from handlers.transfer import transfer as transfers
from handlers.visit import dialog as visits

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
    # Customers' plain text goes to their complaint; everyone else's on to the find.
    customer_text.register(application)
    fallback.register(application)
    buttons.index_buttons(application)
    application.add_error_handler(errors.on_error)
