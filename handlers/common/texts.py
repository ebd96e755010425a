"""Shared by several handlers: role names, the explanation strangers get, stale buttons."""

from __future__ import annotations

from bot.domain.roles import ROLE_LABELS, Role
from bot.i18n import Translator


def role_label(role: Role, t: Translator) -> str:
    return t.gettext(ROLE_LABELS[role])


def stranger_text(t: Translator) -> str:
    return t.gettext(
        "Hello! I am FieldCRM, the sales assistant of the teams that use me, "
        "but I don't know you yet.\n\n"
        "• If you work in sales, ask your manager for an invite link and open it.\n"
        "• If you are a customer, open the link your sales contact sent you.\n"
        "• To send us a message anyway, use /feedback.\n\n"
        "/lang changes the language."
    )


def deactivated_text(t: Translator) -> str:
    return t.gettext(
        "Your access to FieldCRM has been switched off. If you think this is a mistake, "
        "please contact your manager."
    )


def unknown_command_text(t: Translator) -> str:
    return t.gettext("I don't know that command. /help lists what you can do.")


def stale_button_text(t: Translator) -> str:
    return t.gettext("This button is no longer active. Please start again from the menu.")
