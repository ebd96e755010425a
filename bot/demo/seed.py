"""The demo team, seeded once: an admin, two managers, eight reps and 400 customers with a year of history.

Idempotent: a second run finds the team by name and adds nothing. The history up to a day ago is
written first and scored by the real health rescan as of then (as the nightly rescan would have);
the last day's visits, orders, ratings and complaints come after, so the first rescan the demo
runs finds real risk rises and sends their alerts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo import history as demo_history
from bot.demo.book import BookWriter
from bot.demo.team import CUSTOMER_ACCOUNTS, STAFF, TEAM_NAME, TEAM_SETTINGS, TIMEZONE
from bot.services import health
from storage.models import Team, User

RESCANNED_AGO = timedelta(days=1)


async def seed(db: async_sessionmaker[AsyncSession], *, now: datetime) -> bool:
    """Create the demo team with its people and history; False if it is already there."""
    cut = now - RESCANNED_AGO
    async with db.begin() as session:
        if await session.scalar(select(Team.id).where(Team.name == TEAM_NAME)) is not None:
            return False
        team_id, users = await _people(session, now=now)
        writer = BookWriter(team_id, users, demo_history.plan(now), now)
        await writer.write_customers(session)
        await writer.write_events(session, after=now - timedelta(days=3650), until=cut)
    await health.rescan_team(db, team_id=team_id, now=cut, incremental=False)
    async with db.begin() as session:
        await writer.write_events(session, after=cut, until=now)
    return True


async def _people(session: AsyncSession, *, now: datetime) -> tuple[int, dict[int, int]]:
    """The team and everyone in it; user ids by telegram id. Accounts that exist are taken over."""
    team = Team(
        name=TEAM_NAME, timezone=TIMEZONE, settings=dict(TEAM_SETTINGS), created_at=now - timedelta(days=400)
    )
    session.add(team)
    await session.flush()
    users: dict[int, User] = {}
    for person in (*STAFF, *CUSTOMER_ACCOUNTS):
        user = await session.scalar(select(User).where(User.telegram_id == person.telegram_id))
        if user is None:
            user = User(telegram_id=person.telegram_id, first_name=person.first_name)
            session.add(user)
        user.first_name = person.first_name
        user.last_name = person.last_name
        user.chat_id = person.telegram_id
        user.role = person.role.value if person.role else None
        user.team_id = team.id
        user.locale = person.locale
        user.is_active = True
        users[person.telegram_id] = user
    await session.flush()
    for person in STAFF:
        if person.manager is not None:
            users[person.telegram_id].manager_id = users[person.manager].id
    team.created_by_id = users[STAFF[0].telegram_id].id
    await session.flush()
    return team.id, {telegram_id: user.id for telegram_id, user in users.items()}
