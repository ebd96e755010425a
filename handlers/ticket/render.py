"""How a ticket reads: its number, the words for its category, severity, status and history lines,
the staff card and history, and the buttons under them.

Customers only ever read their ticket's number, the staff member's first name and team, and the
replies meant for them; internal notes and other customers' names never reach their texts.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.enums import TicketEventKind, TicketSeverity, TicketStatus
from bot.domain.text import clip
from bot.i18n import N_, Translator
from bot.services.ticket_notices import Signature, TicketEvent, TicketView
from handlers.card.links import open_customer_button
from handlers.common.labels import label
from handlers.ticket import callbacks

MAX_BODY = 700
MAX_LINE = 160
MAX_NAME = 80

CATEGORY_LABELS: dict[str, str] = {
    "product": N_("Product"),
    "delivery": N_("Delivery"),
    "service": N_("Service"),
    "billing": N_("Billing"),
    "other": N_("Other"),
}
SEVERITY_LABELS: dict[str, str] = {
    TicketSeverity.LOW: N_("low"),
    TicketSeverity.NORMAL: N_("normal"),
    TicketSeverity.HIGH: N_("high"),
    TicketSeverity.URGENT: N_("urgent"),
}
STATUS_LABELS: dict[str, str] = {
    TicketStatus.OPEN: N_("not yet taken"),
    TicketStatus.IN_PROGRESS: N_("in progress"),
    TicketStatus.ANSWERED: N_("answered"),
    TicketStatus.RESOLVED: N_("resolved"),
    TicketStatus.CLOSED: N_("closed"),
}
EVENT_LABELS: dict[str, str] = {
    TicketEventKind.CREATED: N_("opened"),
    TicketEventKind.ASSIGNED: N_("assigned"),
    TicketEventKind.REPLY_IN: N_("customer"),
    TicketEventKind.REPLY_OUT: N_("reply"),
    TicketEventKind.STATUS: N_("status"),
    TicketEventKind.ESCALATED: N_("escalated"),
    TicketEventKind.REOPENED: N_("reopened"),
    TicketEventKind.NOTE: N_("internal note"),
}


def number_text(t: Translator, number: int) -> str:
    return t.gettext("Complaint #{number}").format(number=number)


def bold_number(t: Translator, number: int) -> str:
    return f"<b>{escape(number_text(t, number))}</b>"


def signed(t: Translator, staff: Signature) -> str:
    """How a customer sees the staff member: a first name and the team, never their Telegram account."""
    return t.gettext("{name} from {team}").format(
        name=staff.first_name if staff.first_name is not None else t.gettext("Support"), team=staff.team
    )


def _due_line(t: Translator, caption: str, due: datetime | None, done: datetime | None, now: datetime) -> str:
    if due is None:
        return ""
    if done is not None:
        return t.gettext("{caption}: done {when}").format(caption=caption, when=t.day_time(done))
    if due <= now:
        return t.gettext("{caption}: by {when} ⚠️ overdue").format(caption=caption, when=t.day_time(due))
    return t.gettext("{caption}: by {when}").format(caption=caption, when=t.day_time(due))


def event_line(t: Translator, event: TicketEvent, actors: dict[int, str]) -> str:
    who = actors.get(event.actor_id) if event.actor_id is not None else None
    head = f"{t.day_time(event.at)} · {label(t, EVENT_LABELS, event.kind)}"
    if who and event.kind != TicketEventKind.REPLY_IN:
        head += f" · {escape(who)}"
    details = event.details or {}
    if event.kind == TicketEventKind.STATUS and "status" in details:
        body = label(t, STATUS_LABELS, str(details["status"]))
    elif event.kind == TicketEventKind.STATUS and "severity" in details:
        body = t.gettext("severity {level}").format(level=label(t, SEVERITY_LABELS, str(details["severity"])))
    elif event.kind == TicketEventKind.ASSIGNED:
        body = escape(str(details.get("to_name") or ""))
    else:
        body = escape(clip(event.body or "", MAX_LINE))
    return f"• {head}: {body}" if body else f"• {head}"


def card_text(t: Translator, view: TicketView, *, head: str | None = None, events: int = 3) -> str:
    """The card: customer, category, severity, status, deadlines in the reader's time, latest events."""
    ticket = view.ticket
    lines = [head] if head else []
    lines.append(f"🎫 {bold_number(t, ticket.number)} · {escape(clip(view.customer_name, MAX_NAME))}")
    lines.append(
        t.gettext("Category: {category} · Severity: {severity}").format(
            category=label(t, CATEGORY_LABELS, ticket.category),
            severity=label(t, SEVERITY_LABELS, ticket.severity),
        )
    )
    assignee = escape(view.assignee_name) if view.assignee_name else t.gettext("nobody")
    lines.append(
        t.gettext("Status: {status} · Assigned to: {assignee}").format(
            status=label(t, STATUS_LABELS, ticket.status), assignee=assignee
        )
    )
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        lines.append(
            _due_line(
                t,
                t.gettext("First response"),
                ticket.first_response_due_at,
                ticket.first_response_at,
                view.now,
            )
        )
        lines.append(_due_line(t, t.gettext("Resolution"), ticket.resolve_due_at, None, view.now))
    lines.append(f"<i>{escape(clip(ticket.description, MAX_BODY))}</i>")
    shown = [event for event in view.events if event.kind != TicketEventKind.CREATED][-events:]
    if shown:
        lines.append(t.gettext("Latest:"))
        lines.extend(event_line(t, event, view.actors) for event in shown)
    return "\n".join(line for line in lines if line)


def history_text(t: Translator, view: TicketView) -> str:
    lines = [f"🗂 {bold_number(t, view.ticket.number)} · {escape(view.customer_name)}"]
    lines.extend(event_line(t, event, view.actors) for event in view.events)
    return "\n".join(lines)


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def staff_keyboard(t: Translator, view: TicketView, *, manager: bool) -> InlineKeyboardMarkup:
    ticket_id, status = view.ticket.id, view.ticket.status
    rows: list[list[InlineKeyboardButton]] = []
    if status == TicketStatus.OPEN:
        rows.append([_button(t.gettext("✋ Take"), callbacks.TAKE_TICKET.data(ticket_id=ticket_id))])
    if status != TicketStatus.CLOSED:
        rows.append(
            [
                _button(t.gettext("💬 Reply"), callbacks.REPLY_TO_TICKET.data(ticket_id=ticket_id)),
                _button(t.gettext("📝 Note"), callbacks.NOTE_ON_TICKET.data(ticket_id=ticket_id)),
            ]
        )
    if status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        rows.append([_button(t.gettext("✅ Resolve"), callbacks.RESOLVE_TICKET.data(ticket_id=ticket_id))])
    rows.append(
        [
            _button(t.gettext("Severity"), callbacks.TICKET_SEVERITY.data(ticket_id=ticket_id)),
            _button(t.gettext("History"), callbacks.TICKET_HISTORY.data(ticket_id=ticket_id)),
        ]
    )
    if manager and status != TicketStatus.CLOSED:
        rows.append([reassign_button(t, ticket_id)])
    rows.append([open_customer_button(t, view.customer_id)])
    return InlineKeyboardMarkup(rows)


def reassign_button(t: Translator, ticket_id: int) -> InlineKeyboardButton:
    return _button(t.gettext("🔁 Reassign"), callbacks.REASSIGN_TICKET.data(ticket_id=ticket_id))


def open_ticket_button(t: Translator, ticket_id: int) -> InlineKeyboardButton:
    return _button(t.gettext("🎫 View ticket"), callbacks.OPEN_TICKET.data(ticket_id=ticket_id))


def reply_button(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    """The customer's button under a reply: write back to the ticket."""
    return InlineKeyboardMarkup(
        [[_button(t.gettext("↩️ Reply"), callbacks.WRITE_TO_TICKET.data(ticket_id=ticket_id))]]
    )
