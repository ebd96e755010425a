"""Creating a team and looking at it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services.errors import NotAllowed, NoTeam
from storage.models import User
from storage.queries import audit, invites, teams, users


@dataclass(frozen=True, slots=True)
class TeamSummary:
    id: int
    name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    username: str | None
    role: Role
    is_active: bool


@dataclass(frozen=True, slots=True)
class TeamOverview:
    team: TeamSummary
    members: Sequence[Member]
    open_invites: int


async def create_team(
    session: AsyncSession, *, admin: Viewer, name: str, timezone: str, now: datetime
) -> TeamSummary:
    """A new team, which becomes the admin's current team."""
    if admin.effective_role is not Role.ADMIN:
        raise NotAllowed("create team")
    team = await teams.add(session, name=name, timezone=timezone, created_by_id=admin.user_id, now=now)
    await users.set_team(session, user_id=admin.user_id, team_id=team.id)
    await audit.record(
        session,
        action="team.created",
        actor_id=admin.user_id,
        now=now,
        team_id=team.id,
        details={"name": name, "timezone": timezone},
    )
    return TeamSummary(id=team.id, name=team.name, timezone=team.timezone)


async def overview(session: AsyncSession, *, viewer: Viewer, now: datetime) -> TeamOverview:
    """The viewer's team, its staff and how many invites are still open."""
    if viewer.effective_role not in (Role.ADMIN, Role.MANAGER):
        raise NotAllowed("team overview")
    if viewer.team_id is None:
        raise NoTeam()
    team = await teams.by_id(session, viewer.team_id)
    if team is None:
        raise NoTeam()
    staff = await users.team_members(session, team_id=team.id)
    pending = await invites.count_open(session, team_id=team.id, now=now)
    return TeamOverview(
        team=TeamSummary(id=team.id, name=team.name, timezone=team.timezone),
        members=[_member(user) for user in staff],
        open_invites=pending,
    )


def _member(user: User) -> Member:
    assert user.role is not None, "team_members returns staff only"
    return Member(name=user.full_name, username=user.username, role=Role(user.role), is_active=user.is_active)
