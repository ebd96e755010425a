"""What tickets say: the staff card and history, the customer's notices, and the buttons on them.

Customers only ever read their ticket's number, the staff member's first name and team, and the
replies meant for them; internal notes and other customers' names never reach these texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.enums import TicketEventKind, TicketSeverity, TicketStatus
from bot.domain.text import clip
from bot.i18n import N_, Translator
from storage.models import Ticket, TicketEvent

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


@dataclass(frozen=True, slots=True)
class TicketView:
    """A ticket as staff see it: its customer, who holds it, its history and whether it is late."""

    ticket: Ticket
    customer_id: int
    customer_name: str
    assignee_name: str | None
    events: Sequence[TicketEvent]
    actors: dict[int, str]
    now: datetime


def label(t: Translator, table: dict[str, str], value: str) -> str:
    return t.gettext(table.get(value, value))


def number_text(t: Translator, number: int) -> str:
    return t.gettext("Complaint #{number}").format(number=number)


def staff_name(t: Translator, *, first_name: str, team: str) -> str:
    """How a customer sees the staff member: a first name and the team, never their Telegram account."""
    return t.gettext("{name} from {team}").format(name=first_name, team=team)


def _due_line(t: Translator, caption: str, due: datetime | None, done: datetime | None, now: datetime) -> str:
    if due is None:
        return ""
    if done is not None:
        return t.gettext("{caption}: done {when}").format(caption=caption, when=t.datetime(done, "short"))
    line = t.gettext("{caption}: by {when}").format(caption=caption, when=t.datetime(due, "short"))
    return f"{line} {t.gettext('⚠️ overdue')}" if due <= now else line


def event_line(t: Translator, event: TicketEvent, actors: dict[int, str]) -> str:
    who = actors.get(event.actor_id) if event.actor_id is not None else None
    head = f"{t.datetime(event.at, 'short')} · {label(t, EVENT_LABELS, event.kind)}"
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
    lines.append(
        f"🎫 <b>{escape(number_text(t, ticket.number))}</b> · {escape(clip(view.customer_name, MAX_NAME))}"
    )
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
    lines = [f"🗂 <b>{escape(number_text(t, view.ticket.number))}</b> · {escape(view.customer_name)}"]
    lines.extend(event_line(t, event, view.actors) for event in view.events)
    return "\n".join(lines)


def staff_keyboard(t: Translator, view: TicketView, *, manager: bool) -> InlineKeyboardMarkup:
    ticket_id, status = view.ticket.id, view.ticket.status
    rows: list[list[InlineKeyboardButton]] = []
    if status == TicketStatus.OPEN:
        rows.append([InlineKeyboardButton(t.gettext("✋ Take"), callback_data=f"tkt:take:{ticket_id}")])
    if status != TicketStatus.CLOSED:
        rows.append(
            [
                InlineKeyboardButton(t.gettext("💬 Reply"), callback_data=f"tkt:reply:{ticket_id}"),
                InlineKeyboardButton(t.gettext("📝 Note"), callback_data=f"tkt:note:{ticket_id}"),
            ]
        )
    if status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        rows.append([InlineKeyboardButton(t.gettext("✅ Resolve"), callback_data=f"tkt:done:{ticket_id}")])
    rows.append(
        [
            InlineKeyboardButton(t.gettext("Severity"), callback_data=f"tkt:sev:{ticket_id}"),
            InlineKeyboardButton(t.gettext("History"), callback_data=f"tkt:hist:{ticket_id}"),
        ]
    )
    if manager and status != TicketStatus.CLOSED:
        rows.append([InlineKeyboardButton(t.gettext("🔁 Reassign"), callback_data=f"tkt:move:{ticket_id}")])
    rows.append(
        [InlineKeyboardButton(t.gettext("Open customer"), callback_data=f"cust:open:{view.customer_id}")]
    )
    return InlineKeyboardMarkup(rows)


def open_button(t: Translator, ticket: Ticket) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.gettext("💬 Reply"), callback_data=f"tkt:reply:{ticket.id}")],
            [InlineKeyboardButton(t.gettext("🎫 Open ticket"), callback_data=f"tkt:open:{ticket.id}")],
        ]
    )


def reply_button(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t.gettext("↩️ Reply"), callback_data=f"tkt:ans:{ticket_id}")]]
    )


def resolved_keyboard(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.gettext("👍 Yes, it is settled"), callback_data=f"tkt:ok:{ticket_id}")],
            [InlineKeyboardButton(t.gettext("↩️ No, reopen it"), callback_data=f"tkt:again:{ticket_id}")],
        ]
    )


def taken_text(t: Translator, *, number: int, staff: str) -> str:
    return t.gettext("🛠 {ticket}: {staff} has taken it and is working on it.").format(
        ticket=f"<b>{escape(number_text(t, number))}</b>", staff=escape(staff)
    )


def answer_text(t: Translator, *, number: int, staff: str, body: str) -> str:
    head = t.gettext("💬 {ticket} · {staff}:").format(
        ticket=f"<b>{escape(number_text(t, number))}</b>", staff=escape(staff)
    )
    return f"{head}\n{escape(body)}"


def resolved_text(t: Translator, *, number: int, staff: str) -> str:
    return t.gettext("✅ {ticket} was marked as resolved by {staff}. Is everything settled for you?").format(
        ticket=f"<b>{escape(number_text(t, number))}</b>", staff=escape(staff)
    )


def customer_wrote_text(t: Translator, *, number: int, customer: str, body: str, reopened: bool) -> str:
    ticket = f"<b>{escape(number_text(t, number))}</b>"
    name = escape(clip(customer, MAX_NAME))
    if reopened:
        head = t.gettext("🔁 {ticket} was reopened: {customer} wrote again.").format(
            ticket=ticket, customer=name
        )
    else:
        head = t.gettext("💬 {ticket} · {customer} wrote:").format(ticket=ticket, customer=name)
    return f"{head}\n{escape(body)}" if body else head
