"""Complaint tickets: opening one, and every change staff and the customer make to it afterwards.

Every press is re-checked here, not trusted from a button: a rep acts only on tickets assigned to
them or of their own customers, a manager on the team's, a customer only on their own and only
with a customer's actions. Every change is a history event and returns the push requests that tell
the other side (bot/services/ticket_notices.py; the customer's are signed with the staff member's
first name), for the caller to queue in the same unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import TicketEventKind, TicketSeverity, TicketStatus
from bot.domain.roles import Role
from bot.domain.sla import sla_for
from bot.domain.viewer import Viewer
from bot.services import ticket_notices as notices
from bot.services.errors import NotAllowed, NotFound, ServiceError
from bot.services.pushes import PushRequest
from bot.services.ticket_notices import TicketView
from storage.models import Customer, Team, Ticket, TicketEvent, User
from storage.queries import customers, tickets, users
from storage.queries.tickets import OPEN_STATUSES, TicketLine

CATEGORIES = ("product", "delivery", "service", "billing", "other")
MAX_DESCRIPTION = 2000
MAX_REPLY = 2000
LIST_LIMIT = 20
STAFF = (Role.REP, Role.MANAGER, Role.ADMIN)


class TicketGone(NotFound):
    """Missing, erased, or not this viewer's to act on: the same answer in every case."""


class WrongState(ServiceError):
    """The ticket has moved on since the button was sent (taken, resolved, closed)."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class NotLinked(NotFound):
    """A customer account whose customer record is gone."""


@dataclass(frozen=True, slots=True)
class Done:
    """What a change did, for the presser's reply, and the pushes that tell the others."""

    ticket_id: int
    number: int
    status: str
    delivered: bool = True
    reopened: bool = False
    pushes: tuple[PushRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class Opened:
    """A ticket just opened (or the one a repeated message opened before), and its announcement."""

    ticket: Ticket
    pushes: tuple[PushRequest, ...] = ()


async def open_ticket(
    session: AsyncSession,
    *,
    customer: Customer,
    category: str,
    description: str,
    now: datetime,
    opened_by_id: int | None,
    severity: TicketSeverity = TicketSeverity.NORMAL,
    photo_file_id: str | None = None,
    feedback_id: int | None = None,
    client_ref: str | None = None,
) -> Opened:
    """A new open ticket assigned to the customer's owner, with its SLA deadlines and a history line;
    the owner (or, without one, the managers) is to get the card with its buttons.

    With `client_ref` (the message that filed it), a second call for the same message returns the
    ticket the first one opened, so an update processed again after a crash opens nothing new."""
    if client_ref is not None:
        existing = await tickets.by_client_ref(session, client_ref=client_ref)
        if existing is not None:
            return Opened(existing)
    team = await session.get(Team, customer.team_id)
    respond_by, resolve_by = sla_for(severity, team.settings if team else None).deadlines(now)
    ticket = await tickets.add(
        session,
        team_id=customer.team_id,
        number=await tickets.next_number(session, team_id=customer.team_id),
        customer_id=customer.id,
        opened_by_id=opened_by_id,
        feedback_id=feedback_id,
        category=category if category in CATEGORIES else "other",
        severity=severity.value,
        status=TicketStatus.OPEN.value,
        assignee_id=customer.owner_id,
        description=description[:MAX_DESCRIPTION],
        photo_file_id=photo_file_id,
        first_response_due_at=respond_by,
        resolve_due_at=resolve_by,
        created_at=now,
        updated_at=now,
        client_ref=client_ref,
    )
    await tickets.add_event(
        session,
        ticket_id=ticket.id,
        kind=TicketEventKind.CREATED,
        now=now,
        actor_id=opened_by_id,
        body=ticket.description,
        details={"category": ticket.category, "severity": ticket.severity},
    )
    return Opened(ticket, await _announcement(session, ticket, customer, now=now))


async def _announcement(
    session: AsyncSession, ticket: Ticket, customer: Customer, *, now: datetime
) -> tuple[PushRequest, ...]:
    """The card (after the photo, if there is one) to each staff member who is to handle it."""
    view = await notices.view_of(session, ticket, customer, now=now)
    told: list[PushRequest] = []
    for user in await notices.staff_audience(session, ticket, customer):
        to = await notices.recipient(session, user)
        if to is None:
            continue
        if ticket.photo_file_id:
            photo = notices.NewTicketPhoto(ticket.number, ticket.photo_file_id)
            told.append(notices.request(f"tkt-new-photo:{ticket.id}:{user.id}", to, photo))
        card = notices.NewTicket(view, manager=user.role in (Role.MANAGER, Role.ADMIN))
        told.append(notices.request(f"tkt-new:{ticket.id}:{user.id}", to, card))
    return tuple(told)


async def staff_ticket(session: AsyncSession, *, viewer: Viewer, ticket_id: int) -> tuple[Ticket, Customer]:
    """The ticket, if this staff member may act on it."""
    role = viewer.effective_role
    found = await tickets.with_customer(session, ticket_id=ticket_id) if role in STAFF else None
    if found is None or found[0].team_id != viewer.team_id:
        raise TicketGone(ticket_id)
    ticket, customer = found
    if role is Role.REP and viewer.user_id not in (ticket.assignee_id, customer.owner_id):
        raise TicketGone(ticket_id)
    return ticket, customer


async def customer_ticket(
    session: AsyncSession, *, viewer: Viewer, ticket_id: int
) -> tuple[Ticket, Customer]:
    """The ticket, if it is this customer's own."""
    found = (
        await tickets.with_customer(session, ticket_id=ticket_id)
        if viewer.effective_role is Role.CUSTOMER
        else None
    )
    if found is None or found[1].user_id != viewer.user_id:
        raise TicketGone(ticket_id)
    return found


async def _status(
    session: AsyncSession,
    ticket: Ticket,
    status: TicketStatus,
    *,
    now: datetime,
    actor_id: int | None,
    **details: Any,
) -> TicketEvent:
    ticket.status = status.value
    ticket.updated_at = now
    return await tickets.add_event(
        session,
        ticket_id=ticket.id,
        kind=TicketEventKind.STATUS,
        now=now,
        actor_id=actor_id,
        details={"status": status.value, **details},
    )


async def take(session: AsyncSession, *, viewer: Viewer, ticket_id: int, now: datetime) -> Done:
    """Staff take a new ticket (it becomes theirs if nobody held it); the customer is told."""
    ticket, customer = await staff_ticket(session, viewer=viewer, ticket_id=ticket_id)
    if ticket.status != TicketStatus.OPEN:
        raise WrongState(ticket.status)
    if ticket.assignee_id is None:
        await _assign(session, ticket, viewer.user_id, now=now, actor_id=viewer.user_id)
    event = await _status(session, ticket, TicketStatus.IN_PROGRESS, now=now, actor_id=viewer.user_id)
    staff = await notices.signature(session, ticket, viewer.user_id)
    told = await notices.tell_customer(session, customer, event, notices.Taken(ticket.number, staff))
    return Done(ticket.id, ticket.number, ticket.status, bool(told), pushes=tuple(told))


async def reply(
    session: AsyncSession,
    *,
    viewer: Viewer,
    ticket_id: int,
    text: str,
    now: datetime,
    from_customer: bool,
    client_ref: str | None = None,
    photo_file_id: str | None = None,
) -> Done:
    """A message on the ticket from one side, passed on to the other; a closed ticket takes no more.
    The customer's may be a photo (`text` its caption), kept in the history line and passed on as a photo.

    Staff's reaches the customer signed with their first name and answers the ticket (the first
    answer is the SLA's first response); the customer's reaches whoever holds the ticket. A customer
    replying to staff's answer puts the ticket back in progress (ours to answer, nothing reopened);
    only writing to a ticket marked resolved reopens it."""
    find = customer_ticket if from_customer else staff_ticket
    ticket, customer = await find(session, viewer=viewer, ticket_id=ticket_id)
    kind = TicketEventKind.REPLY_IN if from_customer else TicketEventKind.REPLY_OUT
    photo = photo_file_id if from_customer else None
    event = await _message(
        session, ticket, kind, text=text, now=now, actor_id=viewer.user_id, client_ref=client_ref, photo=photo
    )
    body = event.body or ""
    if from_customer:
        reopened = ticket.status == TicketStatus.RESOLVED
        replied = ticket.status == TicketStatus.ANSWERED
        if reopened:
            await _reopen(session, ticket, now=now, actor_id=viewer.user_id)
        elif replied:
            await _status(session, ticket, TicketStatus.IN_PROGRESS, now=now, actor_id=viewer.user_id)
        wrote = notices.CustomerWrote(ticket.id, ticket.number, customer.name, body, reopened, replied, photo)
        told = await notices.tell_staff(session, ticket, customer, event, wrote)
        return Done(ticket.id, ticket.number, ticket.status, reopened=reopened, pushes=tuple(told))
    if ticket.assignee_id is None:
        await _assign(session, ticket, viewer.user_id, now=now, actor_id=viewer.user_id)
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    if ticket.status != TicketStatus.ANSWERED:
        ticket.resolved_at = None
        await _status(session, ticket, TicketStatus.ANSWERED, now=now, actor_id=viewer.user_id)
    staff = await notices.signature(session, ticket, viewer.user_id)
    answer = notices.Answered(ticket.id, ticket.number, staff, body)
    told = await notices.tell_customer(session, customer, event, answer)
    return Done(ticket.id, ticket.number, ticket.status, bool(told), pushes=tuple(told))


async def note(
    session: AsyncSession,
    *,
    viewer: Viewer,
    ticket_id: int,
    text: str,
    now: datetime,
    client_ref: str | None = None,
) -> Done:
    """An internal note: kept in the history, never sent to the customer."""
    ticket, _ = await staff_ticket(session, viewer=viewer, ticket_id=ticket_id)
    await _message(
        session,
        ticket,
        TicketEventKind.NOTE,
        text=text,
        now=now,
        actor_id=viewer.user_id,
        client_ref=client_ref,
    )
    return Done(ticket.id, ticket.number, ticket.status)


async def resolve(session: AsyncSession, *, viewer: Viewer, ticket_id: int, now: datetime) -> Done:
    """Staff mark it resolved; the customer is asked to confirm or reopen."""
    ticket, customer = await staff_ticket(session, viewer=viewer, ticket_id=ticket_id)
    if ticket.status not in OPEN_STATUSES:
        raise WrongState(ticket.status)
    ticket.resolved_at = now
    event = await _status(session, ticket, TicketStatus.RESOLVED, now=now, actor_id=viewer.user_id)
    staff = await notices.signature(session, ticket, viewer.user_id)
    told = await notices.tell_customer(
        session, customer, event, notices.Resolved(ticket.id, ticket.number, staff)
    )
    return Done(ticket.id, ticket.number, ticket.status, bool(told), pushes=tuple(told))


async def set_severity(
    session: AsyncSession, *, viewer: Viewer, ticket_id: int, severity: TicketSeverity, now: datetime
) -> Done:
    """A new severity; both deadlines are recomputed from when the ticket was opened."""
    ticket, _ = await staff_ticket(session, viewer=viewer, ticket_id=ticket_id)
    if ticket.status == TicketStatus.CLOSED:
        raise WrongState(ticket.status)
    team = await session.get(Team, ticket.team_id)
    ticket.first_response_due_at, ticket.resolve_due_at = sla_for(
        severity, team.settings if team else None
    ).deadlines(ticket.created_at)
    previous, ticket.severity = ticket.severity, severity.value
    ticket.updated_at = now
    await tickets.add_event(
        session,
        ticket_id=ticket.id,
        kind=TicketEventKind.STATUS,
        now=now,
        actor_id=viewer.user_id,
        details={"severity": severity.value, "from": previous},
    )
    return Done(ticket.id, ticket.number, ticket.status)


async def _assign(
    session: AsyncSession, ticket: Ticket, user_id: int, *, now: datetime, actor_id: int | None
) -> None:
    user = await session.get(User, user_id)
    previous, ticket.assignee_id = ticket.assignee_id, user_id
    await tickets.add_event(
        session,
        ticket_id=ticket.id,
        kind=TicketEventKind.ASSIGNED,
        now=now,
        actor_id=actor_id,
        details={"to": user_id, "to_name": user.full_name if user else "", "from": previous},
    )


async def reassign_choices(
    session: AsyncSession, *, viewer: Viewer, ticket_id: int
) -> tuple[Ticket, list[User]]:
    """The team's other active reps, for a manager's Reassign."""
    if viewer.effective_role not in (Role.MANAGER, Role.ADMIN):
        raise NotAllowed
    ticket, _ = await staff_ticket(session, viewer=viewer, ticket_id=ticket_id)
    return ticket, [rep for rep in await _reps(session, ticket.team_id) if rep.id != ticket.assignee_id]


async def _reps(session: AsyncSession, team_id: int) -> list[User]:
    members = await users.team_members(session, team_id=team_id)
    return [user for user in members if user.role == Role.REP and user.is_active]


async def reassign(
    session: AsyncSession,
    *,
    viewer: Viewer,
    ticket_id: int,
    to_user_id: int,
    now: datetime,
) -> tuple[Done, str]:
    """A manager hands the ticket to another rep of the team, who gets its card."""
    if viewer.effective_role not in (Role.MANAGER, Role.ADMIN):
        raise NotAllowed
    ticket, customer = await staff_ticket(session, viewer=viewer, ticket_id=ticket_id)
    if ticket.status == TicketStatus.CLOSED:
        raise WrongState(ticket.status)
    target = next((rep for rep in await _reps(session, ticket.team_id) if rep.id == to_user_id), None)
    if target is None:
        raise NotFound(to_user_id)
    told: list[PushRequest] = []
    if ticket.assignee_id != target.id:
        await _assign(session, ticket, target.id, now=now, actor_id=viewer.user_id)
        ticket.updated_at = now
        view = await notices.view_of(session, ticket, customer, now=now)
        to = await notices.recipient(session, target)
        if to is not None:
            key = f"tkt-moved:{ticket.id}:{len(view.events)}:{target.id}"
            told.append(notices.request(key, to, notices.HandedOver(view)))
    return Done(ticket.id, ticket.number, ticket.status, pushes=tuple(told)), target.full_name


async def _message(
    session: AsyncSession,
    ticket: Ticket,
    kind: TicketEventKind,
    *,
    text: str,
    now: datetime,
    actor_id: int,
    client_ref: str | None,
    photo: str | None = None,
) -> TicketEvent:
    """A message either way joins the history (a photo as 📷 and its caption, the file in its details);
    a closed ticket takes no more.

    The same message seen again (an update processed twice) returns the line it made the first
    time: the pushes that follow are keyed by its id, and the status changes are already made."""
    if client_ref is not None:
        existing = await tickets.event_by_client_ref(session, client_ref=client_ref)
        if existing is not None and existing.ticket_id == ticket.id:
            return existing
    if ticket.status == TicketStatus.CLOSED:
        raise WrongState(ticket.status)
    return await tickets.add_event(
        session,
        ticket_id=ticket.id,
        kind=kind,
        now=now,
        actor_id=actor_id,
        body=" ".join(part for part in ("📷" if photo else "", text.strip()[:MAX_REPLY]) if part),
        client_ref=client_ref,
        details={"photo": photo} if photo else None,
    )


async def _reopen(
    session: AsyncSession, ticket: Ticket, *, now: datetime, actor_id: int | None
) -> TicketEvent:
    ticket.status = TicketStatus.IN_PROGRESS.value
    ticket.resolved_at = None
    ticket.updated_at = now
    return await tickets.add_event(
        session, ticket_id=ticket.id, kind=TicketEventKind.REOPENED, now=now, actor_id=actor_id
    )


async def confirm(session: AsyncSession, *, viewer: Viewer, ticket_id: int, now: datetime) -> Done:
    """The customer agrees it is settled: the ticket closes and its holder hears so."""
    ticket, customer = await customer_ticket(session, viewer=viewer, ticket_id=ticket_id)
    if ticket.status != TicketStatus.RESOLVED:
        raise WrongState(ticket.status)
    ticket.closed_at = now
    event = await _status(session, ticket, TicketStatus.CLOSED, now=now, actor_id=viewer.user_id)
    settled = notices.Settled(ticket.id, ticket.number, customer.name)
    told = await notices.tell_staff(session, ticket, customer, event, settled)
    return Done(ticket.id, ticket.number, ticket.status, pushes=tuple(told))


async def reopen(session: AsyncSession, *, viewer: Viewer, ticket_id: int, now: datetime) -> Done:
    """The customer says it is not settled: back to in progress, and its holder hears so."""
    ticket, customer = await customer_ticket(session, viewer=viewer, ticket_id=ticket_id)
    if ticket.status != TicketStatus.RESOLVED:
        raise WrongState(ticket.status)
    event = await _reopen(session, ticket, now=now, actor_id=viewer.user_id)
    again = notices.CustomerWrote(ticket.id, ticket.number, customer.name, "", reopened=True, replied=False)
    told = await notices.tell_staff(session, ticket, customer, event, again)
    return Done(ticket.id, ticket.number, ticket.status, reopened=True, pushes=tuple(told))


async def own_customer(session: AsyncSession, *, viewer: Viewer) -> Customer:
    """The customer record behind a customer's account."""
    found = (
        await customers.of_account(session, user_id=viewer.user_id)
        if viewer.effective_role is Role.CUSTOMER
        else None
    )
    if found is None:
        raise NotLinked(viewer.user_id)
    return found


async def customer_list(session: AsyncSession, *, viewer: Viewer) -> list[tuple[Ticket, TicketEvent | None]]:
    """A customer's own tickets, newest first, each with the last message they may read."""
    customer = await own_customer(session, viewer=viewer)
    rows = await tickets.of_customer(session, customer_id=customer.id)
    last = await tickets.last_public_events(session, ticket_ids=[row.id for row in rows])
    return [(row, last.get(row.id)) for row in rows]


async def unresolved(session: AsyncSession, *, viewer: Viewer) -> list[Ticket]:
    """The customer's tickets still being worked on: where a plain message of theirs may belong."""
    customer = await own_customer(session, viewer=viewer)
    return await tickets.of_customer(session, customer_id=customer.id, statuses=OPEN_STATUSES)


async def staff_list(session: AsyncSession, *, viewer: Viewer, now: datetime) -> list[TicketLine]:
    """Open tickets, overdue first: a rep's own (assigned or of their customers), a manager's team's."""
    role = viewer.effective_role
    if role not in STAFF or viewer.team_id is None:
        return []
    return await tickets.open_for_staff(
        session,
        team_id=viewer.team_id,
        user_id=viewer.user_id if role is Role.REP else None,
        now=now,
        limit=LIST_LIMIT,
    )


async def card(
    session: AsyncSession, *, viewer: Viewer, ticket_id: int, now: datetime, limit: int | None = 10
) -> TicketView:
    ticket, customer = await staff_ticket(session, viewer=viewer, ticket_id=ticket_id)
    return await notices.view_of(session, ticket, customer, now=now, limit=limit)


async def writable(session: AsyncSession, *, viewer: Viewer, ticket_id: int) -> Ticket:
    """The ticket a Reply or Note button is about, if this viewer may still write to it."""
    if viewer.effective_role is Role.CUSTOMER:
        ticket, _ = await customer_ticket(session, viewer=viewer, ticket_id=ticket_id)
    else:
        ticket, _ = await staff_ticket(session, viewer=viewer, ticket_id=ticket_id)
    if ticket.status == TicketStatus.CLOSED:
        raise WrongState(ticket.status)
    return ticket
