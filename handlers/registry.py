"""Every feature, in the order PTB tries their handlers, and the command table built from theirs."""

from __future__ import annotations

from typing import Protocol

from telegram import Update
from telegram.ext import Application, TypeHandler

from handlers.admin import feature as admin
from handlers.audit import feature as audit
from handlers.card import feature as card
from handlers.common import access, buttons, dialog_exits, errors, fallback, menu
from handlers.common.menu import Command
from handlers.customer import feature as customer
from handlers.digest import feature as digest
from handlers.feedback import feature as feedback
from handlers.handover import feature as handover
from handlers.inline import feature as inline
from handlers.order import feature as order
from handlers.reminder import feature as reminder
from handlers.risk import feature as risk
from handlers.search import feature as search
from handlers.settings import feature as settings
from handlers.sheets import feature as sheets
from handlers.start import feature as start
from handlers.survey import feature as survey
from handlers.team import feature as team
from handlers.ticket import feature as ticket
from handlers.today import feature as today
from handlers.transfer import feature as transfer
from handlers.visit import feature as visit

GUARD_GROUP = -2
# Between the guard and the features: a typed command first ends the dialogs it leaves behind.
DIALOG_EXIT_GROUP = -1


class Feature(Protocol):
    """A feature's `handlers/<feature>/feature.py`: the commands it adds to the menu and the handlers
    it registers."""

    COMMANDS: tuple[Command, ...]

    def register(self, application: Application) -> None: ...  # type: ignore[type-arg]


# PTB hands an update to the first handler that takes it. The dialogs keep this relative order (a
# person can be inside two at once, and the first takes their text), all before a spreadsheet upload
# and plain text; /new, which can open an existing customer's card, comes before the card.
FEATURES: tuple[Feature, ...] = (
    start,
    team,
    settings,
    admin,
    survey,
    feedback,
    ticket,
    visit,
    order,
    customer,
    search,
    card,
    reminder,
    risk,
    today,
    digest,
    inline,
    sheets,
    handover,
    transfer,
    audit,
)

# The order of the Telegram menu and of /help: a rep's day first, then administration and the
# manager's tools, the customer's commands, and what everyone has. Commands it does not name follow.
MENU_ORDER = (
    "start",
    "today",
    "find",
    "visit",
    "order",
    "new",
    "remind",
    "newteam",
    "outbox",
    "audit",
    "digest",
    "team",
    "invite",
    "invites",
    "handover",
    "import",
    "export",
    "settings",
    "feedback",
    "complaint",
    "tickets",
    "lang",
    "help",
    "cancel",
)
COMMANDS = menu.in_menu_order(
    [*(c for feature in FEATURES for c in feature.COMMANDS), menu.CANCEL], MENU_ORDER
)


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(TypeHandler(Update, access.guard), group=GUARD_GROUP)
    dialog_exits.register_command_exit(application, group=DIALOG_EXIT_GROUP)
    for feature in FEATURES:
        feature.register(application)
    ticket.register_typed_text(application)
    dialog_exits.register_finished_steps(application)
    fallback.register(application)
    buttons.index_buttons(application)
    menu.install(application, COMMANDS)
    application.add_error_handler(errors.on_error)
