"""What the duplicate guard (撞单) of /new shows: who the new customer may already be, and the way on.

Another rep's customer is named only by its name, company and owner, as the guard always named it;
the rep's own (or, for a manager, the team's) can be opened.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.customer_fields import Field
from bot.domain.text import clip
from bot.i18n import Translator
from bot.services.customer_records import Lookalike
from handlers.card.callbacks import OPEN_CUSTOMER
from handlers.customer import callbacks

MAX_LABEL = 60


def _who(lookalike: Lookalike, t: Translator) -> str:
    if not lookalike.company:
        return lookalike.name
    return t.gettext("{name} ({company})").format(name=lookalike.name, company=lookalike.company)


def _cancel(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.NEW_CANCEL.data())


def _open_rows(found: list[Lookalike], t: Translator) -> list[list[InlineKeyboardButton]]:
    return [[InlineKeyboardButton(clip(_who(f, t), MAX_LABEL), callback_data=_open(f))] for f in found]


def _open(lookalike: Lookalike) -> str:
    return OPEN_CUSTOMER.data(customer_id=lookalike.customer_id)


def _listed(found: list[Lookalike], t: Translator) -> list[str]:
    lines = [t.gettext("This customer may already exist:")]
    for found_one in found:
        who = _who(found_one, t)
        if found_one.owner_name:
            lines.append(t.gettext("• {customer} — {owner}").format(customer=who, owner=found_one.owner_name))
        else:
            lines.append(f"• {who}")
    return lines


def _transfer_button(other: Lookalike, t: Translator) -> InlineKeyboardButton:
    data = callbacks.NEW_TRANSFER.data(customer_id=other.customer_id)
    return InlineKeyboardButton(t.gettext("Request transfer"), callback_data=data)


def early_warning(found: list[Lookalike], *, after: Field, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """Shown as soon as the name (or the phone) is typed: open the existing customer, ask for a
    colleague's, or carry on because this one is different."""
    own = [f for f in found if f.visible]
    others = [f for f in found if not f.visible]
    parts: list[str] = []
    rows: list[list[InlineKeyboardButton]] = []
    if own:
        lines = _listed(own, t)
        lines.append(t.gettext("Open the existing one, or carry on if this is a different customer."))
        parts.append("\n".join(lines))
        rows += _open_rows(own, t)
    if others:
        other = others[0]
        if other.owner_name:
            parts.append(
                t.gettext(
                    "{customer} is already a customer of {owner}. If it is the same customer, ask your "
                    "manager to transfer it to you; if not, carry on."
                ).format(customer=_who(other, t), owner=other.owner_name)
            )
        else:
            parts.append(
                t.gettext(
                    "{customer} is already in your team's customers. If it is the same customer, ask your "
                    "manager to transfer it to you; if not, carry on."
                ).format(customer=_who(other, t))
            )
        rows.append([_transfer_button(other, t)])
    carry_on = InlineKeyboardButton(
        t.gettext("Continue creating"), callback_data=callbacks.NEW_CONTINUE.data(field=after)
    )
    rows.append([carry_on, _cancel(t)])
    return "\n\n".join(parts), InlineKeyboardMarkup(rows)


def final_offer(found: list[Lookalike], t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """Before the save: a colleague's customer can only be asked for (never created again); the
    rep's own can be opened or created anyway."""
    others = [f for f in found if not f.visible]
    if others:
        other = others[0]
        if other.owner_name:
            text = t.gettext(
                "{customer} is already a customer of {owner}. To avoid a duplicate, ask your manager "
                "to transfer the customer to you."
            ).format(customer=_who(other, t), owner=other.owner_name)
        else:
            text = t.gettext(
                "{customer} is already in your team's customers. To avoid a duplicate, ask your manager "
                "to transfer the customer to you."
            ).format(customer=_who(other, t))
        return text, InlineKeyboardMarkup([[_transfer_button(other, t)], [_cancel(t)]])
    lines = _listed(found, t)
    lines.append(t.gettext("Open the existing one, or create the new one anyway?"))
    rows = _open_rows(found, t)
    anyway = InlineKeyboardButton(t.gettext("Create anyway"), callback_data=callbacks.NEW_ANYWAY.data())
    rows.append([anyway, _cancel(t)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)
