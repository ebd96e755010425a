"""Customer links: a rep hands a customer a personal `/start c_<token>` link; opening it connects
that Telegram account to the customer record, so surveys and complaint replies reach them here.

A link is single use and a new one replaces the old (only its SHA-256 is stored). Opening a new
link from another account moves the customer to that account ("re-linking" after a phone change);
an account is linked to one customer at a time. Staff accounts cannot be linked as customers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services.invites import hash_token
from bot.services.pushes import PushRequest, Recipient
from bot.services.visibility import visible_customer
from storage.models import Customer, Team, User
from storage.queries import audit

PAYLOAD_PREFIX = "c_"
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class LinkOutcome(StrEnum):
    LINKED = "linked"
    MOVED = "moved"
    ALREADY = "already"
    STAFF = "staff"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class IssuedLink:
    token: str
    customer_name: str
    had_account: bool


@dataclass(frozen=True, slots=True)
class CustomerLinked:
    """For the customer's owner: the customer can now be reached on Telegram."""

    customer_id: int
    customer_name: str


@dataclass(frozen=True, slots=True)
class Linking:
    """What opening a customer link did; `viewer` is the account as it is afterwards, `pushes` the
    owner's notice for the caller to queue."""

    outcome: LinkOutcome
    viewer: Viewer
    customer_name: str | None = None
    team_name: str | None = None
    previous_customer: str | None = None
    pushes: tuple[PushRequest, ...] = ()


def token_from_payload(payload: str) -> str | None:
    token = payload.removeprefix(PAYLOAD_PREFIX)
    if not payload.startswith(PAYLOAD_PREFIX) or not 16 <= len(token) <= 43 or not set(token) <= TOKEN_CHARS:
        return None
    return token


async def issue_link(session: AsyncSession, *, viewer: Viewer, customer_id: int, now: datetime) -> IssuedLink:
    """A fresh personal link for a customer the viewer may see; any earlier link stops working."""
    customer = await visible_customer(session, viewer=viewer, customer_id=customer_id)
    token = secrets.token_urlsafe(16)
    customer.link_token_hash = hash_token(token)
    await audit.record(
        session,
        action="customer.link_issued",
        actor_id=viewer.user_id,
        now=now,
        team_id=customer.team_id,
        customer_id=customer.id,
    )
    await session.flush()
    return IssuedLink(token, customer.name, customer.user_id is not None)


async def open_link(session: AsyncSession, *, viewer: Viewer, payload: str, now: datetime) -> Linking:
    """Connect the viewer's account to the customer whose link this is, and tell the owner."""
    token = token_from_payload(payload)
    customer = None
    if token is not None:
        customer = await session.scalar(
            select(Customer).where(
                Customer.link_token_hash == hash_token(token), Customer.erased_at.is_(None)
            )
        )
    if customer is None:
        return Linking(LinkOutcome.INVALID, viewer)
    team = await session.get(Team, customer.team_id)
    team_name = team.name if team is not None else None
    if viewer.role in (Role.ADMIN, Role.MANAGER, Role.REP):
        return Linking(LinkOutcome.STAFF, viewer, customer.name, team_name)
    if customer.user_id == viewer.user_id:
        customer.link_token_hash = None
        return Linking(LinkOutcome.ALREADY, viewer, customer.name, team_name)
    previous = await session.scalar(select(Customer).where(Customer.user_id == viewer.user_id))
    if previous is not None:
        previous.user_id = None
        await session.flush()
    if customer.user_id is not None:
        await _retire_account(session, customer.user_id)
    customer.user_id = viewer.user_id
    customer.link_token_hash = None
    customer.linked_at = now
    user = await session.get(User, viewer.user_id)
    assert user is not None
    user.role = Role.CUSTOMER.value
    user.team_id = customer.team_id
    user.is_active = True
    await audit.record(
        session,
        action="customer.linked",
        actor_id=user.id,
        now=now,
        team_id=customer.team_id,
        customer_id=customer.id,
        target_user_id=user.id,
        details={"moved_from": previous.id if previous is not None else None},
    )
    told = await _tell_owner(session, customer=customer, now=now)
    timezone = user.timezone or (team.timezone if team is not None else viewer.timezone)
    linked = replace(viewer, role=Role.CUSTOMER, team_id=customer.team_id, is_active=True, timezone=timezone)
    outcome = LinkOutcome.MOVED if previous is not None and previous.id != customer.id else LinkOutcome.LINKED
    previous_name = previous.name if previous is not None else None
    return Linking(outcome, linked, customer.name, team_name, previous_name, told)


async def _retire_account(session: AsyncSession, user_id: int) -> None:
    """The customer's old account (say, an old phone) stops being a customer account."""
    old = await session.get(User, user_id)
    if old is not None and old.role == Role.CUSTOMER.value:
        old.role = None
        old.team_id = None


async def _tell_owner(session: AsyncSession, *, customer: Customer, now: datetime) -> tuple[PushRequest, ...]:
    if customer.owner_id is None:
        return ()
    owner = await session.get(User, customer.owner_id)
    if owner is None or owner.chat_id is None or not owner.is_active:
        return ()
    team = await session.get(Team, customer.team_id)
    to = Recipient(
        chat_id=owner.chat_id,
        user_id=owner.id,
        locale=owner.locale,
        timezone=owner.timezone or (team.timezone if team else "UTC"),
    )
    key = f"customer-linked:{customer.id}:{customer.user_id}:{now.isoformat()}"
    return (
        PushRequest(
            dedupe_key=key, kind="customer_linked", to=to, notice=CustomerLinked(customer.id, customer.name)
        ),
    )
