"""Customer lookups, always within what the viewer may see."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from storage.models import Customer


def visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """The customers a viewer may see: a rep their own, a manager or admin their team's."""
    role = viewer.effective_role
    if viewer.team_id is None or role not in (Role.REP, Role.MANAGER, Role.ADMIN):
        return false()
    in_team = and_(Customer.team_id == viewer.team_id, Customer.erased_at.is_(None))
    if role is Role.REP:
        return and_(in_team, Customer.owner_id == viewer.user_id)
    return in_team


async def visible_by_id(session: AsyncSession, *, viewer: Viewer, customer_id: int) -> Customer | None:
    return await session.scalar(select(Customer).where(Customer.id == customer_id, visible_to(viewer)))
