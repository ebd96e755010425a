"""Reading the audit trail page by page, and writing many entries in one insert (a handover's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.names import full_name
from storage.models import AuditLog, Customer, User
from storage.queries.customers import contains

Actor = aliased(User, name="actor")
Target = aliased(User, name="target")


@dataclass(frozen=True, slots=True)
class Entry:
    """One audit entry with the names it refers to, as they are now."""

    id: int
    at: datetime
    action: str
    actor_name: str | None
    actor_username: str | None
    target_name: str | None
    customer_id: int | None
    customer_name: str | None
    customer_erased: bool
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    username: str | None


async def record_many(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> None:
    """Entries as `audit.record` writes them (keys: at, action, actor_id, team_id, customer_id,
    target_user_id, details), in one insert."""
    if rows:
        await session.execute(insert(AuditLog), list(rows))


def _typed(user: Any) -> ColumnElement[str]:
    """The name as it may be typed to find someone: "First Last", or family name first (李伟)."""
    first_last = func.coalesce(user.first_name + " " + user.last_name, user.first_name)
    return first_last + " " + func.coalesce(user.last_name + user.first_name, "")


def _about(user_id: int | None, customer_id: int | None) -> ColumnElement[bool]:
    if user_id is not None:
        return or_(AuditLog.actor_id == user_id, AuditLog.target_user_id == user_id)
    if customer_id is not None:
        return AuditLog.customer_id == customer_id
    return true()


async def page(
    session: AsyncSession,
    *,
    user_id: int | None,
    customer_id: int | None,
    before_id: int | None,
    after_id: int | None,
    limit: int,
) -> tuple[list[Entry], bool, bool]:
    """Up to `limit` entries, newest first: older than `before_id`, or newer than `after_id`, or the
    newest; with whether there are newer and older ones beyond them. Keyset paging by id, so new
    entries arriving meanwhile never shift a page."""
    about = _about(user_id, customer_id)
    query = (
        select(
            AuditLog.id,
            AuditLog.at,
            AuditLog.action,
            Actor.first_name,
            Actor.username,
            Target.first_name,
            AuditLog.customer_id,
            Customer.name,
            Customer.erased_at,
            AuditLog.details,
            Actor.last_name,
            Target.last_name,
        )
        .outerjoin(Actor, Actor.id == AuditLog.actor_id)
        .outerjoin(Target, Target.id == AuditLog.target_user_id)
        .outerjoin(Customer, Customer.id == AuditLog.customer_id)
        .where(about)
    )
    if after_id is not None:
        found = list(
            await session.execute(query.where(AuditLog.id > after_id).order_by(AuditLog.id).limit(limit + 1))
        )
        newer, older = len(found) > limit, True
        rows = found[:limit][::-1]
    else:
        if before_id is not None:
            query = query.where(AuditLog.id < before_id)
        found = list(await session.execute(query.order_by(AuditLog.id.desc()).limit(limit + 1)))
        newer, older = before_id is not None, len(found) > limit
        rows = found[:limit]
    entries = [
        Entry(
            id=row[0],
            at=row[1],
            action=row[2],
            actor_name=None if row[3] is None else full_name(row[3], row[10]),
            actor_username=row[4],
            target_name=None if row[5] is None else full_name(row[5], row[11]),
            customer_id=row[6],
            customer_name=row[7],
            customer_erased=row[8] is not None,
            details=row[9] if isinstance(row[9], dict) else {},
        )
        for row in rows
    ]
    return entries, newer and bool(entries), older and bool(entries)


async def person(session: AsyncSession, *, user_id: int) -> Person | None:
    user = await session.get(User, user_id)
    return Person(user.id, user.full_name, user.username) if user is not None else None


async def people_named(session: AsyncSession, *, text: str, limit: int) -> list[Person]:
    """Staff and customers' accounts whose @username is `text` or whose name contains it."""
    handle = text.lstrip("@").lower()
    rows = await session.scalars(
        select(User)
        .where(
            or_(
                func.lower(User.username) == handle,
                contains(func.lower(_typed(User)), text.lower()),
            )
        )
        .order_by(User.id)
        .limit(limit)
    )
    return [Person(user.id, user.full_name, user.username) for user in rows]


async def recent_people(session: AsyncSession, *, limit: int) -> list[Person]:
    """Whoever acted most recently, newest first, each once."""
    last = (
        select(AuditLog.actor_id, func.max(AuditLog.id).label("last_id"))
        .where(AuditLog.actor_id.is_not(None))
        .group_by(AuditLog.actor_id)
        .subquery()
    )
    rows = await session.scalars(
        select(User).join(last, last.c.actor_id == User.id).order_by(last.c.last_id.desc()).limit(limit)
    )
    return [Person(user.id, user.full_name, user.username) for user in rows]


async def customers_named(session: AsyncSession, *, text: str, limit: int) -> list[tuple[int, str, bool]]:
    """Customers (erased ones too, by their label) whose name or company contains `text`: id, name, erased."""
    needle = text.lower()
    rows = await session.execute(
        select(Customer.id, Customer.name, Customer.erased_at)
        .where(
            or_(
                contains(func.lower(Customer.name), needle),
                contains(func.lower(func.coalesce(Customer.company, "")), needle),
            )
        )
        .order_by(Customer.id)
        .limit(limit)
    )
    return [(cid, name, erased is not None) for cid, name, erased in rows]


async def customer_label(session: AsyncSession, *, customer_id: int) -> tuple[str, bool] | None:
    """A customer's name and whether it was erased."""
    row = (
        await session.execute(select(Customer.name, Customer.erased_at).where(Customer.id == customer_id))
    ).first()
    return (row[0], row[1] is not None) if row is not None else None
