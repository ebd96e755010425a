"""/settings: a team's tunables as its admins and managers see and change them, audit-logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import team_settings
from bot.domain.cadence import cadence_overrides, cadence_table
from bot.domain.digest import digest_time
from bot.domain.enums import TicketSeverity
from bot.domain.sla import Sla, sla_for
from bot.domain.surveys import SurveyTiming, timing
from bot.domain.team_settings import Field, Window
from bot.domain.viewer import Viewer
from bot.services.errors import NotAllowed, NoTeam
from storage.models import Team
from storage.queries import audit


@dataclass(frozen=True, slots=True)
class TeamSettings:
    """What the team runs on now: its own values where set, the defaults elsewhere."""

    team: str
    timezone: str
    currency: str
    digest_time: time
    cadence: dict[str, int]
    survey: SurveyTiming
    sla: dict[str, Sla]
    quiet_hours: Window | None


async def _team(session: AsyncSession, viewer: Viewer) -> Team:
    if not viewer.manages:
        raise NotAllowed
    team = await session.get(Team, viewer.team_id) if viewer.team_id is not None else None
    if team is None:
        raise NoTeam
    return team


def _effective(team: Team) -> TeamSettings:
    settings = dict(team.settings or {})
    return TeamSettings(
        team=team.name,
        timezone=team.timezone,
        currency=team.currency,
        digest_time=digest_time(settings),
        cadence=cadence_table(cadence_overrides(settings)),
        survey=timing(settings),
        sla={level.value: sla_for(level.value, settings) for level in TicketSeverity},
        quiet_hours=team_settings.quiet_hours(settings),
    )


async def current(session: AsyncSession, *, viewer: Viewer) -> TeamSettings:
    return _effective(await _team(session, viewer))


async def change(
    session: AsyncSession, *, viewer: Viewer, field: Field, text: str, now: datetime
) -> TeamSettings:
    """Apply what was typed for `field` (raises `team_settings.Invalid`); the change is audit-logged."""
    team = await _team(session, viewer)
    value = team_settings.parse(field, text)
    before: Any
    after: Any = value
    if field is Field.TIMEZONE:
        before, team.timezone = team.timezone, value
    elif field is Field.CURRENCY:
        before, team.currency = team.currency, value
    else:
        key = team_settings.SETTING_KEYS[field]
        before = (team.settings or {}).get(key)
        team.settings = team_settings.merged(team.settings or {}, field, value)
        after = team.settings.get(key)
    await audit.record(
        session,
        action="settings",
        actor_id=viewer.user_id,
        now=now,
        team_id=team.id,
        details={"field": field.value, "before": before, "after": after},
    )
    return _effective(team)
