"""Who hears about a ticket and what about: the notices its changes produce, as plain data.

The ticket feature words them in each recipient's language when the requests are queued
(handlers/ticket/pushes.py). A customer's notices carry only their ticket's number, the staff
member's first name and team, and the replies meant for them; internal notes and other
customers' names never reach them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from bot.services.pushes import PushRequest, Recipient
from storage.models import Customer, Team, Ticket, User
from storage.models import TicketEvent as TicketEvent
from storage.queries import tickets, users

PUSH_KIND = "ticket"
PUSH_PRIORITY = 3


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


@dataclass(frozen=True, slots=True)
class NewTicket:
    """A complaint just opened, for a staff member who is to handle it: its card and buttons."""

    view: TicketView
    manager: bool


@dataclass(frozen=True, slots=True)
class NewTicketPhoto:
    """The photo a complaint was filed with, sent just before its card."""

    number: int
    file_id: str


@dataclass(frozen=True, slots=True)
class HandedOver:
    """A manager gave the ticket to this rep: its card."""

    view: TicketView


@dataclass(frozen=True, slots=True)
class CustomerWrote:
    """The customer wrote to their ticket: a reply to staff's answer (`replied`), or more words (or a
    photo); or they said a resolved ticket is not settled (`reopened`, maybe no `body`)."""

    ticket_id: int
    number: int
    customer_name: str
    body: str
    reopened: bool
    replied: bool = False
    photo_file_id: str | None = None


@dataclass(frozen=True, slots=True)
class Settled:
    """The customer confirmed the ticket is settled; it is closed."""

    ticket_id: int
    number: int
    customer_name: str


@dataclass(frozen=True, slots=True)
class Signature:
    """Who acted, as a customer sees them: a first name (none: the team's support) and the team,
    never their Telegram account."""

    first_name: str | None
    team: str


@dataclass(frozen=True, slots=True)
class Taken:
    number: int
    staff: Signature


@dataclass(frozen=True, slots=True)
class Answered:
    """Staff's reply to the customer, with a button to answer it."""

    ticket_id: int
    number: int
    staff: Signature
    body: str


@dataclass(frozen=True, slots=True)
class Resolved:
    """Staff marked the ticket resolved; the customer is asked to confirm or reopen it."""

    ticket_id: int
    number: int
    staff: Signature


async def view_of(
    session: AsyncSession, ticket: Ticket, customer: Customer, *, now: datetime, limit: int | None = 10
) -> TicketView:
    """The ticket with its history and the names of the staff in it."""
    events = await tickets.history(session, ticket_id=ticket.id, limit=limit)
    ids = {event.actor_id for event in events if event.actor_id is not None}
    if ticket.assignee_id is not None:
        ids.add(ticket.assignee_id)
    people = {user.id: user.full_name for user in await session.scalars(select(User).where(User.id.in_(ids)))}
    return TicketView(
        ticket=ticket,
        customer_id=customer.id,
        customer_name=customer.name,
        assignee_name=people.get(ticket.assignee_id) if ticket.assignee_id is not None else None,
        events=events,
        actors=people,
        now=now,
    )


async def recipient(session: AsyncSession, user: User) -> Recipient | None:
    """Where and how `user` is told: their chat, language and time zone (the team's where they have
    none); None when the bot cannot reach them."""
    if user.chat_id is None or user.blocked_bot:
        return None
    team = await session.get(Team, user.team_id) if user.team_id is not None else None
    return Recipient(
        chat_id=user.chat_id,
        user_id=user.id,
        locale=user.locale or (team.locale if team else None),
        timezone=user.timezone or (team.timezone if team else "UTC"),
    )


def request(key: str, to: Recipient, notice: object) -> PushRequest:
    return PushRequest(dedupe_key=key, kind=PUSH_KIND, to=to, notice=notice, priority=PUSH_PRIORITY)


async def staff_audience(session: AsyncSession, ticket: Ticket, customer: Customer) -> list[User]:
    """Who hears about a ticket: its assignee, or the managers when nobody (active) holds it."""
    assignee = await session.get(User, ticket.assignee_id) if ticket.assignee_id is not None else None
    if assignee is not None and assignee.is_active and assignee.chat_id is not None:
        return [assignee]
    owner = await session.get(User, customer.owner_id) if customer.owner_id is not None else None
    preferred = (assignee.manager_id if assignee else None) or (owner.manager_id if owner else None)
    return await users.managers_for(session, team_id=ticket.team_id, preferred_id=preferred)


async def tell_staff(
    session: AsyncSession, ticket: Ticket, customer: Customer, event: TicketEvent, notice: object
) -> list[PushRequest]:
    """The notice of a history line, to each staff member who hears about the ticket."""
    told = []
    for user in await staff_audience(session, ticket, customer):
        to = await recipient(session, user)
        if to is not None:
            told.append(request(f"tkt-event:{event.id}:{user.id}", to, notice))
    return told


async def signature(session: AsyncSession, ticket: Ticket, staff_id: int | None) -> Signature:
    team = await session.get(Team, ticket.team_id)
    staff = await session.get(User, staff_id) if staff_id is not None else None
    return Signature(first_name=staff.first_name if staff else None, team=team.name if team else "")


async def tell_customer(
    session: AsyncSession, customer: Customer, event: TicketEvent, notice: object
) -> list[PushRequest]:
    """The notice of a history line to the customer's own account; none when they cannot get it."""
    account = await session.get(User, customer.user_id) if customer.user_id is not None else None
    if account is None or account.role != Role.CUSTOMER or not account.is_active:
        return []
    to = await recipient(session, account)
    return [request(f"tkt-event:{event.id}", to, notice)] if to is not None else []
