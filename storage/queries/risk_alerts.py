"""Risk alerts: who is told about a rise, the cooldown look-back and the recipient's answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Customer, RiskAlert, Team, User

Owner = aliased(User, name="owner")


@dataclass(frozen=True, slots=True)
class AlertTarget:
    """A customer whose risk rose, with what the push needs about them and their owner."""

    customer_id: int
    team_id: int
    name: str
    company: str | None
    score: int | None
    risk_level: str | None
    reasons: list[Any]
    muted_until: datetime | None
    owner_id: int | None
    owner_name: str | None
    owner_chat_id: int | None
    owner_locale: str | None
    owner_timezone: str | None
    owner_manager_id: int | None
    team_locale: str | None
    team_timezone: str


async def targets(session: AsyncSession, *, customer_ids: Sequence[int]) -> list[AlertTarget]:
    """The customers (not erased) with their owner if the owner can still be reached."""
    rows = await session.execute(
        select(
            Customer.id,
            Customer.team_id,
            Customer.name,
            Customer.company,
            Customer.health_score,
            Customer.risk_level,
            Customer.health_reasons,
            Customer.risk_muted_until,
            Owner.id,
            Owner.first_name,
            Owner.chat_id,
            Owner.locale,
            Owner.timezone,
            Owner.manager_id,
            Team.locale,
            Team.timezone,
        )
        .join(Team, Team.id == Customer.team_id)
        .outerjoin(
            Owner,
            (Owner.id == Customer.owner_id) & Owner.is_active.is_(True) & Owner.blocked_bot.is_(False),
        )
        .where(Customer.id.in_(customer_ids), Customer.erased_at.is_(None))
        .order_by(Customer.id)
    )
    return [AlertTarget(*row) for row in rows]


async def alerted_since(
    session: AsyncSession, *, pairs: Sequence[tuple[int, str]], since: datetime
) -> set[tuple[int, str]]:
    """Which (customer, level) pairs were already alerted after `since`: the cooldown."""
    if not pairs:
        return set()
    rows = await session.execute(
        select(RiskAlert.customer_id, RiskAlert.level)
        .where(tuple_(RiskAlert.customer_id, RiskAlert.level).in_(pairs), RiskAlert.created_at > since)
        .distinct()
    )
    return {(customer_id, level) for customer_id, level in rows}


async def add(
    session: AsyncSession,
    *,
    target: AlertTarget,
    level: str,
    previous_level: str,
    now: datetime,
) -> RiskAlert:
    alert = RiskAlert(
        team_id=target.team_id,
        customer_id=target.customer_id,
        owner_id=target.owner_id,
        level=level,
        previous_level=previous_level,
        score=target.score or 0,
        reasons=target.reasons,
        created_at=now,
    )
    session.add(alert)
    await session.flush()
    return alert


async def by_id(session: AsyncSession, *, alert_id: int) -> tuple[RiskAlert, Customer] | None:
    """The alert and its customer, locked for the answer on PostgreSQL."""
    row = (
        await session.execute(
            select(RiskAlert, Customer)
            .join(Customer, Customer.id == RiskAlert.customer_id)
            .where(RiskAlert.id == alert_id)
            .with_for_update(of=RiskAlert)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def reps_of_team(session: AsyncSession, *, team_id: int) -> Sequence[User]:
    """Active reps a customer can be handed to, by name."""
    rows = await session.scalars(
        select(User)
        .where(User.team_id == team_id, User.role == "rep", User.is_active.is_(True))
        .order_by(User.first_name, User.id)
    )
    return rows.all()
