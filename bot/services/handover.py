"""Handover (离职继承 / 在职继承): a rep's whole book goes to one successor or several, and a single
customer moves from its card. Only a manager (or admin) of the rep's own team may do either.

Everything happens in the caller's one unit of work: the move (see `ownership`), what the leaving
rep still held, their deactivation if asked, the audit entries; the messages (see `briefing`) are
returned for the caller to queue in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.briefing import BriefItem
from bot.domain.enums import AuditAction, HandoverVia
from bot.domain.handover import deal
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services import briefing, ownership
from bot.services.errors import NotAllowed, NotFound, ServiceError
from bot.services.pushes import PushRequest
from bot.services.visibility import visible_customer
from storage.models import Customer, User
from storage.queries import audit, transfers
from storage.queries import handover as queries
from storage.queries.handover import Move
from storage.queries.handover import RepLoad as RepLoad


class NotInTeam(NotFound):
    """The rep is not (or no longer) an active rep of the viewer's team."""


class NoSuccessor(ServiceError):
    """A handover needs at least one successor."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What a handover would do, for the manager to confirm."""

    leaving: RepLoad
    successors: list[RepLoad]
    split: dict[int, int]
    reminders: int
    tickets: int


@dataclass(frozen=True, slots=True)
class Done:
    """What a handover did."""

    handover_id: int | None
    leaving: RepLoad
    split: list[tuple[str, int]]
    customers: int
    reminders: int
    tickets: int
    customers_told: int
    deactivated: bool
    # Where the leaving rep's command menu lives, to take it away when they were deactivated.
    leaving_chat_id: int | None = None
    leaving_locale: str | None = None
    # The briefings and notices to queue.
    pushes: tuple[PushRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class Transferred:
    """A customer moved from its card: the names for the reply, and the pushes to queue."""

    customer_name: str
    rep_name: str
    pushes: tuple[PushRequest, ...] = ()


def _team_of(viewer: Viewer) -> int:
    if not viewer.manages:
        raise NotAllowed
    if viewer.team_id is None:
        raise NotAllowed
    return viewer.team_id


async def leaving_choices(session: AsyncSession, *, viewer: Viewer) -> list[RepLoad]:
    """Reps whose customers could be handed over: the active ones, and any inactive one still
    holding customers (so nothing is left with someone who can no longer act)."""
    reps = await queries.reps(session, team_id=_team_of(viewer))
    return [rep for rep in reps if rep.is_active or rep.customers]


async def successor_choices(
    session: AsyncSession, *, viewer: Viewer, from_id: int
) -> tuple[RepLoad, list[RepLoad]]:
    """The leaving rep and the team's other active reps."""
    reps = await queries.reps(session, team_id=_team_of(viewer))
    leaving = next((rep for rep in reps if rep.id == from_id), None)
    if leaving is None:
        raise NotInTeam(from_id)
    return leaving, [rep for rep in reps if rep.is_active and rep.id != from_id]


async def _checked(
    session: AsyncSession, viewer: Viewer, from_id: int, to_ids: Sequence[int]
) -> tuple[int, RepLoad, list[RepLoad]]:
    team_id = _team_of(viewer)
    leaving, others = await successor_choices(session, viewer=viewer, from_id=from_id)
    by_id = {rep.id: rep for rep in others}
    if not to_ids:
        raise NoSuccessor
    missing = [to for to in to_ids if to not in by_id]
    if missing:
        raise NotInTeam(missing[0])
    return team_id, leaving, [by_id[to] for to in dict.fromkeys(to_ids)]


async def plan(session: AsyncSession, *, viewer: Viewer, from_id: int, to_ids: Sequence[int]) -> Plan:
    """How the leaving rep's customers would be spread, and what else they hold."""
    team_id, leaving, successors = await _checked(session, viewer, from_id, to_ids)
    held = await queries.holdings(session, team_id=team_id, owner_id=from_id)
    split = deal(held, {rep.id: rep.customers for rep in successors})
    reminders, tickets = await queries.open_work(session, user_id=from_id)
    return Plan(leaving, successors, {to: len(ids) for to, ids in split.items()}, reminders, tickets)


async def hand_over(
    session: AsyncSession,
    *,
    viewer: Viewer,
    from_id: int,
    to_ids: Sequence[int],
    tell_customers: bool,
    deactivate: bool,
    now: datetime,
) -> Done:
    """Move all of the leaving rep's customers, open reminders and open tickets to the successors;
    brief each successor in one message; tell customers if asked; deactivate the rep if asked."""
    team_id, leaving, successors = await _checked(session, viewer, from_id, to_ids)
    held = await queries.holdings(session, team_id=team_id, owner_id=from_id)
    split = deal(held, {rep.id: rep.customers for rep in successors})
    counts = {to: len(ids) for to, ids in split.items()}
    moves = [Move(customer_id, from_id, to) for to, ids in split.items() for customer_id in ids]
    moved = (
        await ownership.move(
            session,
            team_id=team_id,
            actor_id=viewer.user_id,
            via=HandoverVia.HANDOVER,
            moves=moves,
            now=now,
            from_user_id=from_id,
        )
        if moves
        else None
    )
    stray_reminders, stray_tickets = await _hand_strays(
        session, viewer=viewer, leaving=from_id, to=successors[0], now=now
    )
    if deactivate:
        await _deactivate(session, viewer=viewer, team_id=team_id, user_id=from_id, now=now)
    audience = await briefing.audience_of(session, team_id=team_id, user_ids=[from_id, *split])
    told: list[PushRequest] = []
    announced: list[PushRequest] = []
    if moved is not None:
        announced, told = await _announce(
            session,
            handover_id=moved.handover_id,
            audience=audience,
            from_id=from_id,
            counts=counts,
            tell_customers=tell_customers,
            tell_leaving=not deactivate,
        )
    leaving_user = audience.people.get(from_id)
    done = Done(
        handover_id=moved.handover_id if moved is not None else None,
        leaving=leaving,
        split=[(rep.name, counts[rep.id]) for rep in successors],
        customers=moved.customers if moved is not None else 0,
        reminders=(moved.reminders if moved is not None else 0) + stray_reminders,
        tickets=(moved.tickets if moved is not None else 0) + stray_tickets,
        customers_told=len(told),
        deactivated=deactivate,
        leaving_chat_id=leaving_user.chat_id if leaving_user is not None else None,
        leaving_locale=leaving_user.locale if leaving_user is not None else None,
        pushes=(*announced, *told),
    )
    await audit.record(
        session,
        action=AuditAction.HANDOVER,
        actor_id=viewer.user_id,
        now=now,
        team_id=team_id,
        target_user_id=from_id,
        details={
            "handover": done.handover_id,
            "to": {str(to): n for to, n in counts.items()},
            "customers": done.customers,
            "reminders": done.reminders,
            "tickets": done.tickets,
            "customers_told": len(told),
            "deactivated": deactivate,
        },
    )
    return done


async def _announce(
    session: AsyncSession,
    *,
    handover_id: int,
    audience: briefing.Audience,
    from_id: int,
    counts: dict[int, int],
    tell_customers: bool,
    tell_leaving: bool,
) -> tuple[list[PushRequest], list[PushRequest]]:
    """The successors' briefings and the leaving rep's notice if they stay; and, apart, the
    customers' notices if asked."""
    staff = await briefing.brief_successors(
        session, handover_id=handover_id, audience=audience, from_user_id=from_id
    )
    if tell_leaving:
        staff += briefing.tell_previous_owner(
            handover_id=handover_id,
            audience=audience,
            previous_id=from_id,
            moved={to: n for to, n in counts.items() if n},
            customer_name=None,
        )
    if not tell_customers:
        return staff, []
    return staff, await briefing.tell_customers(session, handover_id=handover_id, audience=audience)


async def _hand_strays(
    session: AsyncSession, *, viewer: Viewer, leaving: int, to: RepLoad, now: datetime
) -> tuple[int, int]:
    """Open reminders and tickets the leaving rep holds about customers that are not (or no longer)
    theirs go to the first successor, so that nothing is left with them."""
    reminder_ids, tickets = await queries.strays(session, user_id=leaving)
    await queries.move_reminders(session, reminder_ids=reminder_ids, to_user_id=to.id)
    if tickets:
        await queries.reassign_tickets(
            session,
            rows=[(ticket_id, previous, to.id) for ticket_id, previous in tickets],
            actor_id=viewer.user_id,
            names={to.id: to.name},
            now=now,
        )
    return len(reminder_ids), len(tickets)


async def _deactivate(
    session: AsyncSession, *, viewer: Viewer, team_id: int, user_id: int, now: datetime
) -> None:
    """The rep loses access with the next update the guard sees; their open requests lapse."""
    user = await session.get(User, user_id)
    assert user is not None
    if user.is_active:
        user.is_active = False
        await audit.record(
            session,
            action=AuditAction.USER_DEACTIVATED,
            actor_id=viewer.user_id,
            now=now,
            team_id=team_id,
            target_user_id=user_id,
            details={"role": user.role},
        )
    await transfers.void_pending_of(session, requester_id=user_id, now=now)


async def transfer_choices(
    session: AsyncSession, *, viewer: Viewer, customer_id: int
) -> tuple[Customer, list[RepLoad]]:
    """A customer on a manager's card, and the active reps it could go to."""
    team_id = _team_of(viewer)
    customer = await visible_customer(session, viewer=viewer, customer_id=customer_id)
    reps = await queries.reps(session, team_id=team_id)
    return customer, [rep for rep in reps if rep.is_active and rep.id != customer.owner_id]


async def hand_one(
    session: AsyncSession,
    *,
    viewer: Viewer,
    customer: Customer,
    to: User,
    via: HandoverVia,
    now: datetime,
    approved_by: str | None = None,
    details: dict[str, Any] | None = None,
) -> list[PushRequest]:
    """Move one customer (already checked to be in the viewer's team) to `to`; the new owner's
    briefing and the previous owner's notice, to queue."""
    previous = customer.owner_id
    moved = await ownership.move(
        session,
        team_id=customer.team_id,
        actor_id=viewer.user_id,
        via=via,
        moves=[Move(customer.id, previous, to.id)],
        now=now,
        details=details,
    )
    await session.refresh(customer, ["owner_id"])
    audience = await briefing.audience_of(session, team_id=customer.team_id, user_ids=[previous, to.id])
    told = await briefing.brief_successors(
        session,
        handover_id=moved.handover_id,
        audience=audience,
        from_user_id=previous,
        approved_by=approved_by,
    )
    if previous is not None:
        told += briefing.tell_previous_owner(
            handover_id=moved.handover_id,
            audience=audience,
            previous_id=previous,
            moved={to.id: 1},
            customer_name=customer.name,
        )
    return told


async def transfer_one(
    session: AsyncSession,
    *,
    viewer: Viewer,
    customer_id: int,
    to_user_id: int,
    now: datetime,
) -> Transferred:
    """A manager moves one customer from its card to another active rep of the team."""
    customer, choices = await transfer_choices(session, viewer=viewer, customer_id=customer_id)
    if customer.owner_id == to_user_id:
        to = await session.get(User, to_user_id)
        assert to is not None
        return Transferred(customer.name, to.full_name)
    if all(rep.id != to_user_id for rep in choices):
        raise NotInTeam(to_user_id)
    to = await session.get(User, to_user_id)
    assert to is not None
    told = await hand_one(session, viewer=viewer, customer=customer, to=to, via=HandoverVia.CARD, now=now)
    return Transferred(customer.name, to.full_name, tuple(told))


async def handed_page(
    session: AsyncSession, *, viewer: Viewer, handover_id: int, page: int, per_page: int
) -> tuple[list[BriefItem], int]:
    """One page of the customers a handover gave the viewer (those still theirs), and how many there are."""
    if not (viewer.manages or viewer.effective_role is Role.REP):
        raise NotAllowed
    return await queries.handed_page(
        session, handover_id=handover_id, viewer=viewer, offset=max(page, 0) * per_page, limit=per_page
    )
