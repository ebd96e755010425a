"""How the notices of a ticket read in their recipient's chat: the new card to staff, the customer's
news of their complaint signed with a first name, the customer's words back to staff, and the
manager's escalation.

The ticket service and the SLA job say whom to tell and what about (bot/services/ticket_notices.py,
ticket_sla.py); these renderers are registered for their notice types, so a job queues them
without knowing how they read.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.domain.text import clip
from bot.i18n import Translator
from bot.outbox import payloads
from bot.runtime.pushes import Payload, render_with
from bot.services.ticket_notices import (
    Answered,
    CustomerWrote,
    HandedOver,
    NewTicket,
    NewTicketPhoto,
    Resolved,
    Settled,
    Taken,
)
from bot.services.ticket_sla import Overdue
from handlers.ticket import callbacks
from handlers.ticket.render import (
    MAX_NAME,
    bold_number,
    card_text,
    history_text,
    number_text,
    open_ticket_button,
    reassign_button,
    reply_button,
    signed,
    staff_keyboard,
)

MAX_ESCALATION_TEXT = 3800


def new_ticket(notice: NewTicket, t: Translator) -> Payload:
    head = t.gettext("🆕 New complaint from {customer}").format(customer=escape(notice.view.customer_name))
    return payloads.message(
        card_text(t, notice.view, head=head), staff_keyboard(t, notice.view, manager=notice.manager)
    )


def new_ticket_photo(notice: NewTicketPhoto, t: Translator) -> Payload:
    return payloads.photo_by_id(notice.file_id, number_text(t, notice.number))


def handed_over(notice: HandedOver, t: Translator) -> Payload:
    head = t.gettext("🔁 {ticket} was handed to you.").format(
        ticket=number_text(t, notice.view.ticket.number)
    )
    return payloads.message(
        card_text(t, notice.view, head=head), staff_keyboard(t, notice.view, manager=False)
    )


def reply_or_open(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    """Under the customer's news to staff: answer them, or open the card."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("💬 Reply"), callback_data=callbacks.REPLY_TO_TICKET.data(ticket_id=ticket_id)
                )
            ],
            [open_ticket_button(t, ticket_id)],
        ]
    )


def customer_wrote(notice: CustomerWrote, t: Translator) -> Payload:
    ticket = bold_number(t, notice.number)
    name = escape(clip(notice.customer_name, MAX_NAME))
    if notice.reopened and not notice.body:
        head = t.gettext("🔁 {ticket} was reopened: {customer} says it is not settled.").format(
            ticket=ticket, customer=name
        )
    elif notice.reopened:
        head = t.gettext("🔁 {ticket} was reopened: {customer} wrote again.").format(
            ticket=ticket, customer=name
        )
    elif notice.replied:
        head = t.gettext("💬 {ticket} · {customer} replied to your answer:").format(
            ticket=ticket, customer=name
        )
    else:
        head = t.gettext("💬 {ticket} · {customer} wrote:").format(ticket=ticket, customer=name)
    text = f"{head}\n{escape(notice.body)}" if notice.body else head
    if notice.photo_file_id is None:
        return payloads.message(text, reply_or_open(t, notice.ticket_id))
    photo = payloads.photo_by_id(notice.photo_file_id, text)
    photo["params"]["reply_markup"] = reply_or_open(t, notice.ticket_id).to_dict()
    return photo


def settled(notice: Settled, t: Translator) -> Payload:
    text = t.gettext("👍 {ticket}: {customer} confirmed it is settled.").format(
        ticket=number_text(t, notice.number), customer=escape(notice.customer_name)
    )
    return payloads.message(text, reply_or_open(t, notice.ticket_id))


def taken(notice: Taken, t: Translator) -> Payload:
    text = t.gettext("🛠 {ticket}: {staff} has taken it and is working on it.").format(
        ticket=bold_number(t, notice.number), staff=escape(signed(t, notice.staff))
    )
    return payloads.message(text)


def answered(notice: Answered, t: Translator) -> Payload:
    head = t.gettext("💬 {ticket} · {staff}:").format(
        ticket=bold_number(t, notice.number), staff=escape(signed(t, notice.staff))
    )
    return payloads.message(f"{head}\n{escape(notice.body)}", reply_button(t, notice.ticket_id))


def resolved(notice: Resolved, t: Translator) -> Payload:
    text = t.gettext("✅ {ticket} was marked as resolved by {staff}. Is everything settled for you?").format(
        ticket=bold_number(t, notice.number), staff=escape(signed(t, notice.staff))
    )
    return payloads.message(text, resolved_keyboard(t, notice.ticket_id))


def resolved_keyboard(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("👍 Yes, it is settled"),
                    callback_data=callbacks.TICKET_SETTLED.data(ticket_id=ticket_id),
                )
            ],
            [
                InlineKeyboardButton(
                    t.gettext("↩️ No, reopen it"),
                    callback_data=callbacks.TICKET_NOT_SETTLED.data(ticket_id=ticket_id),
                )
            ],
        ]
    )


def escalation_text(t: Translator, notice: Overdue) -> str:
    view = notice.view
    ticket = view.ticket
    name = bold_number(t, ticket.number)
    if (
        ticket.first_response_at is None
        and ticket.first_response_due_at is not None
        and ticket.first_response_due_at <= view.now
    ):
        head = t.gettext("⏰ {ticket} has had no first response; it was due {when}.").format(
            ticket=name, when=t.day_time(ticket.first_response_due_at)
        )
    else:
        assert ticket.resolve_due_at is not None
        head = t.gettext("⏰ {ticket} is not resolved; it was due {when}.").format(
            ticket=name, when=t.day_time(ticket.resolve_due_at)
        )
    text = f"{head}\n\n{card_text(t, view, events=0)}\n\n{history_text(t, view)}"
    return text if len(text) <= MAX_ESCALATION_TEXT else text[: MAX_ESCALATION_TEXT - 1] + "…"


def escalation_keyboard(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[reassign_button(t, ticket_id)], [open_ticket_button(t, ticket_id)]])


def overdue(notice: Overdue, t: Translator) -> Payload:
    return payloads.message(escalation_text(t, notice), escalation_keyboard(t, notice.view.ticket.id))


def register(application: Application) -> None:  # type: ignore[type-arg]
    render_with(application, NewTicket, new_ticket)
    render_with(application, NewTicketPhoto, new_ticket_photo)
    render_with(application, HandedOver, handed_over)
    render_with(application, CustomerWrote, customer_wrote)
    render_with(application, Settled, settled)
    render_with(application, Taken, taken)
    render_with(application, Answered, answered)
    render_with(application, Resolved, resolved)
    render_with(application, Overdue, overdue)
