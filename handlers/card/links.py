"""The buttons other features put under a message to lead to a customer's card.

Each opens the card through the card's own `cust:open` button, so the press is checked like any other
opening of the card.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from handlers.card.callbacks import OPEN_CUSTOMER


def open_customer_button(t: Translator, customer_id: int) -> InlineKeyboardButton:
    """The Open customer button, for a keyboard that also carries the message's own answers."""
    return InlineKeyboardButton(
        t.gettext("Open card"), callback_data=OPEN_CUSTOMER.data(customer_id=customer_id)
    )


def open_customer_markup(t: Translator, customer_id: int) -> InlineKeyboardMarkup:
    """The one button under a push or a notice about one customer."""
    return InlineKeyboardMarkup([[open_customer_button(t, customer_id)]])


def open_card_markup(t: Translator, customer_id: int) -> InlineKeyboardMarkup:
    """The one button under a dialog's last message that leads back to the customer."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Open card"), callback_data=OPEN_CUSTOMER.data(customer_id=customer_id)
                )
            ]
        ]
    )
