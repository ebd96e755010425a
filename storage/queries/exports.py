"""One statement per export, each limited to what the viewer may see (`visible_to`).

Rows come back as mappings with the keys the export sheets read; names of people are joined in,
tags aggregated in the database, so nothing is looked up per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.viewer import Viewer
from storage.models import Customer, Feedback, Order, Tag, Ticket, User, Visit, customer_tags
from storage.queries.customers import visible_to

TAG_SEPARATOR = ","


async def customers(session: AsyncSession, *, viewer: Viewer) -> Sequence[RowMapping]:
    owner = aliased(User)
    tags = (
        select(
            customer_tags.c.customer_id.label("customer_id"),
            func.aggregate_strings(Tag.name, TAG_SEPARATOR).label("tags"),
        )
        .join(Tag, Tag.id == customer_tags.c.tag_id)
        .group_by(customer_tags.c.customer_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            Customer.name,
            Customer.phone_e164,
            Customer.company,
            Customer.address,
            Customer.birthday,
            Customer.tier,
            tags.c.tags,
            owner.first_name.label("owner_first"),
            owner.last_name.label("owner_last"),
            Customer.stage,
            Customer.health_score,
            Customer.last_visit_at,
            Customer.last_order_at,
            Customer.created_at,
        )
        .outerjoin(tags, tags.c.customer_id == Customer.id)
        .outerjoin(owner, owner.id == Customer.owner_id)
        .where(visible_to(viewer))
        .order_by(Customer.name, Customer.id)
    )
    return rows.mappings().all()


async def _rep_records(
    session: AsyncSession,
    *,
    viewer: Viewer,
    model: type[Visit] | type[Order],
    when: Any,
    columns: Sequence[Any],
) -> Sequence[RowMapping]:
    """Visits or orders: when, the customer, the rep's name, then the record's own `columns`."""
    rep = aliased(User)
    rows = await session.execute(
        select(
            when,
            Customer.name.label("customer"),
            rep.first_name.label("rep_first"),
            rep.last_name.label("rep_last"),
            *columns,
        )
        .join(Customer, Customer.id == model.customer_id)
        .outerjoin(rep, rep.id == model.rep_id)
        .where(visible_to(viewer))
        .order_by(when, model.id)
    )
    return rows.mappings().all()


async def visits(session: AsyncSession, *, viewer: Viewer) -> Sequence[RowMapping]:
    return await _rep_records(
        session,
        viewer=viewer,
        model=Visit,
        when=Visit.visited_at,
        columns=(Visit.kind, Visit.outcome, Visit.notes),
    )


async def orders(session: AsyncSession, *, viewer: Viewer) -> Sequence[RowMapping]:
    return await _rep_records(
        session,
        viewer=viewer,
        model=Order,
        when=Order.ordered_at,
        columns=(Order.amount, Order.currency, Order.note),
    )


async def feedback(session: AsyncSession, *, viewer: Viewer) -> Sequence[RowMapping]:
    """The team's feedback on customers the viewer sees; managers also get remarks from people who
    are no customer (yet)."""
    rep = aliased(User)
    seen = and_(Feedback.team_id == viewer.team_id, visible_to(viewer))
    if viewer.manages:
        seen = or_(seen, and_(Feedback.customer_id.is_(None), Feedback.team_id == viewer.team_id))
    rows = await session.execute(
        select(
            Feedback.created_at,
            Customer.name.label("customer"),
            rep.first_name.label("rep_first"),
            rep.last_name.label("rep_last"),
            Feedback.kind,
            Feedback.score,
            Feedback.comment,
        )
        .outerjoin(Customer, Customer.id == Feedback.customer_id)
        .outerjoin(rep, rep.id == Feedback.rep_id)
        .where(seen)
        .order_by(Feedback.created_at, Feedback.id)
    )
    return rows.mappings().all()


async def tickets(session: AsyncSession, *, viewer: Viewer) -> Sequence[RowMapping]:
    assignee = aliased(User)
    rows = await session.execute(
        select(
            Ticket.number,
            Ticket.created_at,
            Customer.name.label("customer"),
            Ticket.category,
            Ticket.severity,
            Ticket.status,
            assignee.first_name.label("assignee_first"),
            assignee.last_name.label("assignee_last"),
            Ticket.resolve_due_at,
            Ticket.resolved_at,
            Ticket.description,
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .outerjoin(assignee, assignee.id == Ticket.assignee_id)
        .where(visible_to(viewer))
        .order_by(Ticket.number)
    )
    return rows.mappings().all()
