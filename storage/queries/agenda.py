"""The day's agenda for /today: follow-ups, birthdays, customers at risk, revisits by cadence.

Each section is one query returning a page of its rows plus the full count (a window count), so a
long list can say "+N more", and open page by page, without a second round trip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    cast,
    extract,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from bot.domain.enums import ReminderKind, RiskLevel
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from storage.models import Contact, Customer, Reminder, User
from storage.queries import reminders
from storage.queries.customers import visible_to
from storage.queries.owner_names import owner_name_columns, with_owner_name
from storage.queries.revisits import overdue

Owner = aliased(User, name="owner")


@dataclass(frozen=True, slots=True)
class Rows:
    """Rows of a section from some offset on, and how many there are in all (0 past the end)."""

    rows: Sequence[Mapping[str, object]]
    total: int


def _reminders_of(viewer: Viewer) -> ColumnElement[bool]:
    """A rep's own reminders; a manager's whole team's."""
    if viewer.team_id is None:
        return false()
    if viewer.effective_role is Role.REP:
        return Reminder.user_id == viewer.user_id
    return Reminder.team_id == viewer.team_id


async def _rows(session: AsyncSession, query: Select[*tuple[Any, ...]], limit: int, offset: int) -> Rows:
    counted = query.add_columns(func.count().over().label("total")).limit(limit).offset(offset)
    result = (await session.execute(counted)).all()
    rows = [with_owner_name(dict(row._mapping)) for row in result]
    return Rows(rows, int(rows[0]["total"]) if rows else 0)


async def follow_ups(
    session: AsyncSession,
    *,
    viewer: Viewer,
    due_from: datetime | None,
    due_before: datetime,
    limit: int,
    offset: int = 0,
) -> Rows:
    """Open reminders due in [due_from, due_before), earliest first."""
    window = [Reminder.due_at < due_before]
    if due_from is not None:
        window.append(Reminder.due_at >= due_from)
    query = reminders.listed(
        _reminders_of(viewer),
        Reminder.status.in_(reminders.OPEN),
        # Revisits by cadence have their own section.
        Reminder.kind != ReminderKind.REVISIT,
        *window,
    )
    return await _rows(session, query, limit, offset)


def on_day(
    column: InstrumentedAttribute[date | None], month: int, day: int, *, with_leap_day: bool
) -> ColumnElement[bool]:
    same_day = and_(extract("month", column) == month, extract("day", column) == day)
    if not with_leap_day:
        return same_day
    return or_(same_day, and_(extract("month", column) == 2, extract("day", column) == 29))


async def birthdays(
    session: AsyncSession,
    *,
    viewer: Viewer,
    month: int,
    day: int,
    with_leap_day: bool,
    limit: int,
    offset: int = 0,
) -> Rows:
    """Customers and their contacts born on this month and day (Feb 29 counted on Feb 28 if asked)."""
    visible = visible_to(viewer)
    own = select(
        Customer.id.label("customer_id"),
        Customer.name.label("customer_name"),
        literal(None).label("person_name"),
        cast(null(), Contact.id.type).label("contact_id"),
        Customer.owner_id.label("owner_id"),
    ).where(visible, on_day(Customer.birthday, month, day, with_leap_day=with_leap_day))
    contacts = (
        select(
            Customer.id.label("customer_id"),
            Customer.name.label("customer_name"),
            Contact.name.label("person_name"),
            Contact.id.label("contact_id"),
            Customer.owner_id.label("owner_id"),
        )
        .join(Contact, Contact.customer_id == Customer.id)
        .where(visible, on_day(Contact.birthday, month, day, with_leap_day=with_leap_day))
    )
    both = union_all(own, contacts).subquery("born")
    query = (
        select(both.c.customer_id, both.c.customer_name, both.c.person_name, *owner_name_columns(Owner))
        .outerjoin(Owner, Owner.id == both.c.owner_id)
        # Ties broken by ids, so that paging never shows a person twice or skips one.
        .order_by(both.c.customer_name, both.c.customer_id, both.c.person_name, both.c.contact_id)
    )
    return await _rows(session, query, limit, offset)


async def newly_at_risk(
    session: AsyncSession, *, viewer: Viewer, since: datetime, limit: int, offset: int = 0
) -> Rows:
    """High or medium risk, scored since `since`: high first, then the lowest health."""
    query = (
        select(
            Customer.id.label("customer_id"),
            Customer.name.label("customer_name"),
            Customer.risk_level,
            Customer.health_score,
            *owner_name_columns(Owner),
        )
        .outerjoin(Owner, Owner.id == Customer.owner_id)
        .where(
            visible_to(viewer),
            Customer.risk_level.in_((RiskLevel.HIGH, RiskLevel.MEDIUM)),
            Customer.health_computed_at >= since,
        )
        .order_by((Customer.risk_level == RiskLevel.HIGH).desc(), Customer.health_score, Customer.id)
    )
    return await _rows(session, query, limit, offset)


async def revisits_due(
    session: AsyncSession,
    *,
    viewer: Viewer,
    now: datetime,
    cadence: Mapping[str, int],
    limit: int,
    offset: int = 0,
) -> Rows:
    """Customers whose last visit (or, never visited, their creation) is older than their tier's cadence."""
    last_contact = func.coalesce(Customer.last_visit_at, Customer.created_at)
    query = (
        select(
            Customer.id.label("customer_id"),
            Customer.name.label("customer_name"),
            Customer.tier,
            Customer.last_visit_at,
            *owner_name_columns(Owner),
        )
        .outerjoin(Owner, Owner.id == Customer.owner_id)
        .where(visible_to(viewer), overdue(cadence, now))
        .order_by(last_contact, Customer.id)
    )
    return await _rows(session, query, limit, offset)


async def owned(session: AsyncSession, *, viewer: Viewer, limit: int, offset: int = 0) -> Rows:
    """The customers the viewer owns, by name, as a holiday greeting lists them."""
    query = (
        select(Customer.id.label("customer_id"), Customer.name.label("customer_name"))
        .where(visible_to(viewer), Customer.owner_id == viewer.user_id)
        .order_by(Customer.name, Customer.id)
    )
    return await _rows(session, query, limit, offset)
