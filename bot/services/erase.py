"""Erasing a customer's personal data on their request: irreversible, by a manager of their team.

The record stays, under a neutral label, so that the team's counts and amounts still add up:
visits, orders and their amounts, scores and tickets are kept; the name, phone, contacts,
addresses, location, birthday, notes, photos, free-text feedback and the Telegram link go, and so
do the pushes and raw updates that carry any of it, the person's Telegram account and its saved
dialog data. All of it in the caller's one unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import AuditAction
from bot.domain.viewer import Viewer
from bot.services.errors import NotAllowed, ServiceError
from bot.services.visibility import NotVisible, visible_customer
from storage.models import Customer, User
from storage.queries import audit
from storage.queries import erase as queries
from storage.queries.erase import Account, Kept
from storage.queries.traces import Traces


class AlreadyErased(ServiceError):
    """The customer's data was erased before."""


@dataclass(frozen=True, slots=True)
class ErasedCard:
    """What the card of an erased customer still shows."""

    id: int
    erased_at: datetime
    owner_name: str | None
    tier: str
    stage: str
    kept: Kept


def stored_label(customer_id: int) -> str:
    """The name an erased customer keeps in the database: no language, nothing about the person.
    Every screen that knows the record is erased shows a translated label instead."""
    return f"#{customer_id}"


def _check_role(viewer: Viewer) -> None:
    if not viewer.manages or viewer.team_id is None:
        raise NotAllowed


async def _live(session: AsyncSession, *, viewer: Viewer, customer_id: int) -> Customer:
    _check_role(viewer)
    found = await session.get(Customer, customer_id)
    if found is not None and found.team_id == viewer.team_id and found.erased_at is not None:
        raise AlreadyErased(customer_id)
    return await visible_customer(session, viewer=viewer, customer_id=customer_id)


@dataclass(frozen=True, slots=True)
class Erasure:
    """What remains of the customer; the account whose in-memory dialog data must go too, and the
    traces that tell which entries of others' in-memory dialog data mention the person."""

    card: ErasedCard
    account: Account | None
    traces: Traces


async def erasable(session: AsyncSession, *, viewer: Viewer, customer_id: int) -> str:
    """The name of a customer the viewer may erase, for the confirmation."""
    return (await _live(session, viewer=viewer, customer_id=customer_id)).name


async def erase(session: AsyncSession, *, viewer: Viewer, customer_id: int, now: datetime) -> Erasure:
    """Erase the customer's personal data everywhere it is kept; audit-logged without any of it."""
    customer = await _live(session, viewer=viewer, customer_id=customer_id)
    scrubbed = await queries.scrub(session, customer=customer, label=stored_label(customer.id), now=now)
    card = await _card(session, customer)
    await audit.record(
        session,
        action=AuditAction.ERASE,
        actor_id=viewer.user_id,
        now=now,
        team_id=customer.team_id,
        customer_id=customer.id,
        details={"visits": card.kept.visits, "orders": card.kept.orders},
    )
    return Erasure(card=card, account=scrubbed.account, traces=scrubbed.traces)


async def erased_card(session: AsyncSession, *, viewer: Viewer, customer_id: int) -> ErasedCard:
    """An erased customer of the viewer's team, for a manager or admin; NotVisible otherwise."""
    customer = await session.get(Customer, customer_id)
    if (
        not viewer.manages
        or customer is None
        or customer.team_id != viewer.team_id
        or customer.erased_at is None
    ):
        raise NotVisible(customer_id)
    return await _card(session, customer)


async def _card(session: AsyncSession, customer: Customer) -> ErasedCard:
    assert customer.erased_at is not None
    owner = await session.get(User, customer.owner_id) if customer.owner_id is not None else None
    return ErasedCard(
        id=customer.id,
        erased_at=customer.erased_at,
        owner_name=owner.full_name if owner is not None else None,
        tier=customer.tier,
        stage=customer.stage,
        kept=await queries.kept(session, customer_id=customer.id),
    )
