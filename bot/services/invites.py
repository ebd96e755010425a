"""Invite links: who may create them, and what happens when one is opened."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services.errors import NotAllowed, NoTeam, NotFound
from bot.services.pushes import PushRequest, Recipient
from storage.models import User
from storage.queries import audit, invites, teams

PAYLOAD_PREFIX = "inv_"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,43}$")


def hash_token(token: str) -> str:
    """Only this hash is stored: a leaked database cannot be used to join a team."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_from_payload(payload: str) -> str | None:
    """The token inside a `/start inv_<token>` payload, or None if it cannot be one."""
    if not payload.startswith(PAYLOAD_PREFIX):
        return None
    token = payload.removeprefix(PAYLOAD_PREFIX)
    return token if _TOKEN.match(token) else None


@dataclass(frozen=True, slots=True)
class NewInvite:
    token: str
    role: Role
    team_name: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class OpenInvite:
    id: int
    role: Role
    created_by: str
    expires_at: datetime


class Outcome(StrEnum):
    JOINED = "joined"
    INVALID = "invalid"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    ALREADY_MEMBER = "already_member"
    HAS_ROLE = "has_role"


@dataclass(frozen=True, slots=True)
class Redemption:
    outcome: Outcome
    role: Role | None = None
    team_name: str | None = None
    expires_at: datetime | None = None
    viewer: Viewer | None = None
    """The newcomer as they are after joining; set only when they joined."""
    pushes: tuple[PushRequest, ...] = ()
    """The inviter's note that they joined."""


@dataclass(frozen=True, slots=True)
class Joined:
    """Someone joined the team through the inviter's link (worded by handlers/team/pushes.py)."""

    name: str
    team: str
    role: Role


async def create_invite(
    session: AsyncSession, *, inviter: Viewer, role: Role, ttl: timedelta, now: datetime
) -> NewInvite:
    if inviter.team_id is None:
        raise NoTeam()
    if not inviter.may_invite(role):
        raise NotAllowed(f"invite {role}")
    team = await teams.by_id(session, inviter.team_id)
    if team is None:
        raise NoTeam()
    token = secrets.token_urlsafe(16)
    invite = await invites.add(
        session,
        token_hash=hash_token(token),
        team_id=team.id,
        role=role.value,
        created_by_id=inviter.user_id,
        now=now,
        expires_at=now + ttl,
    )
    await audit.record(
        session,
        action="invite.created",
        actor_id=inviter.user_id,
        now=now,
        team_id=team.id,
        details={"invite_id": invite.id, "role": role.value},
    )
    return NewInvite(token=token, role=role, team_name=team.name, expires_at=invite.expires_at)


async def redeem_invite(session: AsyncSession, *, viewer: Viewer, payload: str, now: datetime) -> Redemption:
    """Join the team of a `/start inv_<token>` payload, if the link is good and the user free to join.

    The inviter's note, in their own language, is for the caller to queue in the same unit of work.
    """
    token = token_from_payload(payload)
    if token is None:
        return Redemption(Outcome.INVALID)
    invite = await invites.by_hash(session, hash_token(token))
    if invite is None:
        return Redemption(Outcome.INVALID)
    team = await teams.by_id(session, invite.team_id)
    role = Role(invite.role)
    team_name = team.name if team else None
    if viewer.has_access:
        same = viewer.team_id == invite.team_id and viewer.role is role
        return Redemption(Outcome.ALREADY_MEMBER if same else Outcome.HAS_ROLE, viewer.role, team_name)
    if invite.revoked_at is not None:
        return Redemption(Outcome.REVOKED, role, team_name)
    if invite.used_at is not None:
        return Redemption(Outcome.USED, role, team_name)
    if invite.expires_at <= now:
        return Redemption(Outcome.EXPIRED, role, team_name, invite.expires_at)
    if not await invites.claim(session, invite_id=invite.id, user_id=viewer.user_id, now=now):
        return Redemption(Outcome.USED, role, team_name)
    user = await session.get(User, viewer.user_id)
    assert user is not None
    before = user.role
    user.role = role.value
    user.team_id = invite.team_id
    user.manager_id = invite.created_by_id if role is Role.REP else None
    user.is_active = True
    await audit.record(
        session,
        action="role.granted",
        actor_id=invite.created_by_id,
        now=now,
        team_id=invite.team_id,
        target_user_id=user.id,
        details={"before": before, "after": role.value, "invite_id": invite.id},
    )
    told = await _inviter_note(
        session,
        invite_id=invite.id,
        inviter_id=invite.created_by_id,
        joined=Joined(user.full_name, team_name or "", role),
    )
    timezone = user.timezone or (team.timezone if team is not None else viewer.timezone)
    joined = replace(viewer, role=role, team_id=invite.team_id, is_active=True, timezone=timezone)
    return Redemption(Outcome.JOINED, role, team_name, viewer=joined, pushes=told)


async def _inviter_note(
    session: AsyncSession, *, invite_id: int, inviter_id: int, joined: Joined
) -> tuple[PushRequest, ...]:
    inviter = await session.get(User, inviter_id)
    if inviter is None or inviter.chat_id is None or not inviter.is_active:
        return ()
    to = Recipient(inviter.chat_id, inviter.id, inviter.locale, inviter.timezone)
    return (PushRequest(f"invite-joined:{invite_id}", "invite_joined", to, joined),)


async def open_invites(session: AsyncSession, *, viewer: Viewer, now: datetime) -> Sequence[OpenInvite]:
    if viewer.team_id is None:
        raise NoTeam()
    if viewer.effective_role not in (Role.ADMIN, Role.MANAGER):
        raise NotAllowed("list invites")
    rows = await invites.open_for_team(session, team_id=viewer.team_id, now=now)
    return [
        OpenInvite(
            id=invite.id, role=Role(invite.role), created_by=creator.full_name, expires_at=invite.expires_at
        )
        for invite, creator in rows
    ]


async def revoke_invite(session: AsyncSession, *, viewer: Viewer, invite_id: int, now: datetime) -> Role:
    """Withdraw an open invite of the viewer's team; managers only their own invitations' roles."""
    invite = await invites.by_id(session, invite_id)
    if invite is None or invite.team_id != viewer.team_id:
        raise NotFound("invite")
    if not viewer.may_invite(Role(invite.role)):
        raise NotAllowed("revoke invite")
    if not await invites.revoke(session, invite_id=invite.id, now=now):
        raise NotFound("invite")
    await audit.record(
        session,
        action="invite.revoked",
        actor_id=viewer.user_id,
        now=now,
        team_id=invite.team_id,
        details={"invite_id": invite.id, "role": invite.role},
    )
    return Role(invite.role)
