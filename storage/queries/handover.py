"""Moving customers to new owners, set-based: the moves are written once, in one insert, and the
customers, their open reminders and open tickets follow them in a few UPDATEs, however many."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.briefing import BriefItem
from bot.domain.enums import TicketEventKind
from bot.domain.handover import Holding
from bot.domain.names import full_name
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from storage.models import Customer, Handover, HandoverCustomer, Reminder, Ticket, TicketEvent, User
from storage.queries.customers import visible_to
from storage.queries.reminders import OPEN as OPEN_REMINDERS
from storage.queries.tickets import OPEN_STATUSES as OPEN_TICKETS


@dataclass(frozen=True, slots=True)
class RepLoad:
    """A rep of the team and how many live customers they own."""

    id: int
    name: str
    is_active: bool
    customers: int


@dataclass(frozen=True, slots=True)
class Move:
    customer_id: int
    from_user_id: int | None
    to_user_id: int


@dataclass(frozen=True, slots=True)
class LinkedCustomer:
    """A moved customer who is on Telegram, and where to tell them about their new contact."""

    customer_id: int
    chat_id: int
    account_id: int
    locale: str | None
    to_user_id: int


def _live_owned_by(owner: Any) -> ColumnElement[bool]:
    return and_(Customer.owner_id == owner, Customer.erased_at.is_(None))


async def reps(session: AsyncSession, *, team_id: int) -> list[RepLoad]:
    """The team's reps, active or not, with their live customers counted, by name."""
    owned = select(func.count(Customer.id)).where(_live_owned_by(User.id)).scalar_subquery()
    rows = await session.execute(
        select(User.id, User.first_name, User.last_name, User.is_active, owned)
        .where(User.team_id == team_id, User.role == Role.REP.value)
        .order_by(User.first_name, User.id)
    )
    return [
        RepLoad(id, full_name(first, last), bool(active), int(count or 0))
        for id, first, last, active, count in rows
    ]


async def holdings(session: AsyncSession, *, team_id: int, owner_id: int) -> list[Holding]:
    """The owner's live customers in the team, with what decides the dealing order."""
    rows = await session.execute(
        select(Customer.id, Customer.tier, Customer.risk_level).where(
            Customer.team_id == team_id, _live_owned_by(owner_id)
        )
    )
    return [Holding(id, tier, risk) for id, tier, risk in rows]


async def open_work(session: AsyncSession, *, user_id: int) -> tuple[int, int]:
    """Open reminders about customers, and open tickets, that `user_id` holds."""
    reminders = await session.scalar(
        select(func.count(Reminder.id)).where(
            Reminder.user_id == user_id,
            Reminder.status.in_(OPEN_REMINDERS),
            Reminder.customer_id.is_not(None),
        )
    )
    tickets = await session.scalar(
        select(func.count(Ticket.id)).where(Ticket.assignee_id == user_id, Ticket.status.in_(OPEN_TICKETS))
    )
    return int(reminders or 0), int(tickets or 0)


async def add(
    session: AsyncSession,
    *,
    team_id: int,
    from_user_id: int | None,
    actor_id: int,
    via: str,
    moves: Sequence[Move],
    now: datetime,
) -> int:
    """Write the handover and its moves (one insert for all of them); its id."""
    handover = Handover(
        team_id=team_id, from_user_id=from_user_id, actor_id=actor_id, via=via, created_at=now
    )
    session.add(handover)
    await session.flush()
    await session.execute(
        insert(HandoverCustomer),
        [
            {
                "handover_id": handover.id,
                "customer_id": move.customer_id,
                "from_user_id": move.from_user_id,
                "to_user_id": move.to_user_id,
            }
            for move in moves
        ],
    )
    return handover.id


def _moved(handover_id: int, customer: Any) -> ColumnElement[bool]:
    return and_(HandoverCustomer.handover_id == handover_id, HandoverCustomer.customer_id == customer)


async def apply_owners(session: AsyncSession, *, handover_id: int, now: datetime) -> int:
    """Give every customer of the handover its new owner, in one UPDATE; how many moved."""
    new_owner = select(HandoverCustomer.to_user_id).where(_moved(handover_id, Customer.id)).scalar_subquery()
    moved = select(HandoverCustomer.customer_id).where(HandoverCustomer.handover_id == handover_id)
    result = await session.execute(
        update(Customer)
        .where(Customer.id.in_(moved))
        .values(owner_id=new_owner, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def follow_reminders(session: AsyncSession, *, handover_id: int) -> int:
    """The previous owners' open reminders about the moved customers go with them, to be pushed
    afresh to the new owner; one UPDATE, how many."""
    follows = (
        select(HandoverCustomer.customer_id)
        .where(
            _moved(handover_id, Reminder.customer_id),
            HandoverCustomer.from_user_id == Reminder.user_id,
        )
        .exists()
    )
    new_owner = (
        select(HandoverCustomer.to_user_id).where(_moved(handover_id, Reminder.customer_id)).scalar_subquery()
    )
    result = await session.execute(
        update(Reminder)
        .where(Reminder.status.in_(OPEN_REMINDERS), follows)
        .values(user_id=new_owner, notified_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def follow_tickets(
    session: AsyncSession, *, handover_id: int, actor_id: int, names: Mapping[int, str], now: datetime
) -> int:
    """Open tickets of the moved customers that the previous owner held (or nobody did) go to the
    new owner, each with an "assigned" line in its history; how many."""
    holder = or_(Ticket.assignee_id.is_(None), Ticket.assignee_id == HandoverCustomer.from_user_id)
    rows = (
        await session.execute(
            select(Ticket.id, Ticket.assignee_id, HandoverCustomer.to_user_id)
            .join(HandoverCustomer, _moved(handover_id, Ticket.customer_id))
            .where(Ticket.status.in_(OPEN_TICKETS), holder)
        )
    ).all()
    if not rows:
        return 0
    await reassign_tickets(session, rows=rows, actor_id=actor_id, names=names, now=now)
    return len(rows)


async def reassign_tickets(
    session: AsyncSession,
    *,
    rows: Sequence[Any],
    actor_id: int,
    names: Mapping[int, str],
    now: datetime,
) -> None:
    """Hand tickets (id, previous assignee, new assignee) over: one UPDATE per new assignee (a
    handful), one insert for their history lines."""
    by_assignee: dict[int, list[int]] = {}
    for ticket_id, _, to_user_id in rows:
        by_assignee.setdefault(to_user_id, []).append(ticket_id)
    for to_user_id, ticket_ids in by_assignee.items():
        await session.execute(
            update(Ticket)
            .where(Ticket.id.in_(ticket_ids))
            .values(assignee_id=to_user_id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    await session.execute(
        insert(TicketEvent),
        [
            {
                "ticket_id": ticket_id,
                "kind": TicketEventKind.ASSIGNED.value,
                "at": now,
                "actor_id": actor_id,
                "details": {"to": to_user_id, "to_name": names.get(to_user_id, ""), "from": previous},
            }
            for ticket_id, previous, to_user_id in rows
        ],
    )


async def strays(session: AsyncSession, *, user_id: int) -> tuple[list[int], list[Any]]:
    """What `user_id` still holds after their customers moved: open reminders about other
    customers, and open tickets of other customers (ids, and rows as `reassign_tickets` takes)."""
    reminders = await session.scalars(
        select(Reminder.id).where(
            Reminder.user_id == user_id,
            Reminder.status.in_(OPEN_REMINDERS),
            Reminder.customer_id.is_not(None),
        )
    )
    tickets = await session.execute(
        select(Ticket.id, Ticket.assignee_id).where(
            Ticket.assignee_id == user_id, Ticket.status.in_(OPEN_TICKETS)
        )
    )
    return list(reminders), list(tickets)


async def move_reminders(session: AsyncSession, *, reminder_ids: Sequence[int], to_user_id: int) -> None:
    if reminder_ids:
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(reminder_ids))
            .values(user_id=to_user_id, notified_at=None)
            .execution_options(synchronize_session=False)
        )


async def people(session: AsyncSession, *, ids: Sequence[int]) -> dict[int, User]:
    """Users by id, in one query."""
    if not ids:
        return {}
    return {user.id: user for user in await session.scalars(select(User).where(User.id.in_(ids)))}


def _brief_columns(owner: Any) -> tuple[Any, ...]:
    tickets = (
        select(func.count(Ticket.id))
        .where(Ticket.customer_id == Customer.id, Ticket.status.in_(OPEN_TICKETS))
        .scalar_subquery()
    )
    reminders = (
        select(func.count(Reminder.id))
        .where(
            Reminder.customer_id == Customer.id,
            Reminder.user_id == owner,
            Reminder.status.in_(OPEN_REMINDERS),
        )
        .scalar_subquery()
    )
    return (
        Customer.id,
        Customer.name,
        Customer.company,
        Customer.tier,
        Customer.stage,
        Customer.health_score,
        Customer.risk_level,
        Customer.health_reasons,
        Customer.last_visit_at,
        tickets,
        reminders,
    )


def _brief_item(row: Any) -> BriefItem:
    return BriefItem(
        customer_id=row[0],
        name=row[1],
        company=row[2],
        tier=row[3],
        stage=row[4],
        health_score=row[5],
        risk_level=row[6],
        reasons=list(row[7] or []),
        last_visit_at=row[8],
        open_tickets=int(row[9] or 0),
        open_reminders=int(row[10] or 0),
    )


async def brief_items(session: AsyncSession, *, handover_id: int, to_user_id: int) -> list[BriefItem]:
    """The live customers a handover gave `to_user_id` (and still theirs), with what a briefing says."""
    rows = await session.execute(
        select(*_brief_columns(to_user_id))
        .join(HandoverCustomer, _moved(handover_id, Customer.id))
        .where(HandoverCustomer.to_user_id == to_user_id, _live_owned_by(to_user_id))
    )
    return [_brief_item(row) for row in rows]


async def handed_page(
    session: AsyncSession, *, handover_id: int, viewer: Viewer, offset: int, limit: int
) -> tuple[list[BriefItem], int]:
    """One page, by name, of the customers a handover gave the viewer that are still theirs; and the total."""
    where = and_(
        HandoverCustomer.to_user_id == viewer.user_id,
        Customer.owner_id == viewer.user_id,
        visible_to(viewer),
    )
    joined = _moved(handover_id, Customer.id)
    total = await session.scalar(select(func.count(Customer.id)).join(HandoverCustomer, joined).where(where))
    rows = await session.execute(
        select(*_brief_columns(viewer.user_id))
        .join(HandoverCustomer, joined)
        .where(where)
        .order_by(Customer.name, Customer.id)
        .offset(offset)
        .limit(limit)
    )
    return [_brief_item(row) for row in rows], int(total or 0)


async def linked_accounts(session: AsyncSession, *, handover_id: int) -> list[LinkedCustomer]:
    """Moved customers connected on Telegram through an account that can still be written to."""
    rows = await session.execute(
        select(Customer.id, User.chat_id, User.id, User.locale, HandoverCustomer.to_user_id)
        .join(HandoverCustomer, _moved(handover_id, Customer.id))
        .join(User, User.id == Customer.user_id)
        .where(
            Customer.erased_at.is_(None),
            User.role == Role.CUSTOMER.value,
            User.is_active.is_(True),
            User.blocked_bot.is_(False),
            User.chat_id.is_not(None),
            HandoverCustomer.to_user_id.is_not(None),
        )
        .order_by(Customer.id)
    )
    return [
        LinkedCustomer(cid, chat, account, locale, to)
        for cid, chat, account, locale, to in rows
        if chat is not None and to is not None
    ]


async def successors_of(session: AsyncSession, *, handover_id: int) -> dict[int, int]:
    """How many customers each successor received."""
    rows = await session.execute(
        select(HandoverCustomer.to_user_id, func.count())
        .where(HandoverCustomer.handover_id == handover_id, HandoverCustomer.to_user_id.is_not(None))
        .group_by(HandoverCustomer.to_user_id)
    )
    return {to: int(count) for to, count in rows if to is not None}
