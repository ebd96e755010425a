"""What the morning greeting job reads: teams, today's birthdays and each owner's customers.

Only customers whose owner can be reached (active, chat known, bot not blocked) are returned, and
never erased ones. Each lookup is one set-based query with a hard cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Contact, Customer, Team, User
from storage.queries.agenda import on_day

Owner = aliased(User, name="owner")
Account = aliased(User, name="account")


@dataclass(frozen=True, slots=True)
class TeamRow:
    id: int
    timezone: str
    phone_region: str
    locale: str | None


@dataclass(frozen=True, slots=True)
class Recipient:
    """A customer's owner, as a push to them needs."""

    user_id: int
    chat_id: int
    locale: str | None
    timezone: str | None


@dataclass(frozen=True, slots=True)
class Born:
    """A customer, or one of its contacts (`contact_id` set), born today."""

    customer_id: int
    contact_id: int | None
    customer_name: str
    company: str | None
    person_name: str
    account_locale: str | None
    owner: Recipient


@dataclass(frozen=True, slots=True)
class Listed:
    """One of an owner's first customers, and how many customers the owner has in all."""

    customer_id: int
    customer_name: str
    company: str | None
    account_locale: str | None
    owner: Recipient
    owner_total: int


def _reachable_owner(team_id: int) -> ColumnElement[bool]:
    return and_(
        Customer.team_id == team_id,
        Customer.erased_at.is_(None),
        Owner.is_active.is_(True),
        Owner.blocked_bot.is_(False),
        Owner.chat_id.is_not(None),
    )


def _recipient(row: Row[Any]) -> Recipient:
    return Recipient(row.owner_id, row.chat_id, row.owner_locale, row.owner_timezone)


async def teams(session: AsyncSession) -> list[TeamRow]:
    rows = await session.execute(
        select(Team.id, Team.timezone, Team.phone_region, Team.locale).order_by(Team.id)
    )
    return [TeamRow(*row) for row in rows]


async def born_on(
    session: AsyncSession, *, team_id: int, month: int, day: int, with_leap_day: bool, limit: int
) -> list[Born]:
    """Customers and contacts of a team born on this month and day, with their owners."""
    own = select(
        Customer.id.label("customer_id"),
        literal(None).label("contact_id"),
        Customer.name.label("person_name"),
    ).where(Customer.team_id == team_id, on_day(Customer.birthday, month, day, with_leap_day=with_leap_day))
    contacts = (
        select(
            Customer.id.label("customer_id"),
            Contact.id.label("contact_id"),
            Contact.name.label("person_name"),
        )
        .join(Contact, Contact.customer_id == Customer.id)
        .where(Customer.team_id == team_id, on_day(Contact.birthday, month, day, with_leap_day=with_leap_day))
    )
    born = union_all(own, contacts).subquery("born")
    query = (
        select(
            born.c.customer_id,
            born.c.contact_id,
            Customer.name,
            Customer.company,
            born.c.person_name,
            Account.locale.label("account_locale"),
            Owner.id.label("owner_id"),
            Owner.chat_id,
            Owner.locale.label("owner_locale"),
            Owner.timezone.label("owner_timezone"),
        )
        .join(Customer, Customer.id == born.c.customer_id)
        .join(Owner, Owner.id == Customer.owner_id)
        .outerjoin(Account, Account.id == Customer.user_id)
        .where(_reachable_owner(team_id))
        .order_by(born.c.customer_id, born.c.contact_id.is_not(None), born.c.contact_id)
        .limit(limit)
    )
    return [
        Born(
            row.customer_id,
            row.contact_id,
            row.name,
            row.company,
            row.person_name,
            row.account_locale,
            _recipient(row),
        )
        for row in await session.execute(query)
    ]


async def first_customers_by_owner(session: AsyncSession, *, team_id: int, per_owner: int) -> list[Listed]:
    """Each reachable owner's first `per_owner` customers by name, with the owner's total."""
    ranked = (
        select(
            Customer.id.label("customer_id"),
            Customer.name.label("customer_name"),
            Customer.company,
            Account.locale.label("account_locale"),
            Owner.id.label("owner_id"),
            Owner.chat_id,
            Owner.locale.label("owner_locale"),
            Owner.timezone.label("owner_timezone"),
            func.row_number()
            .over(partition_by=Owner.id, order_by=(Customer.name, Customer.id))
            .label("rank"),
            func.count().over(partition_by=Owner.id).label("owner_total"),
        )
        .join(Owner, Owner.id == Customer.owner_id)
        .outerjoin(Account, Account.id == Customer.user_id)
        .where(_reachable_owner(team_id))
        .subquery("ranked")
    )
    query = select(ranked).where(ranked.c.rank <= per_owner).order_by(ranked.c.owner_id, ranked.c.rank)
    return [
        Listed(
            row.customer_id,
            row.customer_name,
            row.company,
            row.account_locale,
            _recipient(row),
            int(row.owner_total),
        )
        for row in await session.execute(query)
    ]
