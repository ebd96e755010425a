"""Revisits by cadence: each team morning, overdue customers become reminders and owners get one summary.

A customer whose last visit is older than its tier's cadence (VIP 14, A 30, B 60, C 90 days unless
the team says otherwise) gets one open "revisit" reminder; logging a visit closes it. The owner is
told once per morning in a single message listing the new ones, never one push per customer
(worded by handlers/reminder/revisits.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.cadence import cadence_overrides, cadence_table
from bot.services.pushes import PushRequest, Recipient
from storage.queries import revisits, teams

MORNING = time(9, 0)
PUSH_PRIORITY = 4


@dataclass(frozen=True, slots=True)
class DueRevisit:
    customer_id: int
    customer_name: str
    tier: str
    last_visit_at: datetime | None


@dataclass(frozen=True, slots=True)
class RevisitSummary:
    """An owner's customers that fell due a visit this morning; `as_of` dates their last visits."""

    due: list[DueRevisit]
    as_of: datetime


async def plan_for_team(
    session: AsyncSession, *, team_id: int, day: date, now: datetime
) -> list[PushRequest]:
    """Plan the team's overdue revisits for `day` (its local date); each owner's summary, to queue."""
    team = await teams.by_id(session, team_id)
    if team is None:
        return []
    cadence = cadence_table(cadence_overrides(team.settings))
    due_at = datetime.combine(day, MORNING, tzinfo=ZoneInfo(team.timezone))
    if not await revisits.plan(session, team_id=team_id, cadence=cadence, due_at=due_at, now=now):
        return []
    planned = await revisits.planned_at(session, team_id=team_id, at=now)
    pushes = []
    for owner_id, group in groupby(planned, key=lambda row: row.owner_id):
        rows = list(group)
        first = rows[0]
        if first.chat_id is None:
            continue
        summary = RevisitSummary(
            [DueRevisit(row.customer_id, row.customer_name, row.tier, row.last_visit_at) for row in rows],
            as_of=now,
        )
        pushes.append(
            PushRequest(
                dedupe_key=f"revisits:{owner_id}:{day.isoformat()}",
                kind="revisits",
                to=Recipient(
                    first.chat_id,
                    owner_id,
                    first.owner_locale or team.locale,
                    first.owner_timezone or team.timezone,
                ),
                notice=summary,
                priority=PUSH_PRIORITY,
            )
        )
    return pushes
