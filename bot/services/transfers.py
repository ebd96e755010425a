"""A rep asks to take over a customer another rep owns; their manager(s) are told through the outbox,
with buttons to approve or refuse. The first decision wins; the requester and the old owner are told.
The notices are push requests for the caller to queue, worded by handlers/transfer/pushes.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import AuditAction, HandoverVia, TransferStatus
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services import briefing, customer_records, handover
from bot.services.customer_records import Draft
from bot.services.errors import NotAllowed, NotFound
from bot.services.pushes import PushRequest, Recipient
from storage import models
from storage.models import Customer, Outbox, User
from storage.queries import audit, customers, users
from storage.queries import transfers as requests


@dataclass(frozen=True, slots=True)
class TransferRequest:
    customer_name: str
    owner_name: str | None
    managers_told: int
    already_asked: bool
    pushes: tuple[PushRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class TransferAsked:
    """A manager's notice of a rep's request, with Approve and Refuse."""

    request_id: int
    customer_id: int
    customer_name: str
    company: str | None
    requester: str
    owner: str | None


@dataclass(frozen=True, slots=True)
class TransferRefused:
    """The requester's note that a manager declined."""

    manager: str
    customer_name: str


def _name(user: User | None) -> str | None:
    return user.full_name if user is not None else None


async def request_transfer(
    session: AsyncSession,
    *,
    viewer: Viewer,
    customer_id: int,
    draft: Draft,
    now: datetime,
) -> TransferRequest:
    """Ask the manager(s) to move a teammate's customer to the viewer; while a request is pending,
    asking again changes nothing.

    Only a customer of the same team, not the viewer's, that matches the customer the viewer was
    entering (`draft`) qualifies: nobody can ask for, or learn the name of, any other customer by
    its id. The notice names the customer, the requester and the current owner, in each manager's
    own language.
    """
    if viewer.team_id is None or viewer.effective_role is not Role.REP:
        raise NotAllowed
    matches = await customer_records.lookalikes(session, viewer=viewer, draft=draft)
    if all(match.customer_id != customer_id or match.visible for match in matches):
        raise NotFound(customer_id)
    customer = await customers.in_team(session, team_id=viewer.team_id, customer_id=customer_id)
    if customer is None:
        raise NotFound(customer_id)
    if customer.owner_id == viewer.user_id:
        raise NotAllowed
    requester = await session.get(User, viewer.user_id)
    owner = await session.get(User, customer.owner_id) if customer.owner_id is not None else None
    assert requester is not None
    managers = await users.managers_for(session, team_id=viewer.team_id, preferred_id=requester.manager_id)
    reachable = [manager for manager in managers if manager.chat_id is not None]
    if not reachable:
        return TransferRequest(customer.name, _name(owner), managers_told=0, already_asked=False)
    if await requests.pending(session, customer_id=customer.id, requester_id=requester.id) is not None:
        return TransferRequest(customer.name, _name(owner), len(reachable), already_asked=bool(reachable))
    # The first request keeps the dedupe key it always had; a new one after a decision gets its own.
    again = await requests.asked_before(session, customer_id=customer.id, requester_id=requester.id)
    request = await requests.add(
        session,
        team_id=customer.team_id,
        customer_id=customer.id,
        requester_id=requester.id,
        owner_id=customer.owner_id,
        now=now,
    )
    asked = TransferAsked(
        request.id, customer.id, customer.name, customer.company, requester.full_name, _name(owner)
    )
    notices = [
        PushRequest(
            dedupe_key=f"transfer:{customer.id}:{requester.id}:{manager.id}"
            + (f":{request.id}" if again else ""),
            kind="transfer_request",
            to=Recipient(manager.chat_id, manager.id, manager.locale, manager.timezone),
            notice=asked,
        )
        for manager in managers
        if manager.chat_id is not None
    ]
    told = len(notices)
    # Telling a manager counts when their notice is new: its key was never queued before.
    queued = set(
        await session.scalars(
            select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_([n.dedupe_key for n in notices]))
        )
    )
    fresh = any(notice.dedupe_key not in queued for notice in notices)
    if fresh:
        await audit.record(
            session,
            action=AuditAction.TRANSFER_REQUESTED,
            actor_id=requester.id,
            now=now,
            team_id=customer.team_id,
            customer_id=customer.id,
            target_user_id=customer.owner_id,
            details={"managers": [m.id for m in reachable], "request": request.id},
        )
    return TransferRequest(
        customer_name=customer.name,
        owner_name=_name(owner),
        managers_told=told,
        already_asked=told > 0 and not fresh,
        pushes=tuple(notices),
    )


class OtherTeam(NotAllowed):
    """The request belongs to another team: only its own managers decide it."""


@dataclass(frozen=True, slots=True)
class Decision:
    """How a request stands after a manager's press; `already` when someone decided it before."""

    status: TransferStatus
    customer_id: int
    customer_name: str
    requester_name: str
    already: bool = False
    decided_by: str | None = None
    pushes: tuple[PushRequest, ...] = ()


async def decide(
    session: AsyncSession,
    *,
    viewer: Viewer,
    request_id: int,
    approve: bool,
    now: datetime,
) -> Decision:
    """Approve (the customer moves to the requester, who gets its briefing; the old owner is told) or
    refuse (the requester is told). A request overtaken by events lapses instead; audit-logged."""
    if viewer.effective_role not in (Role.MANAGER, Role.ADMIN) or viewer.team_id is None:
        raise NotAllowed
    request = await requests.for_decision(session, request_id=request_id)
    if request is None:
        raise NotFound(request_id)
    if request.team_id != viewer.team_id:
        raise OtherTeam
    customer = await session.get(Customer, request.customer_id)
    requester = await session.get(User, request.requester_id)
    manager = await session.get(User, viewer.user_id)
    assert customer is not None
    assert requester is not None
    assert manager is not None
    if request.status != TransferStatus.PENDING:
        decider = (
            await session.get(User, request.decided_by_id) if request.decided_by_id is not None else None
        )
        return Decision(
            TransferStatus(request.status),
            customer.id,
            customer.name,
            requester.full_name,
            True,
            _name(decider),
        )
    request.decided_at = now
    request.decided_by_id = viewer.user_id
    if not _still_possible(request, customer, requester):
        request.status = TransferStatus.VOID.value
        return Decision(TransferStatus.VOID, customer.id, customer.name, requester.full_name)
    told: list[PushRequest] = []
    if approve:
        if customer.owner_id != requester.id:
            told = await handover.hand_one(
                session,
                viewer=viewer,
                customer=customer,
                to=requester,
                via=HandoverVia.REQUEST,
                now=now,
                approved_by=manager.full_name,
                details={"request": request.id},
            )
        request.status = TransferStatus.APPROVED.value
    else:
        request.status = TransferStatus.REFUSED.value
        told = await _refusal_note(
            session, request=request, requester=requester, manager=manager, customer=customer
        )
    await audit.record(
        session,
        action=AuditAction.TRANSFER_APPROVED if approve else AuditAction.TRANSFER_REFUSED,
        actor_id=viewer.user_id,
        now=now,
        team_id=customer.team_id,
        customer_id=customer.id,
        target_user_id=requester.id,
        details={"request": request.id, "owner": request.owner_id},
    )
    return Decision(
        TransferStatus(request.status), customer.id, customer.name, requester.full_name, pushes=tuple(told)
    )


def _still_possible(request: models.TransferRequest, customer: Customer, requester: User) -> bool:
    """The customer is still a live customer of the team, and the requester still an active rep of it."""
    return (
        customer.erased_at is None
        and customer.team_id == request.team_id
        and requester.is_active
        and requester.role == Role.REP.value
        and requester.team_id == request.team_id
    )


async def _refusal_note(
    session: AsyncSession,
    *,
    request: models.TransferRequest,
    requester: User,
    manager: User,
    customer: Customer,
) -> list[PushRequest]:
    audience = await briefing.audience_of(session, team_id=request.team_id, user_ids=[requester.id])
    if not briefing.reachable(requester):
        return []
    return [
        briefing.to_staff(
            requester,
            key=f"transfer-refused:{request.id}",
            kind="transfer_decision",
            notice=TransferRefused(manager.full_name, customer.name),
            audience=audience,
        )
    ]
